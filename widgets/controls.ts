// What every widget shares: one Transport per model bound to the synced traits
// (`_notes`, `_meta`, `_pcm`, `playing`, `loop`, `tempo`, `position`) and the transport bar with
// the "enable audio" button. The stylesheet is style.css (anywidget's `_css`).

import type { AnyModel } from "@anywidget/types";
import { audioState, enableAudio, ensureContext, onAudioState } from "./audio";
import { onChange, type PcmMeta, type ScoreModel, watchConnection } from "./model";
import { everyFrame } from "./playhead";
import { decodeScore, formatTime } from "./score_data";
import { drivenChanged, STOP_ALL_EVENT, Transport } from "./transport";

// anywidget hands `initialize` and each `render` its own proxy of the model, so the transport
// is keyed by the widget's `_uid` (a synced uuid), not by the model object.
const transports = new Map<string, Transport>();

export function transportOf(model: AnyModel<ScoreModel>): Transport {
  const uid = model.get("_uid");
  let t = transports.get(uid);
  if (!t) {
    t = new Transport();
    transports.set(uid, t);
  }
  return t;
}

/** The answer to a `pcm_request`, sent by ScoreWidget._on_custom_msg with one buffer. */
interface PcmChunk { kind: "pcm_chunk"; id: string; index: number }

function isPcmChunk(msg: unknown): msg is PcmChunk {
  if (typeof msg !== "object" || msg === null) return false;
  const m = msg as Partial<Record<keyof PcmChunk, unknown>>;
  return m.kind === "pcm_chunk" && typeof m.id === "string" && typeof m.index === "number";
}

function isPcmMeta(p: Partial<PcmMeta>): p is PcmMeta {
  return Boolean(p.id) && (p.frames ?? 0) > 0 && (p.chunks ?? 0) > 0 && (p.rate ?? 0) > 0
    && (p.channels ?? 0) > 0;
}

/** The widget classes' names in a musician's words (the Python class is anywidget's `_anywidget_id`). */
const KINDS: Record<string, string> = {
  ScoreView: "ScoreView", RhythmExplorer: "Rhythm explorer", HarmonyExplorer: "Harmony explorer",
  PianoRoll: "Piano roll", Player: "Player",
};

/** Traits some widgets have beside ScoreModel: anywidget's class id, the explorers' title. */
interface Named { _anywidget_id?: string; title?: string }

const TEMPO_MIN = 20;
const TEMPO_MAX = 400;  // ScoreWidget.tempo's range (schillinger_kernel/widgets/_base.py)

