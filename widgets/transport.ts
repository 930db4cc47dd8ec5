// Playback of one widget's score on the browser's audio clock.
//
// A look-ahead scheduler: a short timer wakes every 25 ms and schedules, on AudioContext time,
// every note that starts within the next 150 ms. The timer only decides *when to look*; every
// note's start is an exact audio-clock time, so Python timers and message latency never touch
// the timing. Looping wraps score time; score or tempo changes while playing cancel the notes
// not yet sounding and carry on from the same position. A PCM buffer rendered by the kernel,
// when present, plays instead of the synthesised notes.

import { ensureContext, playNote, shared, Voice, voiceFor } from "./audio";
import { decodeScore, firstAtOrAfter, ScoreData } from "./score_data";

const LOOKAHEAD = 0.15;
const TICK_MS = 25;
const START_DELAY = 0.06;  // a little headroom so the first note is never clipped
const SEEK_DELAY = 0.01;  // a jump while playing: as soon as the cancelled notes are gone

/** What the page's one registry keeps of each transport (every widget bundle shares it). */
interface Playable { playing: boolean; stop(): void; views: Set<HTMLElement>; driven: Driven | null }
interface Registry { all: Set<Playable>; listening: boolean; driving?: boolean }

/** The window event every transport of the page stops on (the lab's "Stop all playback"). */
export const STOP_ALL_EVENT = "schillinger-stop-all";

// ----- the lab's transport driving the widgets ------------------------------------------------
// The sidebar (extension/src/drive.ts) and the widget bundles share one page but no module, so
// they talk by two window events whose detail types are mirrored there one to one.

/** Lab → widgets: a command for the widgets with a view inside `scope`; they answer in `widgets`. */
export const DRIVE_EVENT = "schillinger-transport-drive";
/** Widgets → lab: a driven widget appeared, went, started or stopped (no detail). */
export const DRIVEN_CHANGED_EVENT = "schillinger-transport-driven";

/**
 * What the sidebar asks: `list` only answers; `play` starts at beat `beats` of the shared clock;
 * `seek` moves the widgets to beat `beats` (the clock was sought elsewhere): the playing ones
 * jump there, the stopped ones put their playhead there, where their next play starts.
 */
export type DriveCommand =
  | { action: "list" }
  | { action: "play"; beats: number }
  | { action: "seek"; beats: number }
  | { action: "stop" }
  | { action: "tempo"; tempo: number };

/** One driven widget as the sidebar names it: "ScoreView 'Etude'", playing at `tempo` BPM. */
export interface DrivenWidget { kind: string; title: string; playing: boolean; tempo: number }

/** The detail of DRIVE_EVENT: the listener fills `widgets` synchronously. */
export interface DriveDetail { command: DriveCommand; scope: Node | null; widgets: DrivenWidget[] }

/** What a widget's model adds to its transport so the lab can drive it (controls.ts bindModel). */
export interface Driven {
  describe(): { kind: string; title: string; tempo: number };
  /** start at beat `beats` of the score, the first note at audio-clock time `at` */
  play(beats: number, at: number): void;
  /** set the model's tempo (BPM); answers the tempo applied (the widget's range may clamp it) */
  tempo(bpm: number): number;
  /** stopped: rest at beat `beats` (the playhead shows it, a play starts there); optional, as
   * a page may hold transports of an older bundle */
  cue?(beats: number): void;
}

function isDriveDetail(d: unknown): d is DriveDetail {
  if (typeof d !== "object" || d === null) return false;
  const x = d as Partial<Record<keyof DriveDetail, unknown>>;
  return typeof x.command === "object" && x.command !== null && Array.isArray(x.widgets);
}

function inScope(t: Playable, scope: Node | null): boolean {
  for (const v of t.views) if (v.isConnected && (scope === null || scope.contains(v))) return true;
  return false;
}

