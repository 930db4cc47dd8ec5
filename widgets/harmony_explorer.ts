// HarmonyExplorer: key, root cycle (C3, C5, C7 and their negative forms), chord structure and
// length; the progression as chord symbols and as a circle of roots with the cycle's path;
// playback of the progression; the voiced progression engraved on a grand staff with its chord
// symbols (notation_pane.ts).
//
// The kernel (schillinger_kernel.harmony) computes the progression; this view only lays out
// what it receives in `_chords` and `_circle`.

import type { Initialize, Render } from "@anywidget/types";
import { bindModel, h, transportBar, transportOf, widgetRoot } from "./controls";
import { onChange, type ScoreModel } from "./model";
import { explorerTools, type ExplorerTraits } from "./explorer_tools";
import { everyFrame } from "./playhead";
import { notationPane } from "./notation_pane";

/** One chord of the progression; `degree` counts from 0, `start`/`end` are score seconds. */
interface Chord { symbol: string; degree: number; start: number; end: number; pitches: number[] }
/** The key's roots in scale order, drawn round the circle. */
interface Circle { labels: string[] }

/** The traits of HarmonyExplorer (schillinger_kernel/widgets/harmony_explorer.py). */
export interface HarmonyModel extends ScoreModel, ExplorerTraits {
  key: string;
  key_choices: string[];
  cycle: string;
  cycle_choices: string[];
  structure: string;
  structure_choices: string[];
  length: number;
  /** the General MIDI instrument the chords play with */
  instrument: string;
  instruments: string[];
  error: string;
  _chords: Chord[];
  /** empty until a progression was computed */
  _circle: Partial<Circle>;
  /** show the progression engraved (the kernel engraves only while it is shown) */
  notation: boolean;
  /** why there is no engraving */
  notation_error: string;
  /** the engraved pages, SVG documents (empty while hidden) */
  _notation: string[];
}

const SVGNS = "http://www.w3.org/2000/svg";

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

const initialize: Initialize<HarmonyModel> = ({ model }) => bindModel(model);

function circleSvg(circle: Circle, chords: Chord[]): SVGSVGElement {
  const size = 220;
  const c = size / 2;
  const r = 80;
  const n = Math.max(1, circle.labels.length);
  const at = (i: number): [number, number] => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
    return [c + r * Math.cos(a), c + r * Math.sin(a)];
  };
  const root = svg("svg", { width: size, height: size, viewBox: `0 0 ${size} ${size}`, class: "sk-circle" });
  const defs = svg("defs", {});
  const marker = svg("marker", { id: "sk-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" });
  marker.append(svg("path", { d: "M0 0L10 5L0 10z", fill: "#1f5fa8", class: "sk-arrow-head" }));
  defs.append(marker);
  root.append(defs, svg("circle", { cx: c, cy: c, r, fill: "none", stroke: "#b8bec8", class: "sk-ring" }));
  for (let k = 0; k + 1 < chords.length; k++) {
    const [x1, y1] = at(chords[k].degree);
    const [x2, y2] = at(chords[k + 1].degree);
    const shrink = 0.86;  // stop the arrow short of the node
    const line = svg("line", {
      x1, y1, x2: x1 + (x2 - x1) * shrink, y2: y1 + (y2 - y1) * shrink,
      stroke: "#1f5fa8", "stroke-width": 1.5, "marker-end": "url(#sk-arrow)", class: "sk-step", opacity: 0.55 + 0.45 * (k + 1) / chords.length,
    });
    root.append(line);
  }
  circle.labels.forEach((label, i) => {
    const [x, y] = at(i);
    const used = chords.some((ch) => ch.degree === i);
    const g = svg("g", { class: used ? "sk-node sk-used" : "sk-node", "data-degree": i });
    g.append(svg("circle", { cx: x, cy: y, r: 13, fill: used ? "#1f5fa8" : "#fff", stroke: "#1f5fa8" }));
    const t = svg("text", { x, y: y + 4, "text-anchor": "middle", "font-size": 11, fill: used ? "#fff" : "#1f5fa8" });
    t.textContent = label;
    g.append(t);
    root.append(g);
  });
  return root;
}

