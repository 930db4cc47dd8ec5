// The sidebar's transport driving the widgets' playback in this page. The widget bundles
// (widgets/transport.ts) are loaded by anywidget, apart from this extension, so the two talk by
// window events; the types below mirror those there one to one (keep them in step).

/** Lab → widgets: a command for the widgets with a view inside `scope`; they answer in `widgets`. */
export const DRIVE_EVENT = 'schillinger-transport-drive';
/** Widgets → lab: a driven widget appeared, went, started or stopped (no detail). */
export const DRIVEN_CHANGED_EVENT = 'schillinger-transport-driven';

/**
 * What the sidebar asks: `list` only answers; `play` starts at beat `beats` of the shared clock;
 * `seek` moves the widgets to beat `beats` (the clock was sought elsewhere): the playing ones
 * jump there, the stopped ones put their playhead there, where their next play starts.
 */
export type DriveCommand =
  | { action: 'list' }
  | { action: 'play'; beats: number }
  | { action: 'seek'; beats: number }
  | { action: 'stop' }
  | { action: 'tempo'; tempo: number };

/** One driven widget as the sidebar names it: "ScoreView 'Etude'", playing at `tempo` BPM. */
export interface IDrivenWidget {
  kind: string;
  title: string;
  playing: boolean;
  tempo: number;
}

/** The detail of DRIVE_EVENT: the widgets' listener fills `widgets` synchronously. */
export interface IDriveDetail {
  command: DriveCommand;
  scope: Node | null;
  widgets: IDrivenWidget[];
}

/**
 * Send `command` to the widgets drawn inside `scope` (null: the whole page); answers them.
 *
 * With no widget bundle loaded nobody listens, and the answer is empty:
 *
 *     driveWidgets({ action: 'list' }, document.body)  // -> []
 */
export function driveWidgets(command: DriveCommand, scope: Node | null): IDrivenWidget[] {
  const detail: IDriveDetail = { command, scope, widgets: [] };
  window.dispatchEvent(new CustomEvent(DRIVE_EVENT, { detail }));
  return detail.widgets;
}

/** "ScoreView 'Etude'", or the kind alone when the widget has no title. */
export function widgetName(w: IDrivenWidget): string {
  return w.title ? `${w.kind} '${w.title}'` : w.kind;
}

/**
 * The sidebar's line saying what the transport drives in `where` ("this notebook").
 *
 *     describeDriving([{ kind: 'ScoreView', title: 'Etude', playing: false, tempo: 120 },
 *                      { kind: 'Rhythm explorer', title: '', playing: false, tempo: 120 }],
 *                     'this notebook')
 *     // -> "driving: 2 widgets in this notebook — ScoreView 'Etude', Rhythm explorer"
 */
export function describeDriving(widgets: IDrivenWidget[], where: string | null): string {
  if (where === null) {
    return 'driving: no widgets (open a notebook with a player, explorer or ScoreView)';
  }
  if (widgets.length === 0) {
    return `driving: no widgets in ${where} (the server clock only)`;
  }
  const n = widgets.length === 1 ? '1 widget' : `${widgets.length} widgets`;
  return `driving: ${n} in ${where} — ${widgets.map(widgetName).join(', ')}`;
}

/** The two transport states `seekedTo` compares (the server's `seeks` counts its seeks). */
export interface ISeekable {
  playing: boolean;
  position_beats: number;
  [key: string]: unknown;
}

/**
 * Where the widgets must move when the clock went from `last` to `state`: the new position
 * when a seek happened in between (REST, OSC, another browser), playing or stopped (a stopped
 * widget's playhead goes there, and a stop with a seek leaves them there); null otherwise, and
 * when the clock started meanwhile (the play carries its position).
 *
 *     seekedTo({ playing: true, position_beats: 3, seeks: 0 },
 *              { playing: true, position_beats: 16, seeks: 1 })  // -> 16
 *     seekedTo({ playing: false, position_beats: 3, seeks: 1 },
 *              { playing: false, position_beats: 8, seeks: 2 })  // -> 8
 *     seekedTo({ playing: false, position_beats: 3, seeks: 1 },
 *              { playing: true, position_beats: 8, seeks: 2 })  // -> null
 */
export function seekedTo(last: ISeekable | null, state: ISeekable): number | null {
  if (last === null || (!last.playing && state.playing)) {
    return null;
  }
  const before = last.seeks;
  const now = state.seeks;
  if (typeof before !== 'number' || typeof now !== 'number' || before === now) {
    return null;
  }
  return Number(state.position_beats) || 0;
}