/** Bind the model's traits to its Transport (once per model: call from `initialize`). */
export function bindModel(model: AnyModel<ScoreModel>): () => void {
  const tr = transportOf(model);
  const offs: (() => void)[] = [];
  const listen = (name: keyof ScoreModel, cb: () => void) => { offs.push(onChange(model, [name], cb)); };
  const rate = () => {
    const t = model.get("tempo") || 0;
    const base = tr.data.tempo || 120;
    return t > 0 ? t / base : 1;
  };
  const refresh = () => {
    tr.setData(decodeScore(model.get("_notes"), model.get("_meta")));
    tr.setRate(rate());
  };
  refresh();
  listen("_notes", refresh);
  listen("_meta", refresh);
  listen("tempo", () => tr.setRate(rate()));
  tr.setLoop(model.get("loop"));
  listen("loop", () => { tr.setLoop(model.get("loop")); });
  listen("playing", () => {
    const want = model.get("playing");
    if (want && !tr.playing) {
      ensureContext();
      void enableAudio();  // works after a first click or in a permissive browser
      tr.play();
    } else if (!want && tr.playing) {
      tr.stop();
    }
  });
  const named = model as unknown as AnyModel<Named>;
  const setTempo = (bpm: number): number => {
    const v = Math.min(TEMPO_MAX, Math.max(TEMPO_MIN, bpm));
    if (model.get("tempo") !== v) {
      model.set("tempo", v);
      model.save_changes();
    }
    return v;
  };
  tr.driven = {
    describe: () => {
      const cls = (named.get("_anywidget_id") ?? "").split(".").pop() ?? "";
      const title = named.get("title");
      return { kind: KINDS[cls] ?? (cls || "Widget"), tempo: model.get("tempo") || tr.data.tempo || 120,
        title: typeof title === "string" && title ? title : tr.data.title };
    },
    // beats of the lab's clock are the score's beats: seconds at the score's own tempo
    play: (beats, at) => {
      ensureContext();
      void enableAudio();
      tr.play(Math.max(0, beats) * 60 / (tr.data.tempo || 120), at);
    },
    tempo: setTempo,
    // past the end a looping score rests where the loop would be by then (as play starts)
    cue: (beats) => {
      let pos = Math.max(0, beats) * 60 / (tr.data.tempo || 120);
      if (tr.loop && tr.duration > 0 && pos >= tr.duration) pos %= tr.duration;
      tr.seek(pos);
    },
  };
  listen("position", () => {
    const p = model.get("position") || 0;
    if (Math.abs(p - tr.position()) > 0.3) tr.seek(p);
  });

  // PCM rendered by the kernel: pulled chunk by chunk with custom messages, answered with
  // binary buffers (each well under the 10 MiB websocket limit).
  let pcm: { meta: PcmMeta; parts: (Float32Array | null)[]; got: number } | null = null;
  const requestPcm = () => {
    const meta = model.get("_pcm");
    if (!isPcmMeta(meta)) {
      pcm = null;
      tr.setPcm(null);
      return;
    }
    pcm = { meta, parts: new Array<Float32Array | null>(meta.chunks).fill(null), got: 0 };
    for (let i = 0; i < meta.chunks; i++) model.send({ kind: "pcm_request", id: meta.id, index: i });
  };
  const onMsg = (msg: unknown, buffers: DataView[]) => {
    if (!isPcmChunk(msg) || !pcm || msg.id !== pcm.meta.id) return;
    const dv = buffers[0] as DataView | undefined;
    if (!dv || msg.index < 0 || msg.index >= pcm.meta.chunks || pcm.parts[msg.index]) return;
    const copy = new ArrayBuffer(dv.byteLength);  // aligned, so a Float32Array can lie over it
    new Uint8Array(copy).set(new Uint8Array(dv.buffer, dv.byteOffset, dv.byteLength));
    pcm.parts[msg.index] = new Float32Array(copy);
    pcm.got += 1;
    if (pcm.got === pcm.meta.chunks) {
      const { rate: sr, channels, frames } = pcm.meta;
      const buf = new AudioBuffer({ length: frames, numberOfChannels: channels, sampleRate: sr });
      const chans = Array.from({ length: channels }, (_, c) => buf.getChannelData(c));
      let frame = 0;
      for (const part of pcm.parts) {  // interleaved float32 frames
        if (!part) continue;  // every index arrived exactly once: got === chunks
        const n = part.length / channels;
        for (let i = 0; i < n && frame < frames; i++, frame++) {
          for (let c = 0; c < channels; c++) chans[c][frame] = part[i * channels + c];
        }
      }
      tr.setPcm(buf);
      model.set("_pcm_loaded", pcm.meta.id);
      model.save_changes();
    }
  };
  model.on("msg:custom", onMsg);
  offs.push(() => model.off("msg:custom", onMsg));
  requestPcm();
  listen("_pcm", requestPcm);

  // report the transport back to the kernel: playing on each change, position 4 times a second
  let lastSent = -1;
  const report = () => {
    const pos = Math.round(tr.position() * 1000) / 1000;
    let dirty = false;
    if (model.get("playing") !== tr.playing) {
      model.set("playing", tr.playing);
      dirty = true;
    }
    if (pos !== lastSent) {
      model.set("position", pos);
      lastSent = pos;
      dirty = true;
    }
    if (dirty) model.save_changes();
  };
  offs.push(tr.on((ev) => { if (ev === "play" || ev === "stop" || ev === "end" || ev === "seek") report(); }));
  const timer = setInterval(() => { if (tr.playing) report(); }, 250);
  offs.push(() => clearInterval(timer));
  if (model.get("playing")) tr.play();
  return () => {
    for (const off of offs) off();
    tr.dispose();
    transports.delete(model.get("_uid"));
  };
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {},
  ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

/** Play or stop `tr` (the play button and the keyboard shortcut). */
function toggle(tr: Transport, after: () => void): void {
  if (tr.playing) {
    tr.stop();
  } else {
    ensureContext();
    void enableAudio().then(after);
    tr.play();
  }
}

/** Keys that never toggle playback: typing into a field, or a control that uses them itself. */
function typing(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.tagName === "SELECT" || t.tagName === "BUTTON" || t.tagName === "TEXTAREA" || t.isContentEditable) return true;
  return t.tagName === "INPUT" && (t as HTMLInputElement).type !== "range";
}

/**
 * The transport bar: enable audio, play/stop, stop all, loop, tempo, position. Returns
 * [element, cleanup]. With `root`, Space (or K) while focus is inside it plays or stops, and
 * Escape stops every widget of the page.
 */