const render: Render<HarmonyModel> = ({ model, el }) => {
  widgetRoot(el, "sk-harmony-explorer");
  const tr = transportOf(model);
  const key = h("select", { class: "sk-key" });
  const cycle = h("select", { class: "sk-cycle" });
  const structure = h("select", { class: "sk-structure" });
  const instrument = h("select", { class: "sk-instrument" });
  const length = h("input", { type: "range", class: "sk-length", min: "2", max: "28", step: "1" });
  const lengthOut = h("output", {});
  const grid = h("div", { class: "sk-controls" },
    h("label", {}, "key"), key, h("span", {}),
    h("label", {}, "cycle"), cycle, h("span", {}),
    h("label", {}, "structure"), structure, h("span", {}),
    h("label", {}, "length"), length, lengthOut,
    h("label", {}, "instrument"), instrument, h("span", {}));
  const [bar, cleanupBar] = transportBar(model, { root: el });
  const [tools, cleanupTools] = explorerTools(model, el);
  const error = h("div", { class: "sk-error" });
  const chips = h("div", { class: "sk-chords" });
  const circleBox = h("div", { class: "sk-circle-box" });
  const [pane, cleanupPane, paneStale] = notationPane(model);
  el.append(grid, bar, tools, error, h("div", { class: "sk-harmony-body" }, circleBox, chips), pane);

  const fill = (sel: HTMLSelectElement, options: string[], value: string) => {
    if ([...sel.options].map((o) => o.value).join("|") !== options.join("|")) {
      sel.replaceChildren(...options.map((o) => h("option", { value: o }, o)));
    }
    sel.value = value;
  };
  let lengthMoving = false;  // between the user's input and its change
  let current = -2;  // the chord highlighted, -1 none, -2 not drawn yet
  const sync = () => {
    fill(key, model.get("key_choices"), model.get("key"));
    fill(cycle, model.get("cycle_choices"), model.get("cycle"));
    fill(structure, model.get("structure_choices"), model.get("structure"));
    fill(instrument, model.get("instruments"), model.get("instrument"));
    if (!lengthMoving) length.value = String(model.get("length"));
    lengthOut.textContent = String(model.get("length"));
    error.textContent = model.get("error");
    const chords = model.get("_chords");
    chips.replaceChildren(...chords.map((c, i) => h("span", { class: "sk-chord", "data-i": String(i), title: c.pitches.join(" ") }, c.symbol)));
    circleBox.replaceChildren(circleSvg({ labels: model.get("_circle").labels ?? [] }, chords));
    current = -2;  // new chips and circle: highlight again on the next frame
  };
  const set = <K extends "key" | "cycle" | "structure" | "length" | "instrument">(name: K, value: HarmonyModel[K]) => {
    // another instrument plays the same chords: the same notation
    if (name !== "instrument" && model.get(name) !== value) paneStale();
    model.set(name, value);
    model.save_changes();
  };
  key.addEventListener("change", () => { set("key", key.value); });
  cycle.addEventListener("change", () => { set("cycle", cycle.value); });
  structure.addEventListener("change", () => { set("structure", structure.value); });
  instrument.addEventListener("change", () => { set("instrument", instrument.value); });
  length.addEventListener("input", () => { lengthMoving = true; lengthOut.textContent = length.value; });
  length.addEventListener("change", () => { lengthMoving = false; set("length", Number(length.value)); });
  const offModel = onChange(model, ["key", "key_choices", "cycle", "cycle_choices", "structure",
    "structure_choices", "length", "instrument", "instruments", "error", "_chords", "_circle"], sync);
  sync();

  const offFrame = everyFrame(tr, ({ position: p, playing }) => {
    const chords = model.get("_chords");
    const idx = playing ? chords.findIndex((c) => p >= c.start && p < c.end) : -1;
    if (idx !== current) {
      current = idx;
      chips.querySelectorAll(".sk-chord").forEach((e, i) => e.classList.toggle("sk-now", i === idx));
      const degree = idx >= 0 ? chords[idx].degree : -1;
      circleBox.querySelectorAll<SVGGElement>(".sk-node").forEach((g) => {
        const on = Number(g.dataset.degree) === degree;
        g.querySelector("circle")?.setAttribute("stroke-width", on ? "4" : "1");
      });
    }
  });
  return () => {
    offFrame();
    cleanupBar();
    cleanupTools();
    cleanupPane();
    offModel();
  };
};

export default { initialize, render };
