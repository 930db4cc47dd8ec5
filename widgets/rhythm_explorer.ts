// RhythmExplorer: generator sliders, technique, tempo and loop; the Schillinger graph of the
// resultant, redrawn in the same animation frame as the slider move; the resultant looping.
//
// No theory here: the kernel computes every rhythm and its graph (schillinger_kernel.rhythm and
// schillinger_kernel.graph). For an instant redraw it also sends, in `_lookahead`, the graph for
// every value of each slider with the other sliders where they are; while a slider is dragged
// the view swaps in those graphs, and the kernel's answer (`_svg`, `rhythm`, the score) follows.

import type { AnyModel } from "@anywidget/types";
import { bindModel, h, transportBar, transportOf, withStyle } from "./controls";

type Lookahead = Record<string, Record<string, string>>;

function initialize({ model }: { model: AnyModel }) {
  return bindModel(model);
}

function render({ model, el }: { model: AnyModel; el: HTMLElement }) {
  withStyle(el, "sk-rhythm-explorer");
  const tr = transportOf(model);
  const grid = h("div", { class: "sk-controls" });
  const sliders: Record<string, HTMLInputElement> = {};
  const outputs: Record<string, HTMLOutputElement> = {};
  const cOn = h("input", { type: "checkbox", class: "sk-c-on", title: "a third generator" });
  for (const name of ["a", "b", "c"]) {
    const s = h("input", { type: "range", class: `sk-gen sk-gen-${name}`, min: "1", step: "1", "data-name": name });
    const o = h("output", {});
    sliders[name] = s;
    outputs[name] = o;
    const label = name === "c" ? h("label", {}, cOn, " c") : h("label", {}, name);
    grid.append(label, s, o);
  }
  const technique = h("select", { class: "sk-technique" });
  grid.append(h("label", {}, "technique"), technique, h("span", {}));
  const [bar, cleanupBar] = transportBar(model);
  const summary = h("div", { class: "sk-summary" });
  const error = h("div", { class: "sk-error" });
  const graph = h("div", { class: "sk-graph" });
  const head = h("div", { class: "sk-playhead" });
  const wrap = h("div", { class: "sk-graph-wrap" }, graph, head);
  el.append(grid, bar, summary, error, wrap);

  // The kernel tags each graph with the generators it was drawn for (`_svg_key`, "" when the
  // rhythm was set from Python). A graph is shown only when it matches the sliders, so an answer
  // to an earlier position of a slider being dragged never replaces the look-ahead preview.
  const sliderKey = () => ["a", "b", "c"].map((n) =>
    n === "c" && !cOn.checked ? "" : sliders[n].value).join(",");
  const showSvg = (svg: string) => {
    graph.innerHTML = svg;
    wrap.classList.remove("sk-stale");
  };
  let shown = "";
  const syncSvg = () => {
    const svg = model.get("_svg") || "";
    const key = model.get("_svg_key") || "";
    if (svg !== shown && (key === "" || key === sliderKey())) {
      shown = svg;
      showSvg(svg);
    }
  };
  const syncControls = () => {
    const max = String(model.get("generator_max") ?? 16);
    const c = model.get("c");
    cOn.checked = c !== null && c !== undefined;
    sliders.c.disabled = !cOn.checked;
    for (const name of ["a", "b", "c"]) {
      const v = model.get(name) as number | null;
      const s = sliders[name];
      s.max = max;
      if (document.activeElement !== s && v !== null) s.value = String(v);
      outputs[name].textContent = name === "c" && !cOn.checked ? "off" : s.value;
    }
    const names = (model.get("techniques") as string[]) ?? [];
    if (technique.options.length !== names.length) {
      technique.replaceChildren(...names.map((n) => h("option", { value: n }, n)));
    }
    technique.value = model.get("technique");
    error.textContent = model.get("error") || "";
    const r = (model.get("rhythm") as number[]) ?? [];
    const gens = (model.get("generators") as number[]) ?? [];
    summary.textContent = r.length
      ? `${gens.length ? "r" + gens.join("÷") : "r"} = ${r.join("+")}   (period ${r.reduce((x, y) => x + Math.abs(y), 0)}, ${r.length} durations)`
      : "";
    summary.dataset.rhythm = r.join(",");
    syncSvg();
  };

  let pending: ReturnType<typeof setTimeout> | null = null;
  const send = () => {
    pending = null;
    for (const name of ["a", "b", "c"]) {
      if (name === "c" && !cOn.checked) continue;
      const v = Number(sliders[name].value);
      if (model.get(name) !== v) model.set(name, v);
    }
    model.save_changes();
  };
  const onSlide = (name: string, final: boolean) => {
    const v = Number(sliders[name].value);
    outputs[name].textContent = String(v);
    const look = (model.get("_lookahead") as Lookahead | null)?.[name]?.[String(v)];
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
  for (const name of ["a", "b", "c"]) {
    sliders[name].addEventListener("input", () => onSlide(name, false));
    sliders[name].addEventListener("change", () => onSlide(name, true));
  }
  cOn.addEventListener("change", () => {
    model.set("c", cOn.checked ? Number(sliders.c.value) || 2 : null);
    model.save_changes();
  });
  technique.addEventListener("change", () => { model.set("technique", technique.value); model.save_changes(); });

  const names = ["a", "b", "c", "technique", "techniques", "error", "rhythm", "generators", "generator_max"];
  for (const n of names) model.on(`change:${n}`, syncControls);
  model.on("change:_svg", syncSvg);
  model.on("change:_svg_key", syncSvg);
  syncControls();

  let raf = 0;
  const frame = () => {
    const svg = graph.querySelector("svg");
    const d = tr.duration;
    if (svg && d > 0) {
      const x0 = Number(svg.dataset.x0 ?? 0);
      const cell = Number(svg.dataset.cell ?? 0);
      const period = Number(svg.dataset.period ?? 0);
      const x = x0 + cell * period * (tr.position() / d);
      head.style.left = `${x}px`;
      head.dataset.x = x.toFixed(1);
      head.hidden = !tr.playing && tr.position() === 0;
    }
    raf = requestAnimationFrame(frame);
  };
  raf = requestAnimationFrame(frame);
  return () => {
    cancelAnimationFrame(raf);
    cleanupBar();
    for (const n of names) model.off(`change:${n}`, syncControls);
    model.off("change:_svg", syncSvg);
    model.off("change:_svg_key", syncSvg);
  };
}

export default { initialize, render };
