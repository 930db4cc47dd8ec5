// The workbench's commands: a new notebook from the starter template, explorers dropped into
// the current notebook, export of a score through the server, and the DAW bridge help.

import { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, MainAreaWidget, Notification, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { Widget } from '@lumino/widgets';

import { postAPI } from './api';
import { DawHelp } from './help';
import { schillingerIcon } from './icon';
import { cellSources, currentNotebook, INotebookLike, insertAndRun } from './notebook';
import { stopAllWidgets } from './stop';
import { openDocument, tutorialCopy, TUTORIALS } from './tutorials';

import snippets from './snippets.json';
import starter from './starter.json';

/** The starter notebook (nbformat 4 JSON): imports, RhythmExplorer, HarmonyExplorer, Player. */
export const STARTER: Record<string, unknown> = starter;

export const CommandIDs = {
  newNotebook: 'schillinger:new-notebook',
  insertRhythm: 'schillinger:insert-rhythm-explorer',
  insertHarmony: 'schillinger:insert-harmony-explorer',
  exportScore: 'schillinger:export-score',
  dawHelp: 'schillinger:daw-help',
  openPanel: 'schillinger:open-panel',
  openTutorial: 'schillinger:open-tutorial',
  stopAll: 'schillinger:stop-all'
} as const;

/** The shortcut of "Stop all playback" (anywhere in the lab). */
export const STOP_ALL_KEYS = ['Accel Alt .'];

/** The code cells the "Insert … explorer" commands add (tests run them in a kernel). */
export const EXPLORER_CODE: { rhythm: string; harmony: string } = snippets;

/**
 * The variable each inserted explorer cell binds (in EXPLORER_CODE). Never `rhythm` or
 * `harmony`: the tutorials import those modules under these names.
 */
export const EXPLORER_NAME = { rhythm: 'rhythm_explorer', harmony: 'harmony_explorer' } as const;

/** `base`, else `base_2`, `base_3`, …: the first that is not in `taken`. */
export function freshName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) {
    return base;
  }
  for (let i = 2; ; i++) {
    if (!taken.has(`${base}_${i}`)) {
      return `${base}_${i}`;
    }
  }
}

/** The names `base`, `base_2`, … that occur in `texts` (cell sources, a kernel's answer). */
export function namesLike(base: string, texts: Iterable<string>): Set<string> {
  const found = new Set<string>();
  const pattern = new RegExp(`(?<![A-Za-z0-9_])${base}(?:_[0-9]+)?(?![A-Za-z0-9_])`, 'g');
  for (const text of texts) {
    for (const match of text.matchAll(pattern)) {
      found.add(match[0]);
    }
  }
  return found;
}

/** The cell for an explorer of `kind` bound to a name none of `taken` is. */
export function explorerCode(kind: keyof typeof EXPLORER_NAME, taken: ReadonlySet<string>): string {
  const base = EXPLORER_NAME[kind];
  const name = freshName(base, taken);
  return EXPLORER_CODE[kind].replace(new RegExp(`\\b${base}\\b`, 'g'), name);
}

/**
 * Names like `base` that the notebook already uses: in any cell's text, and in the kernel's
 * namespace (a name bound by a cell since deleted, or by %run). No kernel: the cells only.
 */
async function takenNames(panel: INotebookLike, base: string): Promise<Set<string>> {
  const texts = cellSources(panel);
  const kernel = panel.sessionContext.session?.kernel;
  if (kernel) {
    try {
      const future = kernel.requestExecute({
        code: '',
        silent: true,
        store_history: false,
        user_expressions: { names: `' '.join(n for n in globals() if n.startswith('${base}'))` }
      });
      const reply = await future.done;
      const content = reply.content;
      const answer = (content.status === 'ok' ? content.user_expressions.names : undefined) as
        | UserExpression
        | undefined;
      const text = answer?.status === 'ok' ? answer.data['text/plain'] : undefined;
      if (typeof text === 'string') {
        texts.push(text);
      }
    } catch {
      // a busy or dead kernel: the cells' text is what we know
    }
  }
  return namesLike(base, texts);
}

/** Export formats of the server's `export` route and their file suffix. */
export const EXPORT_FORMATS: Record<string, string> = {
  midi: '.mid',
  musicxml: '.musicxml',
  wav: '.wav',
  flac: '.flac',
  ogg: '.ogg',
  mp3: '.mp3'
};

/** First free "Schillinger.ipynb", "Schillinger-1.ipynb", … in a directory. */
async function freeName(app: JupyterFrontEnd, dir: string): Promise<string> {
  const taken = new Set<string>();
  try {
    const listing = await app.serviceManager.contents.get(dir, { content: true });
    for (const item of (listing.content ?? []) as Array<{ name: string }>) {
      taken.add(item.name);
    }
  } catch {
    // an unreadable directory: fall through, save() reports the real problem
  }
  for (let i = 0; ; i++) {
    const name = i === 0 ? 'Schillinger.ipynb' : `Schillinger-${i}.ipynb`;
    if (!taken.has(name)) {
      return PathExt.join(dir, name);
    }
  }
}

