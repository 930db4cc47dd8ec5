// RhythmIdentifier: which Schillinger technique made this rhythm? Type durations or a grid,
// tap the pattern on the pad, or name a MIDI file inside the kernel's root; the kernel
// (schillinger_kernel.rhythm.identify) ranks the Book I techniques that make it, and this view
// lists them, draws the pattern against the chosen match on a grid of units, and plays either.

import type { Initialize, Render } from "@anywidget/types";
import { bindModel, h, transportBar, transportOf, widgetRoot } from "./controls";
import { onChange, type ScoreModel } from "./model";

/** One match as schillinger_kernel/widgets/identify.py `describe` sends it. */
interface Match {
  technique: string;
  generators: number[];
  title: string;
  explanation: string;
  rotation: number;
  distance: number;
  where: string;
  rhythm: number[];
  code: string;
}

/** The traits of RhythmIdentifier (schillinger_kernel/widgets/identify.py). */
export interface IdentifyModel extends ScoreModel {
  pattern: string;
  /** onset times in seconds from the tap pad, the last closing the loop */
  taps: number[];
  /** a MIDI file inside the kernel's root */
  midi: string;
  tolerance: number;
  given: number[];
  /** "pattern", "taps" or "midi" */
  source: string;
  matches: Match[];
  /** the match heard, -1 the pattern itself */
  selected: number;
  error: string;
}

const initialize: Initialize<IdentifyModel> = ({ model }) => bindModel(model);

/** A row of unit cells, an onset filled: what a musician reads as "x..x..x.". */
function gridRow(label: string, durations: number[], cls: string): HTMLElement {
  const row = h("div", { class: `sk-id-row ${cls}`, "data-rhythm": durations.join(",") });
  row.style.cssText = "display:flex;align-items:center;gap:1px;margin:2px 0";
  const name = h("span", { class: "sk-id-label" }, label);
  name.style.cssText = "min-width:11em;font-size:0.9em";
  row.append(name);
  for (const d of durations) {
    for (let k = 0; k < d; k++) {
      const cell = h("span", { class: k === 0 ? "sk-cell sk-on" : "sk-cell" });
      cell.style.cssText = "display:inline-block;width:12px;height:14px;border:1px solid #9aa3b0;"
        + `background:${k === 0 ? "#1f5fa8" : "transparent"}`;
      row.append(cell);
    }
  }
  return row;
}

/** The match's durations heard from where the pattern starts in it. */
function rotated(m: Match): number[] {
  return [...m.rhythm.slice(m.rotation), ...m.rhythm.slice(0, m.rotation)];
}

