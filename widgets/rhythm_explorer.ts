// RhythmExplorer: generator sliders, technique, tempo and loop; the Schillinger graph of the
// resultant, redrawn in the same animation frame as the slider move; the resultant looping.
//
// No theory here: the kernel computes every rhythm and its graph (schillinger_kernel.rhythm and
// schillinger_kernel.graph). For an instant redraw it also sends, in a `lookahead` message (asked
// for by each new view), the graph for every value of each slider with the other sliders where
// they are; while a slider is dragged
// the view swaps in those graphs, and the kernel's answer (`_svg`, `rhythm`, the score) follows.
// Below the graph, the notation pane shows the resultant engraved by the kernel (notation_pane.ts).

import type { Initialize, Render } from "@anywidget/types";
import { bindModel, h, transportBar, transportOf, widgetRoot } from "./controls";
import { onChange, type ScoreModel } from "./model";
import { explorerTools, type ExplorerTraits } from "./explorer_tools";
import { everyFrame, placePlayhead } from "./playhead";
import { notationPane } from "./notation_pane";

type Generator = "a" | "b" | "c";
const GENERATORS: readonly Generator[] = ["a", "b", "c"];

/** The traits of RhythmExplorer (schillinger_kernel/widgets/rhythm_explorer.py). */
export interface RhythmModel extends ScoreModel, ExplorerTraits {
  a: number;
  b: number;
  /** null: no third generator */
  c: number | null;
  generator_max: number;
  technique: string;
  techniques: string[];
  /** the resultant's durations; empty when there is none */
  rhythm: number[];
  generators: number[];
  error: string;
  _svg: string;
  /** the slider values `_svg` was drawn for ("a,b,c"), "" for a rhythm set from Python */
  _svg_key: string;
  /** the General MIDI instrument the loop plays with */
  instrument: string;
  instruments: string[];
  /** where a ticked "c" starts (coprime with a and b, a modest period) */
  c_default: number;
  /** what is shown, as the book names it: "r3÷2", "fractioning 3÷2", "(3+2)²" */
  title: string;
  /** one line on how the technique makes the rhythm */
  explanation: string;
  /** a word when generators share a factor; "" when they are coprime */
  note: string;
  /** show the resultant engraved (the kernel engraves only while it is shown) */
  notation: boolean;
  /** why there is no engraving */
  notation_error: string;
  /** the engraved pages, SVG documents (empty while hidden) */
  _notation: string[];
}

/** Durations written out, the middle elided past `max` terms. */
export function series(r: readonly number[], max = 24): string {
  if (r.length <= max) return r.join("+");
  return `${r.slice(0, max - 4).join("+")}+…+${r.slice(-3).join("+")}`;
}

const initialize: Initialize<RhythmModel> = ({ model }) => bindModel(model);