/** Notebook 7's application (one document per page), not JupyterLab's. */
export function isNotebook7(app: JupyterFrontEnd): boolean {
  return app.name === 'Jupyter Notebook';
}

/** Write the starter notebook into `cwd` and open it; returns its path. */
export async function newSchillingerNotebook(app: JupyterFrontEnd, cwd: string): Promise<string> {
  const path = await freeName(app, cwd);
  await app.serviceManager.contents.save(path, {
    type: 'notebook',
    format: 'json',
    content: JSON.parse(JSON.stringify(STARTER))
  });
  if (isNotebook7(app)) {
    // Notebook 7 opens each document in a page of its own (its docmanager:open from a notebook
    // page fails on the missing second document area)
    await openDocument(app, path);
    return path;
  }
  // the kernel comes from the notebook's kernelspec (python3), as for any notebook opened
  // docmanager:open answers the document widget it opened (or undefined)
  const widget = (await app.commands.execute('docmanager:open', { path, factory: 'Notebook' })) as
    | Partial<Pick<INotebookLike, 'context'>>
    | undefined;
  if (widget?.context) {
    await widget.context.ready;
  }
  return path;
}

/** The Python expression that turns `name` (a Score, a Rhythm or an explorer) into JSON. */
export function scoreExpression(name: string): string {
  return (
    "(lambda _v: __import__('IPython.display', fromlist=['JSON']).JSON(" +
    "(_v if hasattr(_v, 'parts') else _v.to_score() if hasattr(_v, 'to_score') else _v.score)" +
    `.to_dict()))(${name})`
  );
}

/** One entry of an execute reply's `user_expressions` (Jupyter messaging protocol). */
type UserExpression =
  | { status: 'ok'; data: Record<string, unknown> }
  | { status: 'error'; ename: string; evalue: string };

/** What the server's `export` route answers: the written path, at once or as a finished job. */
interface IExportAnswer {
  path?: string;
  result?: { path?: string };
}

/** Evaluate a score-valued name in the notebook's kernel and return its JSON dict. */
async function scoreFromKernel(panel: INotebookLike, name: string): Promise<Record<string, unknown>> {
  const kernel = panel.sessionContext.session?.kernel;
  if (!kernel) {
    throw new Error('this notebook has no running kernel');
  }
  const future = kernel.requestExecute({
    code: '',
    silent: true,
    store_history: false,
    user_expressions: { score: scoreExpression(name) }
  });
  const reply = await future.done;
  const content = reply.content;
  const result = (content.status === 'ok' ? content.user_expressions.score : undefined) as
    | UserExpression
    | undefined;
  if (result?.status !== 'ok') {
    const why = result ? `${result.ename}: ${result.evalue}` : 'no answer';
    throw new Error(`cannot read a score from "${name}" (${why})`);
  }
  const data = result.data['application/json'];
  if (!data || typeof data !== 'object') {
    throw new Error(`"${name}" did not give a score`);
  }
  return data as Record<string, unknown>;
}

class ExportForm extends Widget {
  constructor(defaultName: string) {
    super();
    this.addClass('sk-export-form');
    const variable = document.createElement('input');
    variable.value = 'score';
    variable.setAttribute('aria-label', 'Score variable');
    const format = document.createElement('select');
    for (const f of Object.keys(EXPORT_FORMATS)) {
      const option = document.createElement('option');
      option.value = f;
      option.textContent = f;
      format.appendChild(option);
    }
    const path = document.createElement('input');
    path.value = defaultName + EXPORT_FORMATS.midi;
    path.setAttribute('aria-label', 'File path');
    format.onchange = () => {
      const stem = path.value.replace(/\.[A-Za-z0-9]+$/, '');
      path.value = stem + EXPORT_FORMATS[format.value];
    };
    const rows: Array<[string, HTMLElement]> = [
      ['Score (a variable of this notebook: Score, Rhythm or explorer)', variable],
      ['Format', format],
      ['File (inside the server\u2019s root directory)', path]
    ];
    for (const [label, input] of rows) {
      const l = document.createElement('label');
      l.textContent = label;
      l.appendChild(input);
      this.node.appendChild(l);
    }
    this._variable = variable;
    this._format = format;
    this._path = path;
  }

  getValue(): { variable: string; format: string; path: string } {
    return { variable: this._variable.value.trim(), format: this._format.value, path: this._path.value.trim() };
  }

  private _variable: HTMLInputElement;
  private _format: HTMLSelectElement;
  private _path: HTMLInputElement;
}

