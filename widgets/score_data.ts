// Decoding of the score the kernel sends as binary buffers (see schillinger_kernel/widgets/_wire.py).
//
// The `_notes` trait is a dict of byte buffers, one typed array per field (struct of arrays):
//   start (float64 seconds), dur (float32 seconds), pitch / vel / part (uint8).
// Buffers arrive as DataViews that may sit at any offset of the websocket frame, so each one is
// copied into an aligned ArrayBuffer before a typed array is laid over it.

import type { NoteField } from "./model";

export interface PartInfo {
  name: string;
  program: number;
  preset: string;
  /** the synthesiser's family timbre ("flute", "violin", "piano", ...), else the preset */
  timbre?: string;
  drums: boolean;
  gain: number;
  pan: number;
  color: string;
}

export interface ScoreMeta {
  title: string;
  tempo: number;
  duration: number;
  count: number;
  bars: number[];
  parts: PartInfo[];
  low: number;
  high: number;
}

export interface ScoreData extends ScoreMeta {
  start: Float64Array;
  dur: Float32Array;
  pitch: Uint8Array;
  vel: Uint8Array;
  part: Uint8Array;
}

function bytesOf(view: DataView | undefined): ArrayBuffer {
  const copy = new ArrayBuffer(view ? view.byteLength : 0);
  if (view) new Uint8Array(copy).set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return copy;
}

export const EMPTY_META: ScoreMeta = {
  title: "", tempo: 120, duration: 0, count: 0, bars: [], parts: [], low: 60, high: 72,
};

export function decodeScore(notes: Partial<Record<NoteField, DataView>> | null,
  meta: Partial<ScoreMeta> | null): ScoreData {
  const m: ScoreMeta = { ...EMPTY_META, ...(meta ?? {}) };
  const n = notes ?? {};
  const data: ScoreData = {
    ...m,
    start: new Float64Array(bytesOf(n.start)),
    dur: new Float32Array(bytesOf(n.dur)),
    pitch: new Uint8Array(bytesOf(n.pitch)),
    vel: new Uint8Array(bytesOf(n.vel)),
    part: new Uint8Array(bytesOf(n.part)),
  };
  data.count = Math.min(data.start.length, data.dur.length, data.pitch.length, data.vel.length, data.part.length);
  return data;
}

/** Index of the first note starting at or after `t` (notes are sorted by start). */
export function firstAtOrAfter(d: ScoreData, t: number): number {
  let lo = 0;
  let hi = d.count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (d.start[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function formatTime(s: number): string {
  const neg = s < 0;
  s = Math.abs(s);
  const m = Math.floor(s / 60);
  const rest = s - m * 60;
  return `${neg ? "-" : ""}${m}:${rest.toFixed(1).padStart(4, "0")}`;
}
