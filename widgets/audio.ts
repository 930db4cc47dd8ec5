// The one AudioContext of the page and the voices that sound the score's notes.
//
// Every widget bundle carries its own copy of this module, so the shared state lives on
// `globalThis.__schillingerAudio`: whichever widget comes first creates it, the others reuse it.
// The context is created lazily, inside a click where possible (browsers keep a context made
// before a user gesture suspended), and resumed by the "enable audio" control.

export interface AudioStats {
  /** voices scheduled on the audio clock since the page loaded */
  scheduled: number;
  /** audio-clock time of the last voice scheduled */
  lastWhen: number;
  /** PCM buffers started */
  pcmStarted: number;
}

export interface SharedAudio {
  ctx: AudioContext | null;
  master: GainNode | null;
  analyser: AnalyserNode | null;
  noise: AudioBuffer | null;
  stats: AudioStats;
  listeners: Set<() => void>;
  version: number;
}

const KEY = "__schillingerAudio";

export function shared(): SharedAudio {
  const g = globalThis as unknown as Record<string, SharedAudio | undefined>;
  let s = g[KEY];
  if (!s) {
    s = {
      ctx: null, master: null, analyser: null, noise: null,
      stats: { scheduled: 0, lastWhen: 0, pcmStarted: 0 },
      listeners: new Set(), version: 1,
    };
    g[KEY] = s;
  }
  return s;
}

function notify(): void {
  for (const cb of [...shared().listeners]) {
    try { cb(); } catch (e) { console.error("schillinger audio listener", e); }
  }
}

/** The page's AudioContext, created on first use (with a master gain, limiter and analyser). */
export function ensureContext(): AudioContext {
  const s = shared();
  if (s.ctx) return s.ctx;
  // Safari before 14.1 has only the prefixed constructor.
  const g = globalThis as { AudioContext?: typeof AudioContext; webkitAudioContext?: typeof AudioContext };
  const Ctor = g.AudioContext ?? g.webkitAudioContext;
  if (!Ctor) throw new Error("Web Audio is not available in this browser");
  const ctx = new Ctor({ latencyHint: "interactive" });
  const master = ctx.createGain();
  master.gain.value = 0.5;
  const limiter = ctx.createDynamicsCompressor();
  limiter.threshold.value = -6;
  limiter.knee.value = 6;
  limiter.ratio.value = 12;
  limiter.attack.value = 0.003;
  limiter.release.value = 0.15;
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 2048;
  master.connect(limiter);
  limiter.connect(analyser);
  analyser.connect(ctx.destination);
  const noise = ctx.createBuffer(1, ctx.sampleRate, ctx.sampleRate);
  const ch = noise.getChannelData(0);
  let seed = 22222;
  for (let i = 0; i < ch.length; i++) {  // deterministic white noise
    seed = (seed * 16807) % 2147483647;
    ch[i] = (seed / 2147483647) * 2 - 1;
  }
  Object.assign(s, { ctx, master, analyser, noise });
  ctx.addEventListener("statechange", notify);
  notify();
  return ctx;
}

export function audioState(): AudioContextState | "none" {
  const ctx = shared().ctx;
  return ctx ? ctx.state : "none";
}

/** Create and resume the context; call from a click handler. Resolves to true when running. */
export async function enableAudio(): Promise<boolean> {
  const ctx = ensureContext();
  if (ctx.state !== "running") {
    try { await ctx.resume(); } catch (e) { console.warn("AudioContext.resume failed", e); }
  }
  notify();
  return ctx.state === "running";
}

export function onAudioState(cb: () => void): () => void {
  const s = shared();
  s.listeners.add(cb);
  return () => s.listeners.delete(cb);
}

export interface Voice {
  sources: AudioScheduledSourceNode[];
  start: number;
  end: number;
}

function mtof(p: number): number {
  return 440 * Math.pow(2, (p - 69) / 12);
}

function envelope(ctx: AudioContext, when: number, dur: number, peak: number,
  attack: number, decay: number, sustain: number, release: number): GainNode {
  const g = ctx.createGain();
  const p = g.gain;
  p.setValueAtTime(0, when);
  p.linearRampToValueAtTime(peak, when + attack);
  p.setTargetAtTime(peak * sustain, when + attack, decay / 3);
  const off = Math.max(when + attack, when + dur);
  p.cancelScheduledValues(off);
  p.setTargetAtTime(0, off, release / 4);
  return g;
}

function drum(ctx: AudioContext, out: AudioNode, when: number, pitch: number, amp: number): Voice {
  const s = shared();
  const sources: AudioScheduledSourceNode[] = [];
  let end: number;
  if (pitch === 35 || pitch === 36 || pitch === 41 || pitch === 43 || pitch === 45) {
    // kick and low toms: a sine sweeping down
    const osc = ctx.createOscillator();
    const hi = pitch <= 36 ? 160 : 90 + (pitch - 41) * 20;
    osc.frequency.setValueAtTime(hi, when);
    osc.frequency.exponentialRampToValueAtTime(hi / 3, when + 0.18);
    const g = ctx.createGain();
    g.gain.setValueAtTime(amp * 1.4, when);
    g.gain.exponentialRampToValueAtTime(0.001, when + 0.35);
    osc.connect(g).connect(out);
    osc.start(when);
    osc.stop(when + 0.4);
    sources.push(osc);
    end = when + 0.4;
  } else {
    // snares, hats, cymbals, hand percussion: filtered noise, brighter for higher keys
    const src = ctx.createBufferSource();
    src.buffer = s.noise;
    const f = ctx.createBiquadFilter();
    const hat = pitch === 42 || pitch === 44 || pitch === 46 || pitch >= 49;
    f.type = hat ? "highpass" : "bandpass";
    f.frequency.value = hat ? 7000 : 1200 + (pitch % 12) * 250;
    f.Q.value = hat ? 0.7 : 1.2;
    const len = pitch === 46 || pitch === 49 || pitch === 57 ? 0.5 : hat ? 0.07 : 0.18;
    const g = ctx.createGain();
    g.gain.setValueAtTime(amp, when);
    g.gain.exponentialRampToValueAtTime(0.001, when + len);
    src.connect(f).connect(g).connect(out);
    src.start(when, (pitch * 0.0137) % 0.5);
    src.stop(when + len + 0.02);
    sources.push(src);
    end = when + len;
  }
  return { sources, start: when, end };
}

