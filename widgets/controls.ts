// What every widget shares: one Transport per model bound to the synced traits
// (`_notes`, `_meta`, `_pcm`, `playing`, `loop`, `tempo`, `position`), the transport bar with
// the "enable audio" button, and the stylesheet.

import type { AnyModel } from "@anywidget/types";
import { audioState, enableAudio, ensureContext, onAudioState } from "./audio";
import { decodeScore, formatTime } from "./score_data";
import { Transport } from "./transport";

// anywidget hands `initialize` and each `render` its own proxy of the model, so the transport
// is keyed by the widget's `_uid` (a synced uuid), not by the model object.
const transports = new Map<string, Transport>();

export function transportOf(model: AnyModel): Transport {
  const uid = String(model.get("_uid") ?? "");
  let t = transports.get(uid);
  if (!t) {
    t = new Transport();
    transports.set(uid, t);
  }
  return t;
}

interface PcmMeta { id: string; rate: number; channels: number; frames: number; chunks: number }

/** Bind the model's traits to its Transport (once per model: call from `initialize`). */
export function bindModel(model: AnyModel): () => void {
  const tr = transportOf(model);
  const offs: (() => void)[] = [];
  const listen = (name: string, cb: () => void) => {
    model.on(`change:${name}`, cb);
    offs.push(() => model.off(`change:${name}`, cb));
  };
  const rate = () => {
    const t = Number(model.get("tempo")) || 0;
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
  tr.setLoop(Boolean(model.get("loop")));
  listen("loop", () => tr.setLoop(Boolean(model.get("loop"))));
  listen("playing", () => {
    const want = Boolean(model.get("playing"));
    if (want && !tr.playing) {
      ensureContext();
      void enableAudio();  // works after a first click or in a permissive browser
      tr.play();
    } else if (!want && tr.playing) {
      tr.stop();
    }
  });
  listen("position", () => {
    const p = Number(model.get("position")) || 0;
    if (Math.abs(p - tr.position()) > 0.3) tr.seek(p);
  });

  // PCM rendered by the kernel: pulled chunk by chunk with custom messages, answered with
  // binary buffers (each well under the 10 MiB websocket limit).
  let pcm: { meta: PcmMeta; parts: (Float32Array | null)[]; got: number } | null = null;
  const requestPcm = () => {
    const meta = model.get("_pcm") as PcmMeta | null;
    if (!meta || !meta.id || meta.frames <= 0) {
      pcm = null;
      tr.setPcm(null);
      return;
    }
    pcm = { meta, parts: new Array(meta.chunks).fill(null), got: 0 };
    for (let i = 0; i < meta.chunks; i++) model.send({ kind: "pcm_request", id: meta.id, index: i });
  };
  const onMsg = (msg: any, buffers: DataView[]) => {
    if (!msg || msg.kind !== "pcm_chunk" || !pcm || msg.id !== pcm.meta.id) return;
    const dv = buffers[0];
    if (!dv || pcm.parts[msg.index]) return;
    const copy = dv.buffer.slice(dv.byteOffset, dv.byteOffset + dv.byteLength) as ArrayBuffer;
    pcm.parts[msg.index] = new Float32Array(copy);
    pcm.got += 1;
    if (pcm.got === pcm.meta.chunks) {
      const { rate: sr, channels, frames } = pcm.meta;
      const buf = new AudioBuffer({ length: frames, numberOfChannels: channels, sampleRate: sr });
      const chans = Array.from({ length: channels }, (_, c) => buf.getChannelData(c));
      let frame = 0;
      for (const part of pcm.parts) {  // interleaved float32 frames
        const n = part!.length / channels;
        for (let i = 0; i < n && frame < frames; i++, frame++) {
          for (let c = 0; c < channels; c++) chans[c][frame] = part![i * channels + c];
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
    if (Boolean(model.get("playing")) !== tr.playing) {
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
    transports.delete(String(model.get("_uid") ?? ""));
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

/** The transport bar: enable audio, play/stop, loop, tempo, position. Returns [element, cleanup]. */
export function transportBar(model: AnyModel, opts: { seek?: boolean } = {}): [HTMLElement, () => void] {
  const tr = transportOf(model);
  const enable = h("button", { class: "sk-enable", type: "button", title: "Browsers keep audio off until you click" }, "♪ Enable audio");
  const play = h("button", { class: "sk-play", type: "button" }, "▶ Play");
  const loopBox = h("input", { type: "checkbox", class: "sk-loop" });
  const tempo = h("input", { type: "number", class: "sk-tempo", min: "20", max: "400", step: "1" });
  const time = h("span", { class: "sk-time" }, "0:00.0");
  const pos = h("input", { type: "range", class: "sk-position", min: "0", max: "1", step: "0.001", value: "0" });
  const bar = h("div", { class: "sk-transport" }, enable, play,
    h("label", {}, loopBox, " loop"), h("label", {}, "♩= ", tempo), time);
  if (opts.seek !== false) bar.append(pos);

  const syncAudio = () => {
    const st = audioState();
    enable.hidden = st === "running";
    enable.classList.toggle("sk-attention", tr.playing && st !== "running");
    bar.dataset.audio = st;
  };
  const syncModel = () => {
    loopBox.checked = Boolean(model.get("loop"));
    if (document.activeElement !== tempo) tempo.value = String(Math.round(Number(model.get("tempo")) || 120));
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
  play.addEventListener("click", () => {
    if (tr.playing) {
      tr.stop();
    } else {
      ensureContext();
      void enableAudio().then(syncAudio);
      tr.play();
    }
  });
  loopBox.addEventListener("change", () => { model.set("loop", loopBox.checked); model.save_changes(); });
  tempo.addEventListener("change", () => {
    const v = Math.min(400, Math.max(20, Number(tempo.value) || 120));
    model.set("tempo", v);
    model.save_changes();
  });
  pos.addEventListener("input", () => tr.seek(Number(pos.value) * tr.duration));

  let raf = 0;
  const frame = () => {
    const d = tr.duration;
    const p = tr.position();
    time.textContent = `${formatTime(p)} / ${formatTime(d)}`;
    if (document.activeElement !== pos) pos.value = String(d > 0 ? p / d : 0);
    raf = requestAnimationFrame(frame);
  };
  raf = requestAnimationFrame(frame);
  syncModel();
  syncPlay();
  const offAudio = onAudioState(syncAudio);
  const offTr = tr.on(syncPlay);
  model.on("change:loop", syncModel);
  model.on("change:tempo", syncModel);
  return [bar, () => {
    cancelAnimationFrame(raf);
    offAudio();
    offTr();
    model.off("change:loop", syncModel);
    model.off("change:tempo", syncModel);
  }];
}

export const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];

export const CSS = `
.sk-widget { font: 13px/1.4 var(--jp-ui-font-family, system-ui, sans-serif); color: var(--jp-ui-font-color1, #222);
  border: 1px solid var(--jp-border-color2, #ddd); border-radius: 6px; padding: 8px; max-width: 100%; box-sizing: border-box; }
.sk-widget h4 { margin: 0 0 6px 0; font-size: 13px; }
.sk-widget .sk-transport { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 4px 0; }
.sk-widget .sk-transport button, .sk-widget select { font: inherit; padding: 2px 8px; border-radius: 4px;
  border: 1px solid var(--jp-border-color1, #bbb); background: var(--jp-layout-color1, #fff); color: inherit; cursor: pointer; }
.sk-widget .sk-transport button.sk-on { background: #1f5fa8; color: #fff; }
.sk-widget .sk-enable.sk-attention { background: #ffd54f; }
.sk-widget .sk-tempo { width: 4.5em; }
.sk-widget .sk-time { font-variant-numeric: tabular-nums; min-width: 8.5em; }
.sk-widget .sk-position { flex: 1 1 160px; }
.sk-widget .sk-controls { display: grid; grid-template-columns: max-content 1fr 3em; gap: 2px 8px; align-items: center; max-width: 520px; }
.sk-widget .sk-controls output { font-variant-numeric: tabular-nums; }
.sk-widget .sk-graph-wrap { position: relative; overflow-x: auto; margin-top: 6px; background: #fff; border-radius: 4px; }
.sk-widget .sk-graph-wrap svg { display: block; }
.sk-widget .sk-graph-wrap.sk-stale svg { opacity: 0.55; }
.sk-widget .sk-playhead { position: absolute; top: 0; bottom: 0; width: 2px; background: #d0342c; pointer-events: none; opacity: 0.8; }
.sk-widget .sk-error { color: #b00020; min-height: 1.2em; }
.sk-widget .sk-summary { font-family: var(--jp-code-font-family, monospace); overflow-wrap: anywhere; }
.sk-widget .sk-roll-wrap { position: relative; overflow: auto; max-height: 360px; border: 1px solid var(--jp-border-color2, #ddd); background: #fff; margin-top: 6px; }
.sk-widget .sk-roll-wrap canvas { display: block; }
.sk-widget .sk-legend { display: flex; gap: 12px; flex-wrap: wrap; margin-top: 4px; }
.sk-widget .sk-legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 4px; background: var(--c); border-radius: 2px; }
.sk-widget .sk-chords { display: flex; flex-wrap: wrap; gap: 4px; margin: 6px 0; }
.sk-widget .sk-chord { padding: 2px 6px; border: 1px solid var(--jp-border-color2, #ccc); border-radius: 4px; font-weight: 600; }
.sk-widget .sk-chord.sk-now { background: #1f5fa8; color: #fff; }
.sk-widget .sk-harmony-body { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
`;

export function withStyle(el: HTMLElement, cls: string): void {
  el.classList.add("sk-widget", cls);
  if (!el.querySelector("style[data-sk]")) el.append(h("style", { "data-sk": "1" }, CSS));
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