function drive(d: DriveDetail): void {
  const targets = [...registry().all].filter((t) => t.driven && inScope(t, d.scope));
  const c = d.command;
  // one anchor for every widget, so they start on the same audio-clock sample; widgets all
  // playing already are left alone (a second "play" from the same click must not restart them)
  if (c.action === "play" && targets.some((t) => !t.playing)) {
    const at = ensureContext().currentTime + START_DELAY;
    for (const t of targets) t.driven!.play(c.beats, at);
  } else if (c.action === "seek") {
    // the playing ones jump together, on one anchor; the stopped ones rest there
    const playing = targets.filter((t) => t.playing);
    const at = playing.length ? ensureContext().currentTime + SEEK_DELAY : 0;
    for (const t of playing) t.driven!.play(c.beats, at);
    for (const t of targets) if (!t.playing) t.driven!.cue?.(c.beats);
  } else if (c.action === "stop") {
    for (const t of targets) t.stop();
  } else if (c.action === "tempo") {
    for (const t of targets) t.driven!.tempo(c.tempo);
  }
  for (const t of targets) d.widgets.push({ ...t.driven!.describe(), playing: t.playing });
}

/** Tell the lab the set of driven widgets or their state changed. */
export function drivenChanged(): void {
  if (typeof window !== "undefined") window.dispatchEvent(new Event(DRIVEN_CHANGED_EVENT));
}

function registry(): Registry {
  const g = globalThis as unknown as Record<string, Registry | undefined>;
  let r = g.__schillingerTransports;
  if (!r) {
    r = { all: new Set(), listening: false };
    g.__schillingerTransports = r;
  }
  if (!r.listening && typeof window !== "undefined") {
    r.listening = true;
    window.addEventListener(STOP_ALL_EVENT, () => { stopAll(); });
  }
  // a page may hold a registry made by an older bundle: the drive listener is added apart
  if (!r.driving && typeof window !== "undefined") {
    r.driving = true;
    window.addEventListener(DRIVE_EVENT, (e) => {
      const d = (e as CustomEvent<unknown>).detail;
      if (isDriveDetail(d)) drive(d);
    });
  }
  return r;
}

/** Stop every transport of the page (of every widget, whichever bundle made it). */
export function stopAll(): number {
  let n = 0;
  for (const t of [...registry().all]) {
    if (t.playing) {
      t.stop();
      n += 1;
    }
  }
  return n;
}

export class Transport {
  data: ScoreData = decodeScore(null, null);
  pcm: AudioBuffer | null = null;
  rate = 1;
  loop = false;
  playing = false;
  /** the roots of the views drawn of this transport (the lab drives those inside its scope) */
  views = new Set<HTMLElement>();
  /** how the lab drives it; null: not driven (no model bound) */
  driven: Driven | null = null;
  /** position the transport rests at while stopped (score seconds) */
  restPos = 0;
  /** the part of the score a loop repeats (score seconds); null: the whole score */
  region: { from: number; to: number } | null = null;
  private anchorCtx = 0;
  private anchorPos = 0;
  private cursor = 0;  // unwrapped score time up to which notes are scheduled
  private timer: ReturnType<typeof setInterval> | null = null;
  private voices: Voice[] = [];
  private pcmSource: AudioBufferSourceNode | null = null;
  private partOut: GainNode[] = [];
  private listeners = new Set<(ev: string) => void>();

  constructor() {
    registry().all.add(this);
  }

