// The synced traits of ScoreWidget (schillinger_kernel/widgets/_base.py), one field per trait
// with the same name; each widget's model extends it with its own traits. Keep them in step
// with the Python classes: tests/widgets/test_widget_models.py compares the two.

import type { AnyModel } from "@anywidget/types";
import type { ScoreMeta } from "./score_data";

/** The score's note fields, one little-endian buffer each (see score_data.ts). */
export type NoteField = "start" | "dur" | "pitch" | "vel" | "part";

/** What `set_audio` announces: the PCM the view pulls chunk by chunk. */
export interface PcmMeta {
  id: string;
  rate: number;
  channels: number;
  frames: number;
  chunks: number;
}

export interface ScoreModel {
  playing: boolean;
  loop: boolean;
  tempo: number;
  position: number;
  /** empty until a score is set; binary buffers arrive as DataViews */
  _notes: Partial<Record<NoteField, DataView>>;
  /** empty until a score is set */
  _meta: Partial<ScoreMeta>;
  /** empty while the browser synthesises the notes itself */
  _pcm: Partial<PcmMeta>;
  /** id of the PCM the view has fetched completely */
  _pcm_loaded: string;
  /** keys the model's Transport: each view gets its own proxy of the model */
  _uid: string;
}

/** Call `cb` on a change of any of `names`; returns what stops listening. */
export function onChange<M extends object>(model: AnyModel<M>, names: readonly (keyof M & string)[],
  cb: () => void): () => void {
  for (const name of names) model.on(`change:${name}`, cb);
  return () => { for (const name of names) model.off(`change:${name}`, cb); };
}

// ----- a view whose kernel is gone ------------------------------------------------------------
// A kernel restart leaves every view on the page drawing its last state while nothing it sends
// reaches a kernel; a notebook reopened with its widget state saved draws views of models no
// kernel has. The new kernel never had the model, so such a view cannot re-attach to it: the
// cell has to run again, which replaces the view with one of the new kernel's model. Until then
// the view says so and offers that run.

/**
 * The window event the stale notice's button sends; the lab extension (extension/src/notebook.ts)
 * runs `detail.cell` and cancels the event. Not cancelled: no extension heard it.
 */
export const RERUN_CELL_EVENT = "schillinger-rerun-cell";

/** The words of the stale notice (tests look for them). */
export const STALE_TEXT = "Not connected to a kernel (restarted, or not started): this is the last state, and the controls do nothing.";

/** What a model proxy offers that this needs: events, and the manager that holds the model. */
interface ModelLike {
  get(name: "_uid"): unknown;
  on(name: string, cb: () => void): void;
  off(name: string, cb: () => void): void;
  widget_manager?: unknown;
}

/**
 * Whether the model behind `model` has a comm to a kernel, from its widget manager; null when
 * that cannot be told. The proxy anywidget hands to `render` hides `comm_live`, so the model is
 * found in the JupyterLab widget manager's registry (jupyterlab-manager 5: `_modelsSync`, also
 * in Notebook 7) by its `_uid`, a trait unique to each widget.
 */
export function commLive(model: ModelLike): boolean | null {
  const registry = (model.widget_manager as { _modelsSync?: unknown } | undefined)?._modelsSync;
  if (!(registry instanceof Map)) return null;
  const uid = model.get("_uid");
  for (const m of registry.values() as Iterable<{ get?(n: string): unknown; comm_live?: unknown }>) {
    if (typeof m?.get === "function" && m.get("_uid") === uid && typeof m.comm_live === "boolean") {
      return m.comm_live;
    }
  }
  return null;
}

/**
 * Show a notice with a "Run the cell again" button at the top of `el` while the view's model
 * has no live comm: from the start (state saved with the notebook) or from the moment
 * ipywidgets says its comm went (`comm_live_update`: a kernel restart, a dead kernel, the comm
 * closed). A model never gets its comm back, so once stale the view stays so until its cell
 * runs again and replaces it. Returns what stops watching.
 */
export function watchConnection(el: HTMLElement, model: ModelLike): () => void {
  const notice = document.createElement("div");
  notice.className = "sk-stale";
  notice.setAttribute("role", "status");
  notice.style.cssText = "display:none;gap:8px;align-items:center;flex-wrap:wrap;margin:0 0 6px;"
    + "padding:4px 8px;border:1px solid var(--jp-warn-color1,#e0b000);"
    + "background:var(--jp-warn-color3,#fff8e1);color:var(--jp-ui-font-color1,#000)";
  const text = document.createElement("span");
  text.textContent = STALE_TEXT;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "sk-rerun";
  button.textContent = "↻ Run the cell again";
  const hint = document.createElement("span");
  hint.className = "sk-rerun-hint";
  notice.append(text, button, hint);
  button.addEventListener("click", () => {
    const ev = new CustomEvent(RERUN_CELL_EVENT, { cancelable: true, detail: { cell: el.closest(".jp-Cell") } });
    window.dispatchEvent(ev);
    // outside JupyterLab and Notebook 7 (no extension to run it) the keyboard still can
    hint.textContent = ev.defaultPrevented ? "running…" : "select the cell and press Shift+Enter";
  });
  const show = (stale: boolean) => {
    notice.style.display = stale ? "flex" : "none";
    el.dataset.skStale = stale ? "1" : "0";
  };
  const update = () => show(commLive(model) === false);
  el.prepend(notice);
  update();
  model.on("comm_live_update", update);
  return () => { model.off("comm_live_update", update); notice.remove(); };
}
