// PianoRoll: any Score drawn as a piano roll (parts in colours, zoom, scroll) with a moving
// playhead while it plays. The pitch ruler stays put while the roll scrolls; rows grow with the
// zoom; hovering a note names it; a click seeks there and a drag selects a passage to loop.

import type { Initialize, Render } from "@anywidget/types";
import { bindModel, h, instrumentMenu, PALETTE, transportBar, transportOf, widgetRoot } from "./controls";
import { onChange, type ScoreModel } from "./model";
import { everyFrame, placePlayhead } from "./playhead";
import type { ScoreData } from "./score_data";
import { onThemeChange, themeOf, type Theme } from "./theme";

/** The traits of PianoRoll (schillinger_kernel/widgets/pianoroll.py). */
export interface PianoRollModel extends ScoreModel {
  /** pixels per second, 10..400 */
  zoom: number;
  /** "" plays the score's own instruments */
  instrument: string;
  instruments: string[];
}

const KEYS = 34;  // width of the pitch ruler
const MAX_WIDTH = 30000;  // browsers refuse larger canvases
const DRAG = 4;  // pixels a press must move to select rather than seek
const NAMES = ["C", "C♯", "D", "E♭", "E", "F", "F♯", "G", "A♭", "A", "B♭", "B"];
const BLACK = new Set([1, 3, 6, 8, 10]);

/** The name of MIDI pitch `p`, middle C (60) being C4. */
export function pitchName(p: number): string {
  return `${NAMES[p % 12]}${Math.floor(p / 12) - 1}`;
}

/** Pixels per semitone at `zoom` pixels per second: from 7 when wide to 18 when zoomed in. */
export function rowHeight(zoom: number): number {
  return Math.round(Math.min(18, Math.max(7, 5 + zoom / 20)));
}

/** What the drawing covers: the pitch range with a margin, and the row height. */
interface Frame { low: number; high: number; row: number; zoom: number }

function frameOf(d: ScoreData, zoom: number): Frame {
  return { low: Math.max(0, d.low - 2), high: Math.min(127, d.high + 2), row: rowHeight(zoom), zoom };
}