/** The browser voice for a synthesiser timbre or render preset (the voices below). */
const VOICES: Record<string, string> = {
  flute: "flute", clarinet: "reed", double_reed: "reed", sax: "reed",
  violin: "bowed", viola: "bowed", cello: "bowed", contrabass: "bowed", strings: "pad",
  trumpet: "lead", trombone: "lead", tuba: "bass", horn: "pad", voice: "flute",
  piano: "pluck", epiano: "pluck", mallet: "pluck", harp: "pluck", guitar: "pluck",
  pizzicato: "pluck", timpani: "bass", organ: "pad",
  acoustic_bass: "bass", electric_bass: "bass", synth_bass: "bass",
  square_lead: "lead", saw_lead: "lead",
};

export function voiceFor(timbre: string): string {
  return VOICES[timbre] ?? timbre;
}

/** Schedule one note on the audio clock at `when` (seconds of ctx.currentTime). */
export function playNote(ctx: AudioContext, out: AudioNode, when: number, dur: number,
  pitch: number, velocity: number, preset: string, drums: boolean): Voice {
  const s = shared();
  s.stats.scheduled += 1;
  s.stats.lastWhen = when;
  const amp = 0.25 * Math.pow(velocity / 127, 1.5);
  if (drums || preset === "drum") return drum(ctx, out, when, pitch, amp);
  const f = mtof(pitch);
  const sources: AudioScheduledSourceNode[] = [];
  let env: GainNode;
  let release = 0.08;
  const filter = ctx.createBiquadFilter();
  filter.type = "lowpass";
  const oscs: [OscillatorType, number, number][] = [];  // type, detune cents, level
  switch (preset) {
    case "bass":
      oscs.push(["sawtooth", 0, 0.6], ["sine", -1200, 0.6]);
      filter.frequency.value = Math.min(1200, f * 6);
      env = envelope(ctx, when, dur, amp, 0.005, 0.25, 0.6, release);
      break;
    case "pad":
      oscs.push(["sawtooth", -7, 0.35], ["sawtooth", 7, 0.35], ["triangle", 0, 0.4]);
      filter.frequency.value = 2200;
      release = 0.4;
      env = envelope(ctx, when, dur, amp * 0.8, 0.12, 0.5, 0.8, release);
      break;
    case "lead":
      oscs.push(["square", 0, 0.35], ["sawtooth", 5, 0.25]);
      filter.frequency.value = 3500;
      env = envelope(ctx, when, dur, amp * 0.7, 0.01, 0.2, 0.75, release);
      break;
    case "flute":  // nearly a sine, breathy onset, a little 2nd harmonic
      oscs.push(["sine", 0, 0.8], ["sine", 1200, 0.18], ["triangle", 0, 0.08]);
      filter.frequency.value = 5000;
      release = 0.1;
      env = envelope(ctx, when, dur, amp * 0.9, 0.06, 0.2, 0.85, release);
      break;
    case "reed":  // odd harmonics
      oscs.push(["square", 0, 0.3], ["sine", 0, 0.4]);
      filter.frequency.value = Math.min(4000, f * 5);
      env = envelope(ctx, when, dur, amp * 0.8, 0.03, 0.2, 0.8, release);
      break;
    case "bowed":
      oscs.push(["sawtooth", -4, 0.3], ["sawtooth", 4, 0.3]);
      filter.frequency.value = Math.min(5000, f * 7);
      release = 0.2;
      env = envelope(ctx, when, dur, amp * 0.8, 0.08, 0.3, 0.85, release);
      break;
    case "fx":
      oscs.push(["sine", 0, 0.7], ["triangle", 1200, 0.2]);
      filter.frequency.value = 6000;
      release = 0.3;
      env = envelope(ctx, when, dur, amp, 0.05, 0.4, 0.6, release);
      break;
    default:  // "pluck": pianos, guitars, mallets
      oscs.push(["triangle", 0, 0.7], ["sine", 1200, 0.25], ["sawtooth", 0, 0.08]);
      filter.frequency.value = Math.min(9000, f * 8);
      release = 0.12;
      env = envelope(ctx, when, dur, amp, 0.004, Math.min(1.2, 0.25 + dur), 0.25, release);
  }
  for (const [type, detune, level] of oscs) {
    const o = ctx.createOscillator();
    o.type = type;
    o.frequency.value = f;
    o.detune.value = detune;
    const g = ctx.createGain();
    g.gain.value = level;
    o.connect(g).connect(filter);
    o.start(when);
    o.stop(when + dur + release * 2 + 0.05);
    sources.push(o);
  }
  filter.connect(env).connect(out);
  return { sources, start: when, end: when + dur + release * 2 };
}
