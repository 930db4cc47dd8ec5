// What the explorers share for keeping work: undo / redo of their settings (Ctrl+Z,
// Ctrl+Shift+Z or Ctrl+Y while the widget has focus), named snapshots kept in the synced
// `presets` trait (saved with the notebook's widget state), and "copy as code", which asks the
// lab extension for a new cell holding the kernel's `code` (the clipboard without it).

import type { AnyModel } from "@anywidget/types";
import { h } from "./controls";
import { onChange } from "./model";

/** The traits of the Snapshots mix-in and `code` (schillinger_kernel/widgets/_presets.py). */
export interface ExplorerTraits {
  /** snapshot name -> the settings kept under it */
  presets: Record<string, Record<string, unknown>>;
  /** the traits a snapshot and an undo step hold */
  _preset_keys: string[];
  /** the Python that rebuilds what is shown */
  code: string;
}

/** The window event the lab extension answers by inserting `detail.code` below `detail.cell`. */
export const INSERT_CODE_EVENT = "schillinger-insert-code";

type Settings = Record<string, unknown>;
const DEPTH = 200;  // undo steps kept
const SETTLE_MS = 400;  // changes closer together than this are one step (a slider drag)

function textField(t: EventTarget | null): boolean {
  return t instanceof HTMLInputElement && t.type !== "range" && t.type !== "checkbox";
}

/** The explorers' tool row and its keyboard; returns [element, cleanup]. */
export function explorerTools(model: AnyModel<ExplorerTraits>, root: HTMLElement): [HTMLElement, () => void] {
  // the settings are any of the widget's traits, named at run time by `_preset_keys`
  const any = model as unknown as AnyModel<Settings>;
  const keys = () => model.get("_preset_keys");
  const current = (): Settings => Object.fromEntries(keys().map((k) => [k, any.get(k)]));
  const same = (x: Settings, y: Settings) => keys().every((k) => JSON.stringify(x[k]) === JSON.stringify(y[k]));

  const undo = h("button", { type: "button", class: "sk-undo", title: "Undo (Ctrl+Z while the widget has focus)" }, "↶");
  const redo = h("button", { type: "button", class: "sk-redo", title: "Redo (Ctrl+Shift+Z or Ctrl+Y)" }, "↷");
  const presets = h("select", { class: "sk-presets", title: "Recall a snapshot" });
  const name = h("input", { type: "text", class: "sk-preset-name", placeholder: "snapshot name", size: "12" });
  const keep = h("button", { type: "button", class: "sk-keep", title: "Keep these settings under the name (saved with the notebook)" }, "keep");
  const drop = h("button", { type: "button", class: "sk-drop-preset", title: "Forget the chosen snapshot" }, "×");
  const copy = h("button", { type: "button", class: "sk-copy-code", title: "Insert the Python that makes this into a new cell below" }, "⧉ copy as code");
  const said = h("span", { class: "sk-said", role: "status" });
  const row = h("div", { class: "sk-tools" }, undo, redo, presets, name, keep, drop, copy, said);

  // ----- history: one step per gesture ---------------------------------------------------------
  const past: Settings[] = [];
  const future: Settings[] = [];
  let settled = current();
  let applying = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const syncButtons = () => {
    undo.disabled = past.length === 0;
    redo.disabled = future.length === 0;
    row.dataset.undo = String(past.length);
    row.dataset.redo = String(future.length);
  };
  const onSettingChange = () => {
    if (applying) return;
    if (timer === null) {
      if (same(settled, current())) return;
      past.push(settled);
      if (past.length > DEPTH) past.shift();
      future.length = 0;
      syncButtons();
    } else {
      clearTimeout(timer);
    }
    timer = setTimeout(() => { timer = null; settled = current(); }, SETTLE_MS);
  };
  const apply = (s: Settings) => {
    applying = true;
    try {
      for (const k of keys()) if (k in s) any.set(k, s[k]);
      model.save_changes();
    } finally {
      applying = false;
    }
    settled = current();
  };
  const step = (from: Settings[], to: Settings[]) => {
    if (timer !== null) {  // a gesture still settling ends here
      clearTimeout(timer);
      timer = null;
    }
    const s = from.pop();
    if (!s) return;
    to.push(current());
    apply(s);
    syncButtons();
  };
  undo.addEventListener("click", () => { step(past, future); });
  redo.addEventListener("click", () => { step(future, past); });
  const onKey = (e: KeyboardEvent) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || textField(e.target)) return;
    const k = e.key.toLowerCase();
    if (k === "z" && !e.shiftKey) step(past, future);
    else if ((k === "z" && e.shiftKey) || k === "y") step(future, past);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  root.addEventListener("keydown", onKey);
  const offKeys = onChange(any, keys(), onSettingChange);

  // ----- snapshots ------------------------------------------------------------------------------
  const syncPresets = () => {
    const kept = model.get("presets");
    const names = Object.keys(kept).sort();
    const chosen = presets.value;
    presets.replaceChildren(h("option", { value: "" }, names.length ? "snapshots…" : "no snapshots"),
      ...names.map((n) => h("option", { value: n }, n)));
    presets.value = names.includes(chosen) ? chosen : "";
    drop.disabled = !presets.value;
    row.dataset.presets = String(names.length);
  };
  keep.addEventListener("click", () => {
    const kept = model.get("presets");
    const label = name.value.trim() || `snapshot ${Object.keys(kept).length + 1}`;
    model.set("presets", { ...kept, [label]: current() });
    model.save_changes();
    name.value = "";
    presets.value = label;
    said.textContent = `kept “${label}”`;
  });
  presets.addEventListener("change", () => {
    const s = model.get("presets")[presets.value];
    drop.disabled = !s;
    if (!s) return;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    past.push(current());  // recalling is a step that undo takes back
    future.length = 0;
    apply(s);
    syncButtons();
  });
  drop.addEventListener("click", () => {
    const rest = { ...model.get("presets") };
    delete rest[presets.value];
    model.set("presets", rest);
    model.save_changes();
  });
  const offPresets = onChange(model, ["presets"], syncPresets);

  // ----- copy as code -------------------------------------------------------------------------
  copy.addEventListener("click", () => {
    const code = model.get("code");
    const ev = new CustomEvent(INSERT_CODE_EVENT, { cancelable: true, detail: { code, cell: root.closest(".jp-Cell") } });
    // the lab extension cancels the event when it has inserted the cell
    if (!window.dispatchEvent(ev)) {
      said.textContent = "inserted below";
    } else {
      void navigator.clipboard?.writeText(code).then(
        () => { said.textContent = "copied to the clipboard"; },
        () => { said.textContent = "could not reach the clipboard"; });
    }
  });

  syncButtons();
  syncPresets();
  return [row, () => {
    if (timer !== null) clearTimeout(timer);
    root.removeEventListener("keydown", onKey);
    offKeys();
    offPresets();
  }];
}
