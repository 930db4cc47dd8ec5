// The animation loop of every view: one requestAnimationFrame loop for all the views of a
// bundle, running only while some view is on the page. Each frame a view gets its transport's
// position, read once, and draws from it (the time readout, a playhead, the current chord).

import type { Transport } from "./transport";

export interface Frame {
  /** score seconds, inside [0, duration] */
  position: number;
  duration: number;
  playing: boolean;
}

const draws = new Set<() => void>();
let raf = 0;

function tick(): void {
  for (const draw of [...draws]) {
    try { draw(); } catch (e) { console.error("schillinger frame", e); }
  }
  raf = draws.size ? requestAnimationFrame(tick) : 0;
}

/** Call `draw` with `tr`'s position on every animation frame; returns what stops it. */
export function everyFrame(tr: Transport, draw: (f: Frame) => void): () => void {
  const cb = () => { draw({ position: tr.position(), duration: tr.duration, playing: tr.playing }); };
  draws.add(cb);
  if (!raf) raf = requestAnimationFrame(tick);
  return () => {
    draws.delete(cb);
    if (!draws.size && raf) {
      cancelAnimationFrame(raf);
      raf = 0;
    }
  };
}

/** Put the playhead line at `x` pixels; `data-x` lets tests and tools read where it is. */
export function placePlayhead(head: HTMLElement, x: number, visible = true): void {
  head.style.left = `${x}px`;
  head.dataset.x = x.toFixed(1);
  head.hidden = !visible;
}
