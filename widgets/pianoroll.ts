// PianoRoll: any Score drawn as a piano roll (parts in colours, zoom, scroll) with a moving
// playhead while it plays.

import type { Initialize, Render } from "@anywidget/types";
import { bindModel, h, PALETTE, transportBar, transportOf, widgetRoot } from "./controls";
import { onChange, type ScoreModel } from "./model";
import { everyFrame, placePlayhead } from "./playhead";
import type { ScoreData } from "./score_data";

/** The traits of PianoRoll (schillinger_kernel/widgets/pianoroll.py). */
export interface PianoRollModel extends ScoreModel {
  /** pixels per second, 10..400 */
  zoom: number;
}

const ROW = 6;  // pixels per semitone
const KEYS = 28;  // width of the pitch ruler

const initialize: Initialize<PianoRollModel> = ({ model }) => bindModel(model);

function draw(canvas: HTMLCanvasElement, d: ScoreData, zoom: number): void {
  const low = Math.max(0, d.low - 2);
  const high = Math.min(127, d.high + 2);
  const rows = high - low + 1;
  const width = Math.min(30000, Math.ceil(KEYS + d.duration * zoom + 20));
  const height = rows * ROW;
  const dpr = globalThis.devicePixelRatio || 1;
  canvas.width = Math.floor(width * dpr);
  canvas.height = Math.floor(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.dataset.notes = String(d.count);
  const g = canvas.getContext("2d");
  if (!g) return;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.fillStyle = "#fff";
  g.fillRect(0, 0, width, height);
  for (let p = low; p <= high; p++) {  // black-key rows shaded, C rows labelled
    const y = (high - p) * ROW;
    if ([1, 3, 6, 8, 10].includes(p % 12)) {
      g.fillStyle = "#f1f3f6";
      g.fillRect(KEYS, y, width - KEYS, ROW);
    }
    if (p % 12 === 0) {
      g.fillStyle = "#555";
      g.font = "9px sans-serif";
      g.fillText(`C${p / 12 - 1}`, 2, y + ROW);
      g.fillStyle = "#d8dce2";
      g.fillRect(KEYS, y + ROW - 0.5, width - KEYS, 0.5);
    }
  }
  g.fillStyle = "#c5cad3";
  for (const b of d.bars) g.fillRect(KEYS + b * zoom, 0, 1, height);
  for (let i = 0; i < d.count; i++) {
    const part = d.parts[d.part[i]];
    g.fillStyle = part?.color || PALETTE[d.part[i] % PALETTE.length];
    g.globalAlpha = 0.45 + 0.55 * (d.vel[i] / 127);
    const x = KEYS + d.start[i] * zoom;
    const w = Math.max(2, d.dur[i] * zoom - 1);
    g.fillRect(x, (high - d.pitch[i]) * ROW + 0.5, w, ROW - 1);
  }
  g.globalAlpha = 1;
}

const render: Render<PianoRollModel> = ({ model, el }) => {
  widgetRoot(el, "sk-pianoroll");
  const tr = transportOf(model);
  const title = h("h4", {});
  const [bar, cleanupBar] = transportBar(model);
  const zoom = h("input", { type: "range", class: "sk-zoom", min: "10", max: "400", step: "1" });
  const follow = h("input", { type: "checkbox", class: "sk-follow" });
  follow.checked = true;
  bar.append(h("label", {}, "zoom ", zoom), h("label", {}, follow, " follow"));
  const canvas = h("canvas", { class: "sk-roll" });
  const head = h("div", { class: "sk-playhead" });
  const wrap = h("div", { class: "sk-roll-wrap" }, canvas, head);
  const legend = h("div", { class: "sk-legend" });
  el.append(title, bar, wrap, legend);

  const redraw = () => {
    const d = tr.data;
    const z = model.get("zoom") || 60;
    if (document.activeElement !== zoom) zoom.value = String(z);
    title.textContent = `${d.title || "Score"} · ${d.count} notes`;
    draw(canvas, d, z);
    legend.replaceChildren(...d.parts.map((p, i) => {
      const s = h("span", {}, p.name);
      s.style.setProperty("--c", p.color || PALETTE[i % PALETTE.length]);
      return s;
    }));
  };
  redraw();
  zoom.addEventListener("input", () => { model.set("zoom", Number(zoom.value)); model.save_changes(); redraw(); });
  const offZoom = onChange(model, ["zoom"], redraw);
  const off = tr.on((ev) => { if (ev === "data") redraw(); });

  const offFrame = everyFrame(tr, ({ position, playing }) => {
    const x = KEYS + position * (model.get("zoom") || 60);
    placePlayhead(head, x);
    head.style.height = canvas.style.height;
    if (playing && follow.checked) {
      const view = wrap.clientWidth;
      if (x > wrap.scrollLeft + view * 0.85 || x < wrap.scrollLeft) wrap.scrollLeft = Math.max(0, x - view * 0.15);
    }
  });
  return () => {
    offFrame();
    off();
    cleanupBar();
    offZoom();
  };
};

export default { initialize, render };