const render: Render<IdentifyModel> = ({ model, el }) => {
  widgetRoot(el, "sk-identify");
  const tr = transportOf(model);
  const title = h("h4", {}, "Which Schillinger technique made this rhythm?");
  const pattern = h("input", { type: "text", class: "sk-pattern", size: "28",
    placeholder: "3 3 2  or  x..x..x.", "aria-label": "durations or a grid of onsets" });
  const go = h("button", { type: "button", class: "sk-identify-go" }, "Identify");
  const tolerance = h("input", { type: "number", class: "sk-tolerance", min: "0", max: "16", step: "1" });
  const pad = h("button", { type: "button", class: "sk-tap",
    title: "Tap the pattern here (or press T), then its first note again, then Done" }, "Tap");
  pad.style.cssText = "min-width:6em;min-height:2.4em";
  const done = h("button", { type: "button", class: "sk-tap-done" }, "Done");
  const tapCount = h("span", { class: "sk-tap-count" }, "");
  const midi = h("input", { type: "text", class: "sk-midi", size: "28", placeholder: "groove.mid",
    "aria-label": "a MIDI file inside the notebook's folder" });
  const read = h("button", { type: "button", class: "sk-midi-go" }, "Read MIDI");
  for (const b of [go, read]) b.style.whiteSpace = "nowrap";
  // each button beside its field, in the field's column (the third column is narrow)
  const controls = h("div", { class: "sk-controls" },
    h("label", {}, "pattern"), h("span", {}, pattern, " ", go), h("span", {}),
    h("label", {}, "tap"), h("span", {}, pad, " ", done, " ", tapCount), h("span", {}),
    h("label", {}, "MIDI file"), h("span", {}, midi, " ", read), h("span", {}),
    h("label", {}, "tolerance"), tolerance, h("span", {}));
  const [bar, cleanupBar] = transportBar(model, { root: el });
  const error = h("div", { class: "sk-error" });
  const given = h("div", { class: "sk-summary sk-given" });
  const grids = h("div", { class: "sk-id-grids" });
  const list = h("ol", { class: "sk-matches" });
  el.append(title, controls, bar, error, given, grids, list);

  const save = () => { model.save_changes(); };
  // The kernel sets the field and identifies: the same text again (after a refusal, or a
  // MIDI file rewritten on disk) changes no trait, so the view asks rather than sets.
  const ask = (field: "pattern" | "midi", value: string) => {
    model.send({ kind: "identify", field, value });
  };
  const identifyTyped = () => { ask("pattern", pattern.value); };
  go.addEventListener("click", identifyTyped);
  pattern.addEventListener("keydown", (e) => { if (e.key === "Enter") identifyTyped(); });
  tolerance.addEventListener("change", () => {
    model.set("tolerance", Math.max(0, Math.min(16, Math.round(Number(tolerance.value) || 0))));
    save();
  });
  const readMidi = () => { ask("midi", midi.value); };
  read.addEventListener("click", readMidi);
  midi.addEventListener("keydown", (e) => { if (e.key === "Enter") readMidi(); });

  // taps are timed here, on the page's clock; the kernel quantizes them
  let taps: number[] = [];
  const tap = () => {
    taps.push(performance.now() / 1000);
    tapCount.textContent = `${taps.length} tap${taps.length === 1 ? "" : "s"}`;
  };
  pad.addEventListener("pointerdown", (e) => { e.preventDefault(); tap(); });
  pad.addEventListener("keydown", (e) => {
    if (e.key === "t" || e.key === "T" || e.key === "Enter") { e.preventDefault(); tap(); }
  });
  el.addEventListener("keydown", (e) => {
    const t = e.target as HTMLElement | null;
    if ((e.key === "t" || e.key === "T") && t !== pad && t?.tagName !== "INPUT") tap();
  });
  done.addEventListener("click", () => {
    const t0 = taps[0] ?? 0;
    model.set("taps", taps.map((t) => Math.round((t - t0) * 1000) / 1000));
    save();
    taps = [];
    tapCount.textContent = "";
  });

  const hear = (i: number) => {
    model.set("selected", i);
    save();
    // the click is the gesture browsers want before audio; the new score follows the kernel
    if (!tr.playing) bar.querySelector<HTMLButtonElement>("button.sk-play")?.click();
  };

  const sync = () => {
    if (document.activeElement !== pattern) pattern.value = model.get("pattern");
    if (document.activeElement !== midi) midi.value = model.get("midi");
    if (document.activeElement !== tolerance) tolerance.value = String(model.get("tolerance"));
    error.textContent = model.get("error");
    const durs = model.get("given");
    const src = model.get("source");
    given.dataset.rhythm = durs.join(",");
    given.textContent = durs.length
      ? `${src === "taps" ? "tapped" : src === "midi" ? "read from MIDI" : "typed"}: ${durs.join("+")} (${durs.reduce((a, b) => a + b, 0)} units)`
      : "";
    const matches = model.get("matches");
    const sel = model.get("selected");
    const chosen = sel >= 0 ? matches[sel] : matches[0];
    grids.replaceChildren(...(durs.length ? [gridRow("your rhythm", durs, "sk-id-given")] : []),
      ...(chosen ? [gridRow(chosen.title, rotated(chosen), "sk-id-match")] : []));
    list.replaceChildren(...matches.map((m, i) => {
      const item = h("li", { class: i === sel ? "sk-match sk-selected" : "sk-match",
        "data-technique": m.technique, "data-generators": m.generators.join(","),
        "data-distance": String(m.distance), "data-rotation": String(m.rotation) });
      const button = h("button", { type: "button", class: "sk-hear", title: `Hear ${m.title}` }, "▶");
      button.addEventListener("click", () => { hear(i); });
      const name = h("strong", { class: "sk-match-title" }, m.title);
      const detail = `${m.where}${m.distance ? `, ${m.distance} unit${m.distance === 1 ? "" : "s"} off` : ""}`;
      const code = h("code", { class: "sk-match-code" }, m.code);
      const line = h("div", { class: "sk-explain" }, m.explanation);
      item.append(button, " ", name, ` — ${detail} `, code, line);
      return item;
    }));
    const mine = h("button", { type: "button", class: "sk-hear-given" }, "▶ your rhythm");
    mine.addEventListener("click", () => { hear(-1); });
    if (durs.length) grids.append(mine);
  };
  const offModel = onChange(model, ["pattern", "midi", "tolerance", "error", "given", "source",
    "matches", "selected"], sync);
  sync();
  return () => { offModel(); cleanupBar(); };
};

export default { initialize, render };