  on(cb: (ev: string) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private emit(ev: string): void {
    if (ev === "play" || ev === "stop") drivenChanged();
    for (const cb of [...this.listeners]) {
      try { cb(ev); } catch (e) { console.error("schillinger transport listener", e); }
    }
  }

  get duration(): number {
    return this.pcm ? this.pcm.duration : this.data.duration;
  }

  /** Unwrapped score time now (keeps growing across loop passes). */
  private unwrapped(): number {
    const ctx = shared().ctx;
    if (!this.playing || !ctx) return this.restPos;
    return this.anchorPos + Math.max(0, ctx.currentTime - this.anchorCtx) * this.rate;
  }

  /** Where a loop turns back and where it ends: the region, else the whole score. */
  private span(): [number, number] {
    const d = this.duration;
    const r = this.region;
    if (r && r.to <= d && r.to - r.from > 1e-3) return [r.from, r.to];
    return [0, d];
  }

  /** Score time of unwrapped time `u`: itself until the loop's end, then wrapped into the loop. */
  private wrap(u: number): number {
    const [l0, l1] = this.span();
    return u < l1 || l1 - l0 <= 0 ? u : l0 + ((u - l1) % (l1 - l0));
  }

  /** Current score position in seconds (inside [0, duration]). */
  position(): number {
    const u = this.unwrapped();
    const d = this.duration;
    if (!this.playing || d <= 0) return Math.min(Math.max(u, 0), Math.max(d, 0));
    return this.loop ? this.wrap(u) : Math.min(u, d);
  }

  /**
   * Loop only `from`..`to` (score seconds), or the whole score with null. A playing transport
   * outside the new region jumps to its start.
   */
  setRegion(region: { from: number; to: number } | null): void {
    const pos = this.position();
    const r = region && region.to - region.from > 1e-3
      ? { from: Math.max(0, region.from), to: Math.min(this.duration, region.to) } : null;
    this.region = r;
    if (this.playing) this.reanchor(r && this.loop && (pos < r.from || pos >= r.to) ? r.from : pos);
    this.emit("region");
  }

  setData(data: ScoreData): void {
    const pos = this.position();
    this.data = data;
    this.buildParts();
    if (this.region && this.region.to > data.duration + 1e-6) this.region = null;
    if (this.playing) this.reanchor(this.loop && data.duration > 0 ? this.wrap(pos) : pos);
    else this.restPos = Math.min(this.restPos, Math.max(0, data.duration));
    this.emit("data");
  }

  setPcm(buffer: AudioBuffer | null): void {
    const pos = this.position();
    this.pcm = buffer;
    if (this.playing) this.reanchor(pos);
    this.emit("data");
  }

  setRate(rate: number): void {
    if (!(rate > 0) || rate === this.rate) return;
    const pos = this.position();
    this.rate = rate;
    if (this.playing) this.reanchor(pos);
    this.emit("rate");
  }

  setLoop(loop: boolean): void {
    if (loop === this.loop) return;
    const pos = this.position();
    this.loop = loop;
    if (this.playing) this.reanchor(pos);
    this.emit("loop");
  }

  seek(pos: number): void {
    const d = this.duration;
    pos = Math.min(Math.max(0, pos), Math.max(0, d));
    if (this.playing) this.reanchor(pos);
    else this.restPos = pos;
    this.emit("seek");
  }

  /** Play from score second `from` (default: where it rests); `at`: the audio-clock start. */
  play(from?: number, at?: number): void {
    const ctx = ensureContext();
    if (this.playing) this.cancel();
    let pos = from ?? this.restPos;
    // a driven start past the end of a looping score falls where the loop would be by then
    // (a region's loop starts at the region, below)
    if (this.loop && !this.region && this.duration > 0 && pos >= this.duration) pos %= this.duration;
    if (pos >= this.duration - 1e-6) pos = 0;
    const [l0, l1] = this.span();
    if (this.loop && this.region && (pos < l0 || pos >= l1)) pos = l0;
    this.playing = true;
    this.buildParts();
    this.anchorCtx = at !== undefined && at >= ctx.currentTime ? at : ctx.currentTime + START_DELAY;
    this.anchorPos = pos;
    this.cursor = pos;
    this.startPcm();
    this.tick();
    if (this.timer === null) this.timer = setInterval(() => this.tick(), TICK_MS);
    this.emit("play");
  }

  stop(): void {
    if (!this.playing) return;
    this.restPos = this.position();
    if (this.restPos >= this.duration - 1e-6) this.restPos = 0;
    this.playing = false;
    this.cancel();
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.emit("stop");
  }

  dispose(): void {
    this.stop();
    registry().all.delete(this);
    this.views.clear();
    this.driven = null;
    drivenChanged();
    this.listeners.clear();
    for (const g of this.partOut) g.disconnect();
    this.partOut = [];
  }

  private buildParts(): void {
    const s = shared();
    if (!s.ctx || !s.master) return;
    for (const g of this.partOut) g.disconnect();
    this.partOut = this.data.parts.map((p) => {
      const g = s.ctx!.createGain();
      g.gain.value = p.gain;
      const pan = s.ctx!.createStereoPanner();
      pan.pan.value = p.pan;
      g.connect(pan).connect(s.master!);
      return g;
    });
    if (this.partOut.length === 0) {
      const g = s.ctx.createGain();
      g.connect(s.master);
      this.partOut.push(g);
    }
  }

  /** Continue from score position `pos` now: drop what has not sounded yet, reschedule. */
  private reanchor(pos: number): void {
    const ctx = ensureContext();
    this.cancel();
    this.anchorCtx = ctx.currentTime + 0.01;
    this.anchorPos = pos;
    this.cursor = pos;
    this.startPcm();
    this.tick();
  }

  private cancel(): void {
    const ctx = shared().ctx;
    const now = ctx ? ctx.currentTime : 0;
    for (const v of this.voices) {
      for (const src of v.sources) {
        try {
          if (v.start > now) src.stop(0);
        } catch { /* already stopped */ }
      }
    }
    this.voices = this.voices.filter((v) => v.start <= now && v.end > now);
    if (this.pcmSource) {
      try { this.pcmSource.stop(); } catch { /* not started */ }
      this.pcmSource.disconnect();
      this.pcmSource = null;
    }
  }

  private startPcm(): void {
    const s = shared();
    if (!this.pcm || !s.ctx || !s.master) return;
    const src = s.ctx.createBufferSource();
    src.buffer = this.pcm;
    src.loop = this.loop;
    if (this.loop) [src.loopStart, src.loopEnd] = this.span();
    src.playbackRate.value = this.rate;
    src.connect(s.master);
    src.start(this.anchorCtx, Math.min(this.anchorPos, this.pcm.duration));
    this.pcmSource = src;
    s.stats.pcmStarted += 1;
  }

  private tick(): void {
    const ctx = shared().ctx;
    if (!ctx || !this.playing) return;
    const now = ctx.currentTime;
    this.voices = this.voices.filter((v) => v.end > now);
    const d = this.duration;
    const horizon = this.anchorPos + Math.max(0, now + LOOKAHEAD - this.anchorCtx) * this.rate;
    if (!this.pcm && this.data.count > 0 && d > 0) this.schedule(horizon);
    if (!this.loop && this.unwrapped() >= d) {
      this.restPos = 0;
      this.stop();
      this.restPos = 0;
      this.emit("end");
      return;
    }
    this.cursor = Math.max(this.cursor, horizon);
  }

  private schedule(horizon: number): void {
    const ctx = shared().ctx!;
    const d = this.data.duration;
    const data = this.data;
    const [l0, l1] = this.loop ? this.span() : [0, d];
    let t = this.cursor;
    while (t < horizon) {
      // unwrapped time runs straight to the loop's end, then repeats l0..l1: `base` is how far
      // unwrapped time is ahead of score time in the pass that holds t
      const pass = t < l1 ? -1 : Math.floor((t - l1) / (l1 - l0));
      if (!this.loop && pass >= 0) break;
      const base = pass < 0 ? 0 : l1 + pass * (l1 - l0) - l0;
      const local0 = t - base;
      const local1 = Math.min(horizon - base, l1);
      for (let i = firstAtOrAfter(data, local0); i < data.count && data.start[i] < local1; i++) {
        const when = this.anchorCtx + (base + data.start[i] - this.anchorPos) / this.rate;
        const part = data.parts[data.part[i]];
        const out = this.partOut[Math.min(data.part[i], this.partOut.length - 1)];
        const dur = Math.max(0.02, data.dur[i] / this.rate);
        this.voices.push(playNote(ctx, out, Math.max(when, ctx.currentTime), dur, data.pitch[i],
          data.vel[i], voiceFor(part?.timbre ?? part?.preset ?? "pluck"), part?.drums ?? false));
      }
      t = base + local1;
      if (local1 >= l1 && !this.loop) break;
    }
  }
}