/** Register the commands. */
export function addCommands(
  app: JupyterFrontEnd,
  settings: ServerConnection.ISettings,
  openPanel: () => void
): void {
  const { commands } = app;
  const hasNotebook = () => currentNotebook(app) !== null;
  app.shell.currentChanged?.connect(() => {
    for (const id of [CommandIDs.insertRhythm, CommandIDs.insertHarmony, CommandIDs.exportScore]) {
      commands.notifyCommandChanged(id);
    }
  });

  commands.addCommand(CommandIDs.newNotebook, {
    label: args => (args.isLauncher ? 'Schillinger Workbench' : 'New Schillinger notebook'),
    caption: 'A notebook with a rhythm explorer, a harmony explorer and a player',
    icon: args => (args.isPalette ? undefined : schillingerIcon),
    execute: async args => {
      const cwd = typeof args.cwd === 'string' ? args.cwd : '';
      try {
        return await newSchillingerNotebook(app, cwd);
      } catch (error) {
        await showErrorMessage('New Schillinger notebook', error as Error);
        return null;
      }
    }
  });

  for (const [id, kind, label] of [
    [CommandIDs.insertRhythm, 'rhythm', 'Insert rhythm explorer'],
    [CommandIDs.insertHarmony, 'harmony', 'Insert harmony explorer']
  ] as const) {
    commands.addCommand(id, {
      label,
      caption: `${label} below the active cell of the current notebook and run it`,
      isEnabled: hasNotebook,
      execute: async () => {
        const panel = currentNotebook(app);
        if (!panel) {
          return;
        }
        await panel.context.ready;
        await panel.sessionContext.ready;
        const taken = await takenNames(panel, EXPLORER_NAME[kind]);
        await insertAndRun(app, panel, explorerCode(kind, taken));
      }
    });
  }

  commands.addCommand(CommandIDs.exportScore, {
    label: 'Export current score...',
    caption: 'Write a score of the current notebook to MIDI, MusicXML or audio through the server',
    isEnabled: hasNotebook,
    execute: async () => {
      const panel = currentNotebook(app);
      if (!panel) {
        return;
      }
      const stem = PathExt.join(PathExt.dirname(panel.context.path), PathExt.basename(panel.context.path, '.ipynb'));
      const form = new ExportForm(stem);
      const choice = await showDialog({
        title: 'Export current score',
        body: form,
        buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Export' })]
      });
      if (!choice.button.accept || !choice.value) {
        return;
      }
      const { variable, format, path } = choice.value;
      try {
        if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(variable)) {
          throw new Error(`"${variable}" is not a variable name`);
        }
        const score = await scoreFromKernel(panel, variable);
        const answer = await postAPI<IExportAnswer | null>('export', { score, format, path, wait: true }, settings);
        const written = (answer?.result?.path ?? answer?.path) || path;
        Notification.success(`Exported ${variable} to ${written}`, { autoClose: 5000 });
        return written;
      } catch (error) {
        await showErrorMessage('Export current score', error as Error);
        return null;
      }
    }
  });

  commands.addCommand(CommandIDs.dawHelp, {
    label: 'Open DAW bridge help',
    caption: 'How to reach the workbench over OSC from a DAW, Max or SuperCollider',
    execute: () => {
      const existing = Array.from(app.shell.widgets('main')).find(w => w.id === 'schillinger-daw-help-area');
      if (existing) {
        app.shell.activateById(existing.id);
        return;
      }
      const content = new DawHelp(settings);
      const widget = new MainAreaWidget({ content });
      widget.id = 'schillinger-daw-help-area';
      widget.title.label = 'DAW bridge help';
      widget.title.closable = true;
      app.shell.add(widget, 'main');
      if (widget.isAttached) {
        app.shell.activateById(widget.id);
        return;
      }
      // Notebook 7's notebook page has room for one document in its main area: a dialog there
      widget.dispose();
      void showDialog({
        title: 'DAW bridge help',
        body: new DawHelp(settings),
        buttons: [Dialog.okButton({ label: 'Close' })]
      });
    }
  });

  commands.addCommand(CommandIDs.stopAll, {
    label: 'Stop all playback',
    caption: 'Stop every Schillinger widget playing in this page',
    execute: () => {
      stopAllWidgets();
    }
  });
  commands.addKeyBinding({ command: CommandIDs.stopAll, keys: STOP_ALL_KEYS, selector: 'body' });

  commands.addCommand(CommandIDs.openTutorial, {
    label: args => {
      const t = TUTORIALS.find(x => x.file === args.file);
      return t ? `${t.file.slice(0, 2)} · ${t.title}` : 'Open a Schillinger tutorial';
    },
    caption: 'A copy of the tutorial in "Schillinger tutorials/" (your copy once it exists)',
    icon: args => (args.isLauncher ? schillingerIcon : undefined),
    execute: async args => {
      const file = typeof args.file === 'string' ? args.file : TUTORIALS[0].file;
      try {
        const path = await tutorialCopy(app, file);
        await openDocument(app, path);
        return path;
      } catch (error) {
        await showErrorMessage('Open tutorial', error as Error);
        return null;
      }
    }
  });

  commands.addCommand(CommandIDs.openPanel, {
    label: 'Show Schillinger Workbench panel',
    execute: openPanel
  });
}
