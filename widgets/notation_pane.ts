// The explorers' notation pane: the SVG pages the kernel engraved (Verovio, as for ScoreView)
// under a "notation" toggle. The kernel engraves only while the pane is shown, so the toggle
// goes to the kernel; while the controls move, the last engraving stays, dimmed, until the
// kernel's new one arrives.

import type { AnyModel } from "@anywidget/types";
import { h } from "./controls";
import { onChange } from "./model";

/** The traits of NotationPane (schillinger_kernel/widgets/_notation_pane.py). */
export interface NotationTraits {
  /** show the engraved notation (the kernel engraves only while it is shown) */
  notation: boolean;
  /** why there is no engraving */
  notation_error: string;
  /** the engraved pages, SVG documents (empty while hidden) */
  _notation: string[];
}

/** The pane and its toggle: [element, cleanup, mark stale (the controls moved)]. */
export function notationPane<M extends NotationTraits>(model: AnyModel<M>): [HTMLElement, () => void, () => void] {
  const m = model as unknown as AnyModel<NotationTraits>;
  const toggle = h("input", { type: "checkbox", class: "sk-notation-toggle" });
  const error = h("div", { class: "sk-error sk-notation-error" });
  const sheet = h("div", { class: "sk-notation-pane" });
  const box = h("div", { class: "sk-notation-box" },
    h("label", { class: "sk-notation-label" }, toggle, " notation"), error, sheet);

  let shown: string[] | null = null;
  const sync = () => {
    const on = m.get("notation");
    toggle.checked = on;
    sheet.hidden = !on;
    error.textContent = on ? m.get("notation_error") : "";
    const pages = m.get("_notation") ?? [];
    if (pages !== shown) {
      shown = pages;
      sheet.replaceChildren(...pages.map((svg) => {
        const p = h("div", { class: "sk-score-page" });
        p.innerHTML = svg;
        return p;
      }));
      sheet.dataset.notes = String(sheet.querySelectorAll("g.note").length);
      sheet.dataset.pages = String(pages.length);
    }
    sheet.classList.remove("sk-stale");
  };
  toggle.addEventListener("change", () => {
    m.set("notation", toggle.checked);
    m.save_changes();
    if (toggle.checked) sheet.classList.add("sk-stale");  // until the kernel has engraved
  });
  const off = onChange(m, ["notation", "notation_error", "_notation"], sync);
  sync();
  const stale = () => { if (m.get("notation")) sheet.classList.add("sk-stale"); };
  return [box, off, stale];
}
