// The tutorials (the repository's notebooks/) ship inside the lab extension: webpack copies
// each notebook named by `new URL(..., import.meta.url)` into the extension's static files,
// which the wheel carries and the server serves. Opening one copies it into the user's folder
// "Schillinger tutorials/" the first time; after that the user's copy opens, never replaced.

import { JupyterFrontEnd } from '@jupyterlab/application';
import { PageConfig, PathExt, URLExt } from '@jupyterlab/coreutils';

export interface ITutorial {
  /** the notebook's file name */
  file: string;
  /** its first heading */
  title: string;
  /** where the extension's copy is served */
  url: string;
}

/** The folder, under the server's root, that the tutorials are copied into. */
export const TUTORIAL_DIR = 'Schillinger tutorials';

// each URL literal on its own, so webpack sees and copies every file
export const TUTORIALS: ITutorial[] = [
  { file: '01_rhythm.ipynb', title: 'Book I: rhythm by interference',
    url: new URL('../../notebooks/01_rhythm.ipynb', import.meta.url).href },
  { file: '02_scales_and_projection.ipynb', title: 'Books II and III: scales and projections',
    url: new URL('../../notebooks/02_scales_and_projection.ipynb', import.meta.url).href },
  { file: '03_harmony.ipynb', title: 'Book V: the special theory of harmony',
    url: new URL('../../notebooks/03_harmony.ipynb', import.meta.url).href },
  { file: '04_composition.ipynb', title: 'From two generators to a full arrangement',
    url: new URL('../../notebooks/04_composition.ipynb', import.meta.url).href },
  { file: '05_audio.ipynb', title: 'Hearing it: rendering, export, loudness',
    url: new URL('../../notebooks/05_audio.ipynb', import.meta.url).href },
  { file: '06_daw.ipynb', title: 'Driving the workbench from a DAW',
    url: new URL('../../notebooks/06_daw.ipynb', import.meta.url).href },
  { file: '07_widgets.ipynb', title: 'Widgets: see and hear the system while you change it',
    url: new URL('../../notebooks/07_widgets.ipynb', import.meta.url).href },
  { file: '08_teams.ipynb', title: 'Teams on JupyterHub: shares that look, owners who change',
    url: new URL('../../notebooks/08_teams.ipynb', import.meta.url).href }
];

async function exists(app: JupyterFrontEnd, path: string): Promise<boolean> {
  try {
    await app.serviceManager.contents.get(path, { content: false });
    return true;
  } catch {
    return false;
  }
}

/**
 * The user's copy of tutorial `file` (copied on first use, never over an existing file);
 * returns its path under the server's root.
 */
export async function tutorialCopy(app: JupyterFrontEnd, file: string): Promise<string> {
  const tutorial = TUTORIALS.find(t => t.file === file);
  if (!tutorial) {
    throw new Error(`no tutorial named ${file}; there are ${TUTORIALS.map(t => t.file).join(', ')}`);
  }
  const path = PathExt.join(TUTORIAL_DIR, file);
  if (await exists(app, path)) {
    return path;  // the user's own copy, perhaps edited: theirs
  }
  const answer = await fetch(tutorial.url, { credentials: 'same-origin' });
  if (!answer.ok) {
    throw new Error(`the tutorial ${file} could not be read from the extension (${answer.status})`);
  }
  const content = (await answer.json()) as unknown;
  const { contents } = app.serviceManager;
  if (!(await exists(app, TUTORIAL_DIR))) {
    await contents.save(TUTORIAL_DIR, { type: 'directory' });
  }
  await contents.save(path, { type: 'notebook', format: 'json', content });
  return path;
}

/** Open `path` where this application opens documents (a page of its own in Notebook 7). */
export async function openDocument(app: JupyterFrontEnd, path: string): Promise<void> {
  if (app.name === 'Jupyter Notebook') {
    window.open(URLExt.join(PageConfig.getBaseUrl(), 'notebooks', URLExt.encodeParts(path)), '_blank');
    return;
  }
  await app.commands.execute('docmanager:open', { path, factory: 'Notebook' });
}
