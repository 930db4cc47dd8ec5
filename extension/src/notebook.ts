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
