// The page-wide stop of the widgets' playback: every widget transport (widgets/transport.ts)
// listens for this window event, whichever bundle made it, so the lab needs no reference to
// them. Keep the name in step with STOP_ALL_EVENT there.

/** The window event every widget of the page stops on. */
export const STOP_ALL_EVENT = 'schillinger-stop-all';

/** Stop every Schillinger widget playing in this page. */
export function stopAllWidgets(): void {
  window.dispatchEvent(new Event(STOP_ALL_EVENT));
}
