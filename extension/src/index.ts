// Schillinger Workbench in JupyterLab: a launcher card, a sidebar panel, palette commands and a
// "Schillinger" menu. Nothing here knows music theory: the server extension and the widgets
// (schillinger_kernel.server, schillinger_kernel.widgets) do the work.

import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { IMainMenu } from '@jupyterlab/mainmenu';
import { ServerConnection } from '@jupyterlab/services';
import { Menu } from '@lumino/widgets';

import { FRONTEND_VERSION } from './api';
import { addCommands, CommandIDs } from './commands';
import { iconSvg, schillingerIcon } from './icon';
import { listenForCode, listenForRerun } from './notebook';
import { TUTORIALS } from './tutorials';
import { IDriveScope, WorkbenchPanel } from './panel';

const PALETTE_CATEGORY = 'Schillinger Workbench';

/** The sidebar's transport drives the widgets of the main area's widget in front. */
function driveScope(app: JupyterFrontEnd): IDriveScope {
  // JupyterLab's and Notebook 7's shells both signal `currentChanged`; the base type does not say so
  const shell = app.shell as JupyterFrontEnd.IShell & { currentChanged?: { connect(cb: () => void): unknown } };
  return {
    current: () => {
      const widget = shell.currentWidget;
      if (!widget) {
        return null;
      }
      const name = widget.title.label || 'the open document';
      const where = widget.hasClass('jp-NotebookPanel') ? `this notebook (${name})` : name;
      return { node: widget.node, where };
    },
    onChange: cb => {
      shell.currentChanged?.connect(() => cb());
    }
  };
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'schillinger-workbench:plugin',
  description: 'Schillinger Workbench: launcher card, sidebar panel and commands.',
  autoStart: true,
  optional: [ILauncher, ICommandPalette, IMainMenu, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    mainMenu: IMainMenu | null,
    restorer: ILayoutRestorer | null
  ) => {
    const settings = ServerConnection.makeSettings();

    const panel = new WorkbenchPanel(settings, driveScope(app));
    panel.title.icon = schillingerIcon;
    app.shell.add(panel, 'left', { rank: 900 });
    if (restorer) {
      restorer.add(panel, panel.id);
    }

    addCommands(app, settings, () => app.shell.activateById(panel.id));
    listenForCode(app);
    listenForRerun(app);

    // The launcher card: the command labels itself "Schillinger Workbench" when isLauncher is set.
    if (launcher) {
      launcher.add({
        command: CommandIDs.newNotebook,
        args: { isLauncher: true },
        category: 'Notebook',
        rank: 10,
        kernelIconUrl: `data:image/svg+xml;base64,${btoa(iconSvg)}`
      });
      TUTORIALS.forEach((t, rank) => {
        launcher.add({
          command: CommandIDs.openTutorial,
          args: { file: t.file, isLauncher: true },
          category: 'Schillinger tutorials',
          rank
        });
      });
    }

    const all = [
      CommandIDs.newNotebook,
      CommandIDs.insertRhythm,
      CommandIDs.insertHarmony,
      CommandIDs.exportScore,
      CommandIDs.stopAll,
      CommandIDs.dawHelp,
      CommandIDs.openPanel
    ];
    if (palette) {
      for (const command of all) {
        palette.addItem({ command, category: PALETTE_CATEGORY });
      }
      for (const t of TUTORIALS) {
        palette.addItem({ command: CommandIDs.openTutorial, args: { file: t.file }, category: PALETTE_CATEGORY });
      }
    }
    if (mainMenu) {
      const menu = new Menu({ commands: app.commands });
      menu.id = 'schillinger-workbench-menu';
      menu.title.label = 'Schillinger';
      for (const command of all) {
        menu.addItem({ command });
      }
      const tutorials = new Menu({ commands: app.commands });
      tutorials.id = 'schillinger-workbench-tutorials';
      tutorials.title.label = 'Tutorials';
      for (const t of TUTORIALS) {
        tutorials.addItem({ command: CommandIDs.openTutorial, args: { file: t.file } });
      }
      menu.addItem({ type: 'submenu', submenu: tutorials });
      mainMenu.addMenu(menu, true, { rank: 900 });
    }
    console.log(`Schillinger Workbench lab extension ${FRONTEND_VERSION} is activated`);
  }
};

export default plugin;