const render: Render<RhythmModel> = ({ model, el }) => {
  widgetRoot(el, "sk-rhythm-explorer");
  const tr = transportOf(model);
  const grid = h("div", { class: "sk-controls" });
  const cOn = h("input", { type: "checkbox", class: "sk-c-on", title: "a third generator" });
  const slider = (name: Generator) => h("input", { type: "range", class: `sk-gen sk-gen-${name}`, min: "1", step: "1", "data-name": name });
  const sliders = { a: slider("a"), b: slider("b"), c: slider("c") };
  const outputs = { a: h("output", {}), b: h("output", {}), c: h("output", {}) };
  for (const name of GENERATORS) {
    const label = name === "c" ? h("label", {}, cOn, " c") : h("label", {}, name);
    grid.append(label, sliders[name], outputs[name]);
  }
  const technique = h("select", { class: "sk-technique" });
  grid.append(h("label", {}, "technique"), technique, h("span", {}));
  const instrument = h("select", { class: "sk-instrument" });
  grid.append(h("label", {}, "instrument"), instrument, h("span", {}));
  const [bar, cleanupBar] = transportBar(model, { root: el });
  const [tools, cleanupTools] = explorerTools(model, el);
  const summary = h("div", { class: "sk-summary" });
  const explain = h("div", { class: "sk-explain" });
  const note = h("div", { class: "sk-note" });
  const error = h("div", { class: "sk-error" });
  const graph = h("div", { class: "sk-graph" });
  const head = h("div", { class: "sk-playhead" });
  const wrap = h("div", { class: "sk-graph-wrap" }, graph, head);
  const [pane, cleanupPane, paneStale] = notationPane(model);
  el.append(grid, bar, tools, summary, explain, note, error, wrap, pane);

  // The kernel tags each graph with the generators it was drawn for (`_svg_key`, "" when the
  // rhythm was set from Python). A graph is shown only when it matches the sliders, so an answer
  // to an earlier position of a slider being dragged never replaces the look-ahead preview.
  const sliderKey = () => GENERATORS.map((n) =>
    n === "c" && !cOn.checked ? "" : sliders[n].value).join(",");
  const showSvg = (svg: string) => {
    graph.innerHTML = svg;
    wrap.classList.remove("sk-stale");
  };
  let shown = "";
  // slider name -> slider value -> graph, with the other sliders where they are
  let lookahead: Partial<Record<Generator, Record<string, string>>> = {};
  const onMsg = (msg: unknown) => {
    const m = msg as { kind?: unknown; tables?: unknown } | null;
    if (m && m.kind === "lookahead" && typeof m.tables === "object" && m.tables !== null) {
      lookahead = m.tables;
    }
  };
  model.on("msg:custom", onMsg);
  model.send({ kind: "lookahead_request" });
  // sliders between a user's input and its change: the kernel's answers must not move them
  const moving = new Set<Generator>();
  const syncSvg = () => {
    const svg = model.get("_svg");
    const key = model.get("_svg_key");
    if (svg !== shown && (key === "" || key === sliderKey())) {
      shown = svg;
      showSvg(svg);
    }
  };
  const syncControls = () => {
    const max = String(model.get("generator_max"));
    cOn.checked = model.get("c") !== null;
    sliders.c.disabled = !cOn.checked;
    for (const name of GENERATORS) {
      const v = model.get(name);
      const s = sliders[name];
      s.max = max;
      if (!moving.has(name) && v !== null) s.value = String(v);
      outputs[name].textContent = name === "c" && !cOn.checked ? "off" : s.value;
    }
    const names = model.get("techniques");
    if (technique.options.length !== names.length) {
      technique.replaceChildren(...names.map((n) => h("option", { value: n }, n)));
    }
    technique.value = model.get("technique");
    const choices = model.get("instruments");
    if (instrument.options.length !== choices.length) {
      instrument.replaceChildren(...choices.map((n) => h("option", { value: n }, n)));
    }
    instrument.value = model.get("instrument");
    error.textContent = model.get("error");
    const r = model.get("rhythm");
    const title = model.get("title") || "r";
    summary.textContent = r.length
      ? `${title} = ${series(r)}   (period ${r.reduce((x, y) => x + Math.abs(y), 0)}, ${r.length} durations)`
      : "";
    summary.title = r.join("+");
    explain.textContent = model.get("explanation");
    note.textContent = model.get("note");
    note.hidden = !model.get("note");
    summary.dataset.rhythm = r.join(",");
    syncSvg();
  };

  let pending: ReturnType<typeof setTimeout> | null = null;
  const send = () => {
    pending = null;
    for (const name of GENERATORS) {
      if (name === "c" && !cOn.checked) continue;
      const v = Number(sliders[name].value);
      if (model.get(name) !== v) model.set(name, v);
    }
    model.save_changes();
  };
  const onSlide = (name: Generator, final: boolean) => {
    const v = Number(sliders[name].value);
    outputs[name].textContent = String(v);
    if (model.get(name) !== v) paneStale();
    const look = lookahead[name]?.[String(v)];
    if (look) {  // instant: the kernel computed this graph ahead of time
      showSvg(look);
      shown = "";
    } else {
      wrap.classList.add("sk-stale");
    }
    if (final) {
      if (pending) clearTimeout(pending);
      send();
    } else if (!pending) {
      pending = setTimeout(send, 60);
    }
  };
  for (const name of GENERATORS) {
    sliders[name].addEventListener("input", () => { moving.add(name); onSlide(name, false); });
    sliders[name].addEventListener("change", () => { moving.delete(name); onSlide(name, true); });
  }
  cOn.addEventListener("change", () => {
    model.set("c", cOn.checked ? model.get("c_default") : null);
    model.save_changes();
  });
  technique.addEventListener("change", () => { paneStale(); model.set("technique", technique.value); model.save_changes(); });
  instrument.addEventListener("change", () => { model.set("instrument", instrument.value); model.save_changes(); });

  const offControls = onChange(model, ["a", "b", "c", "technique", "techniques", "error", "rhythm",
    "generators", "generator_max", "instrument", "instruments", "title", "explanation", "note"], syncControls);
  const offSvg = onChange(model, ["_svg", "_svg_key"], syncSvg);
  syncControls();

  // rhythm_svg puts the geometry of the graph on its <svg>: where the first cell starts, the
  // width of one unit and the period in units.
  const offFrame = everyFrame(tr, ({ position, duration, playing }) => {
    const svg = graph.querySelector("svg");
    if (svg && duration > 0) {
      const x0 = Number(svg.dataset.x0 ?? 0);
      const cell = Number(svg.dataset.cell ?? 0);
      const period = Number(svg.dataset.period ?? 0);
      placePlayhead(head, x0 + cell * period * (position / duration), playing || position !== 0);
    }
  });
  return () => {
    offFrame();
    cleanupBar();
    cleanupTools();
    cleanupPane();
    model.off("msg:custom", onMsg);
    offControls();
    offSvg();
  };
};

export default { initialize, render };