function sized(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const dpr = globalThis.devicePixelRatio || 1;
  canvas.width = Math.floor(width * dpr);
  canvas.height = Math.floor(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const g = canvas.getContext("2d");
  g?.setTransform(dpr, 0, 0, dpr, 0, 0);
  return g;
}

function drawRuler(canvas: HTMLCanvasElement, f: Frame, th: Theme): void {
  const rows = f.high - f.low + 1;
  const g = sized(canvas, KEYS, rows * f.row);
  if (!g) return;
  g.fillStyle = th.background;
  g.fillRect(0, 0, KEYS, rows * f.row);
  g.font = `${Math.min(11, f.row + 1)}px sans-serif`;
  g.textBaseline = "middle";
  for (let p = f.low; p <= f.high; p++) {
    const y = (f.high - p) * f.row;
    if (BLACK.has(p % 12)) {
      g.fillStyle = th.shade;
      g.fillRect(0, y, KEYS, f.row);
    }
    // every name when rows are tall enough to read, else the Cs only
    if (p % 12 === 0 || (f.row >= 12 && !BLACK.has(p % 12))) {
      g.fillStyle = p % 12 === 0 ? th.text : th.muted;
      g.fillText(pitchName(p), 2, y + f.row / 2);
    }
  }
  g.fillStyle = th.grid;
  g.fillRect(KEYS - 1, 0, 1, rows * f.row);
}

function drawRoll(canvas: HTMLCanvasElement, d: ScoreData, f: Frame, th: Theme): void {
  const rows = f.high - f.low + 1;
  const width = Math.min(MAX_WIDTH, Math.ceil(d.duration * f.zoom + 20));
  const height = rows * f.row;
  const g = sized(canvas, width, height);
  canvas.dataset.notes = String(d.count);
  canvas.dataset.row = String(f.row);
  canvas.dataset.high = String(f.high);  // with row and zoom: where a note is, for tools
  canvas.dataset.zoom = String(f.zoom);
  if (!g) return;
  g.fillStyle = th.background;
  g.fillRect(0, 0, width, height);
  for (let p = f.low; p <= f.high; p++) {
    const y = (f.high - p) * f.row;
    if (BLACK.has(p % 12)) {
      g.fillStyle = th.shade;
      g.fillRect(0, y, width, f.row);
    }
    if (p % 12 === 0) {
      g.fillStyle = th.grid;
      g.fillRect(0, y + f.row - 0.5, width, 0.5);
    }
  }
  g.fillStyle = th.grid;
  for (const b of d.bars) g.fillRect(b * f.zoom, 0, 1, height);
  for (let i = 0; i < d.count; i++) {
    const part = d.parts[d.part[i]];
    g.fillStyle = part?.color || PALETTE[d.part[i] % PALETTE.length];
    g.globalAlpha = 0.45 + 0.55 * (d.vel[i] / 127);
    const w = Math.max(2, d.dur[i] * f.zoom - 1);
    g.fillRect(d.start[i] * f.zoom, (f.high - d.pitch[i]) * f.row + 0.5, w, f.row - 1);
  }
  g.globalAlpha = 1;
}

/** The note under (`t` seconds, `pitch`), the latest to start when several overlap; -1 none. */
function noteAt(d: ScoreData, t: number, pitch: number): number {
  let found = -1;
  for (let i = 0; i < d.count && d.start[i] <= t; i++) {
    if (d.pitch[i] === pitch && t < d.start[i] + d.dur[i]) found = i;
  }
  return found;
}

const initialize: Initialize<PianoRollModel> = ({ model }) => bindModel(model);

const render: Render<PianoRollModel> = ({ model, el }) => {
  widgetRoot(el, "sk-pianoroll");
  const tr = transportOf(model);
  const title = h("h4", {});
  const [bar, cleanupBar] = transportBar(model, { root: el });
  const zoom = h("input", { type: "range", class: "sk-zoom", min: "10", max: "400", step: "1" });
  const follow = h("input", { type: "checkbox", class: "sk-follow" });
  follow.checked = true;
  const clear = h("button", { class: "sk-clear-region", type: "button", title: "Loop the whole score again" }, "× selection");
  const [menu, cleanupMenu] = instrumentMenu(model);
  bar.append(h("label", {}, "zoom ", zoom), h("label", {}, follow, " follow"), menu, clear);
  const ruler = h("canvas", { class: "sk-ruler" });
  const canvas = h("canvas", { class: "sk-roll", title: "" });
  const selection = h("div", { class: "sk-selection" });
  const head = h("div", { class: "sk-playhead" });
  const tip = h("div", { class: "sk-tip", role: "tooltip" });
  tip.hidden = true;
  const inner = h("div", { class: "sk-roll-inner" }, ruler, canvas, selection, head, tip);
  const wrap = h("div", { class: "sk-roll-wrap" }, inner);
  const help = h("div", { class: "sk-explain" }, "Click to play from there; drag across to loop a passage.");
  const legend = h("div", { class: "sk-legend" });
  el.append(title, bar, wrap, legend, help);

  let frame = frameOf(tr.data, model.get("zoom") || 60);
  const showRegion = () => {
    const r = tr.region;
    selection.hidden = !r;
    clear.hidden = !r;
    if (r) {
      selection.style.left = `${KEYS + r.from * frame.zoom}px`;
      selection.style.width = `${Math.max(1, (r.to - r.from) * frame.zoom)}px`;
      selection.dataset.from = r.from.toFixed(3);
      selection.dataset.to = r.to.toFixed(3);
    }
  };
  const redraw = () => {
    const d = tr.data;
    const z = model.get("zoom") || 60;
    if (document.activeElement !== zoom) zoom.value = String(z);
    title.textContent = `${d.title || "Score"} · ${d.count} notes`;
    frame = frameOf(d, z);
    const th = themeOf(el);
    drawRuler(ruler, frame, th);
    drawRoll(canvas, d, frame, th);
    selection.style.height = canvas.style.height;
    head.style.height = canvas.style.height;
    el.dataset.theme = th.mode;
    showRegion();
    legend.replaceChildren(...d.parts.map((p, i) => {
      const s = h("span", {}, p.name);
      s.style.setProperty("--c", p.color || PALETTE[i % PALETTE.length]);
      return s;
    }));
  };
  redraw();
  zoom.addEventListener("input", () => {
    // keep the time at the left edge of the view where it is while the scale changes
    const left = wrap.scrollLeft / frame.zoom;
    model.set("zoom", Number(zoom.value));
    model.save_changes();
    redraw();
    wrap.scrollLeft = left * frame.zoom;
  });
  clear.addEventListener("click", () => { tr.setRegion(null); });

  // where the pointer is, in score seconds and MIDI pitch
  const at = (e: MouseEvent): { t: number; pitch: number; x: number; y: number } => {
    const box = canvas.getBoundingClientRect();
    const x = e.clientX - box.left;
    const y = e.clientY - box.top;
    return { t: Math.max(0, x / frame.zoom), pitch: frame.high - Math.floor(y / frame.row), x, y };
  };
  const hover = (e: MouseEvent) => {
    const p = at(e);
    const i = noteAt(tr.data, p.t, p.pitch);
    tip.hidden = i < 0;
    if (i < 0) return;
    const d = tr.data;
    const part = d.parts[d.part[i]];
    tip.textContent = `${pitchName(d.pitch[i])} · velocity ${d.vel[i]} · ${d.start[i].toFixed(2)} s`
      + (part && d.parts.length > 1 ? ` · ${part.name}` : "");
    tip.dataset.pitch = String(d.pitch[i]);
    tip.dataset.velocity = String(d.vel[i]);
    tip.style.left = `${KEYS + p.x + 12}px`;
    tip.style.top = `${p.y + 12}px`;
  };
  let press: { t: number; x: number; dragging: boolean } | null = null;
  canvas.addEventListener("pointerdown", (e) => {
    if (e.button !== 0) return;
    const p = at(e);
    press = { t: p.t, x: e.clientX, dragging: false };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!press) {
      hover(e);
      return;
    }
    tip.hidden = true;
    if (!press.dragging && Math.abs(e.clientX - press.x) < DRAG) return;
    press.dragging = true;
    const t = at(e).t;
    const [a, b] = [Math.min(press.t, t), Math.max(press.t, t)];
    selection.hidden = false;
    selection.style.left = `${KEYS + a * frame.zoom}px`;
    selection.style.width = `${(b - a) * frame.zoom}px`;
  });
  canvas.addEventListener("pointerup", (e) => {
    if (!press) return;
    const p = at(e);
    const start = press;
    press = null;
    const d = tr.duration;
    if (start.dragging) {
      const from = Math.min(d, Math.min(start.t, p.t));
      const to = Math.min(d, Math.max(start.t, p.t));
      tr.setRegion({ from, to });
      if (!model.get("loop")) {
        model.set("loop", true);
        model.save_changes();
      }
      tr.seek(from);
    } else {
      tr.seek(Math.min(p.t, d));
    }
    showRegion();
  });
  canvas.addEventListener("pointerleave", () => { tip.hidden = true; });

  const offZoom = onChange(model, ["zoom"], redraw);
  const offTheme = onThemeChange(redraw);
  const off = tr.on((ev) => {
    if (ev === "data") redraw();
    if (ev === "region") showRegion();
  });

  const offFrame = everyFrame(tr, ({ position, playing }) => {
    const x = KEYS + position * frame.zoom;
    placePlayhead(head, x);
    if (playing && follow.checked) {
      const view = wrap.clientWidth;
      if (x > wrap.scrollLeft + view * 0.85 || x < wrap.scrollLeft + KEYS) wrap.scrollLeft = Math.max(0, x - KEYS - view * 0.15);
    }
  });
  return () => {
    offFrame();
    off();
    offTheme();
    cleanupBar();
    cleanupMenu();
    offZoom();
  };
};

export default { initialize, render };