export function transportBar(model: AnyModel<ScoreModel>, opts: { seek?: boolean; root?: HTMLElement } = {}): [HTMLElement, () => void] {
  const tr = transportOf(model);
  // the view's root says when its kernel is gone (widgets/model.ts)
  const offStale = opts.root ? watchConnection(opts.root, model) : () => {};
  const enable = h("button", { class: "sk-enable", type: "button", title: "Browsers keep audio off until you click" }, "♪ Enable audio");
  const play = h("button", { class: "sk-play", type: "button", title: "Play or stop (Space while the widget has focus)" }, "▶ Play");
  const stopAll = h("button", { class: "sk-stop-all", type: "button", title: "Stop every widget playing in this page (Escape in a widget)" }, "■ all");
  const loopBox = h("input", { type: "checkbox", class: "sk-loop" });
  const tempo = h("input", { type: "number", class: "sk-tempo", min: "20", max: "400", step: "1" });
  const time = h("span", { class: "sk-time" }, "0:00.0");
  const pos = h("input", { type: "range", class: "sk-position", min: "0", max: "1", step: "0.001", value: "0" });
  const bar = h("div", { class: "sk-transport" }, enable, play, stopAll,
    h("label", {}, loopBox, " loop"), h("label", {}, "♩= ", tempo), time);
  if (opts.seek !== false) bar.append(pos);

  const syncAudio = () => {
    const st = audioState();
    enable.hidden = st === "running";
    enable.classList.toggle("sk-attention", tr.playing && st !== "running");
    bar.dataset.audio = st;
  };
  const syncModel = () => {
    loopBox.checked = model.get("loop");
    if (document.activeElement !== tempo) tempo.value = String(Math.round(model.get("tempo") || 120));
  };
  const syncPlay = () => {
    play.textContent = tr.playing ? "■ Stop" : "▶ Play";
    play.classList.toggle("sk-on", tr.playing);
    bar.dataset.playing = String(tr.playing);
    bar.dataset.notes = String(tr.data.count);
    bar.dataset.duration = tr.duration.toFixed(3);
    syncAudio();
  };
  enable.addEventListener("click", () => { void enableAudio().then(syncAudio); });
  play.addEventListener("click", () => { toggle(tr, syncAudio); });
  stopAll.addEventListener("click", () => { window.dispatchEvent(new Event(STOP_ALL_EVENT)); });
  const root = opts.root;
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    if (e.key === " " || e.key === "k" || e.key === "K") {
      toggle(tr, syncAudio);
    } else if (e.key === "Escape") {
      window.dispatchEvent(new Event(STOP_ALL_EVENT));
    } else {
      return;
    }
    e.preventDefault();
    e.stopPropagation();
  };
  // the view the lab's transport finds inside its notebook
  const view = root ?? bar;
  tr.views.add(view);
  drivenChanged();
  if (root) {
    if (!root.hasAttribute("tabindex")) root.tabIndex = 0;  // focusable, so its keys reach us
    root.addEventListener("keydown", onKey);
  }
  loopBox.addEventListener("change", () => { model.set("loop", loopBox.checked); model.save_changes(); });
  tempo.addEventListener("change", () => {
    const v = Math.min(TEMPO_MAX, Math.max(TEMPO_MIN, Number(tempo.value) || 120));
    model.set("tempo", v);
    model.save_changes();
  });
  pos.addEventListener("input", () => tr.seek(Number(pos.value) * tr.duration));

  const offFrame = everyFrame(tr, ({ position: p, duration: d }) => {
    time.textContent = `${formatTime(p)} / ${formatTime(d)}`;
    if (document.activeElement !== pos) pos.value = String(d > 0 ? p / d : 0);
  });
  syncModel();
  syncPlay();
  const offAudio = onAudioState(syncAudio);
  const offTr = tr.on(syncPlay);
  const offModel = onChange(model, ["loop", "tempo"], syncModel);
  return [bar, () => {
    tr.views.delete(view);
    drivenChanged();
    root?.removeEventListener("keydown", onKey);
    offStale();
    offFrame();
    offAudio();
    offTr();
    offModel();
  }];
}

export const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];

/** Make `el` a widget's root: the classes style.css hangs on, and keys kept for its controls. */
export function widgetRoot(el: HTMLElement, cls: string): void {
  el.classList.add("sk-widget", cls);
  // Keys typed into our sliders, number fields and menus are theirs: without this the
  // notebook's key handling swallows them (arrow keys would not move a slider). JupyterLab
  // handles shortcuts as the keydown bubbles (stopped here); Notebook 7 handles them in the
  // capture phase on the document, before any listener of ours, so the focused control also
  // carries Lumino's `data-lm-suppress-shortcuts`, which makes no key binding match it.
  if (!el.dataset.skKeys) {
    el.dataset.skKeys = "1";
    const ours = (t: EventTarget | null): t is HTMLElement =>
      t instanceof HTMLElement && (t.tagName === "INPUT" || t.tagName === "SELECT");
    el.addEventListener("focusin", (e) => {
      if (ours(e.target)) e.target.setAttribute("data-lm-suppress-shortcuts", "true");
    });
    el.addEventListener("keydown", (e) => {
      if (ours(e.target)) e.stopPropagation();
    });
  }
}

/** The instrument menu's traits (schillinger_kernel/widgets/_voicing.py). */
export interface VoicingTraits {
  /** "" plays the score's own instruments */
  instrument: string;
  instruments: string[];
}

/** "instrument: [as written | piano | ...]" for a widget playing a given score; [label, cleanup]. */
export function instrumentMenu(model: AnyModel<VoicingTraits>): [HTMLElement, () => void] {
  const select = h("select", { class: "sk-instrument", title: "Play every pitched part with this instrument" });
  const sync = () => {
    const names = model.get("instruments");
    if ([...select.options].map((o) => o.value).join("|") !== names.join("|")) {
      select.replaceChildren(...names.map((n) => h("option", { value: n }, n || "as written")));
    }
    select.value = model.get("instrument");
  };
  select.addEventListener("change", () => { model.set("instrument", select.value); model.save_changes(); });
  sync();
  const off = onChange(model, ["instrument", "instruments"], sync);
  return [h("label", {}, "instrument ", select), off];
}
