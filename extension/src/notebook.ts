// The few things the commands need from an open notebook, read from the shell's current
// widget. Depending on @jupyterlab/notebook only for these would double the npm install (it
// pulls in mermaid and the whole cell stack), so the shape is declared here and checked at
// runtime instead.

import { JupyterFrontEnd } from '@jupyterlab/application';
import { ISessionContext } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

export interface INotebookLike extends Widget {
  context: { path: string; ready: Promise<void> };
  sessionContext: ISessionContext;
  content: {
    activeCellIndex: number;
    model: {
      sharedModel: {
        insertCell(index: number, cell: { cell_type: 'code'; source: string }): unknown;
        /** the cells as the shared (Yjs) model holds them; only `source` is read */
        cells?: ReadonlyArray<{ source: string }>;
      };
    } | null;
  };
}

/** The notebook in the main area's focus, or null when the current widget is something else. */
export function currentNotebook(app: JupyterFrontEnd): INotebookLike | null {
  const widget = app.shell.currentWidget as Partial<INotebookLike> | null;
  if (
    widget &&
    widget.context &&
    widget.sessionContext &&
    widget.content &&
    typeof widget.content.activeCellIndex === 'number' &&
    widget.content.model &&
    typeof widget.content.model.sharedModel?.insertCell === 'function' &&
    widget.context.path.endsWith('.ipynb')
  ) {
    return widget as INotebookLike;
  }
  return null;
}

/**
 * Insert a code cell below the active one of `panel`, make it active and run it (with the
 * notebook's own "run cell" command, once the document and its kernel are ready).
 */
export async function insertAndRun(
  app: JupyterFrontEnd,
  panel: INotebookLike,
  code: string
): Promise<void> {
  // a notebook that is still loading would replace its cells (and ours) when its file arrives
  await panel.context.ready;
  const notebook = panel.content;
  const model = notebook.model;
  if (!model) {
    return;
  }
  const index = notebook.activeCellIndex + 1;
  model.sharedModel.insertCell(index, { cell_type: 'code', source: code });
  notebook.activeCellIndex = index;
  await panel.sessionContext.ready;
  app.shell.activateById(panel.id);
  await app.commands.execute('notebook:run-cell');
}

/** Every cell's source text of `panel` (what the user has written, run or not). */
export function cellSources(panel: INotebookLike): string[] {
  const cells = panel.content.model?.sharedModel.cells ?? [];
  return Array.from(cells, cell => (typeof cell.source === 'string' ? cell.source : ''));
}

/** The window event a widget's "copy as code" sends (widgets/explorer_tools.ts). */
export const INSERT_CODE_EVENT = 'schillinger-insert-code';

interface InsertCodeDetail {
  code: string;
  /** the widget's cell (`.jp-Cell`), null outside a notebook */
  cell: Element | null;
}

function isInsertCode(ev: Event): ev is CustomEvent<InsertCodeDetail> {
  const d = (ev as CustomEvent<Partial<InsertCodeDetail>>).detail;
  return typeof d?.code === 'string' && d.code.length > 0;
}

/**
 * Answer the widgets' "copy as code": a new code cell with the code below the widget's cell
 * (not run: the user decides), in whichever notebook of the main area holds that cell.
 * The event is cancelled when the cell is inserted, so the widget knows not to use the
 * clipboard instead. Returns what stops listening.
 */
export function listenForCode(app: JupyterFrontEnd): () => void {
  const onInsert = (ev: Event) => {
    if (!isInsertCode(ev) || !ev.detail.cell) {
      return;
    }
    const cellNode = ev.detail.cell;
    for (const widget of app.shell.widgets('main')) {
      const panel = widget as unknown as {
        content?: Partial<INotebookLike['content']> & {
          widgets?: ReadonlyArray<{ node: HTMLElement }>;
        };
      };
      const cells = panel.content?.widgets;
      const model = panel.content?.model;
      if (!cells || !model || !widget.node.contains(cellNode)) {
        continue;
      }
      const index = cells.findIndex(c => c.node === cellNode);
      if (index < 0) {
        continue;
      }
      model.sharedModel.insertCell(index + 1, { cell_type: 'code', source: ev.detail.code });
      panel.content!.activeCellIndex = index + 1;
      ev.preventDefault();
      return;
    }
  };
  window.addEventListener(INSERT_CODE_EVENT, onInsert);
  return () => window.removeEventListener(INSERT_CODE_EVENT, onInsert);
}

/** The window event a disconnected widget's "Run the cell again" sends (widgets/model.ts). */
export const RERUN_CELL_EVENT = 'schillinger-rerun-cell';

/**
 * Answer a stale widget's "Run the cell again": after a kernel restart the widget's model is
 * gone from the kernel, so the cell that made it runs again (with the notebook's own command),
 * which replaces the stale view with one of the new kernel's model. The event is cancelled
 * when a notebook of the main area holds the cell. Returns what stops listening.
 */
export function listenForRerun(app: JupyterFrontEnd): () => void {
  const onRerun = (ev: Event) => {
    const cellNode = (ev as CustomEvent<{ cell?: Element | null }>).detail?.cell;
    if (!cellNode) {
      return;
    }
    for (const widget of app.shell.widgets('main')) {
      const panel = widget as unknown as {
        content?: { activeCellIndex?: number; widgets?: ReadonlyArray<{ node: HTMLElement }> };
      };
      const cells = panel.content?.widgets;
      if (!cells || !widget.node.contains(cellNode)) {
        continue;
      }
      const index = cells.findIndex(c => c.node === cellNode);
      if (index < 0) {
        continue;
      }
      panel.content!.activeCellIndex = index;
      app.shell.activateById(widget.id);
      ev.preventDefault();
      void app.commands.execute('notebook:run-cell');
      return;
    }
  };
  window.addEventListener(RERUN_CELL_EVENT, onRerun);
  return () => window.removeEventListener(RERUN_CELL_EVENT, onRerun);
}
