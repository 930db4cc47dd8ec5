// The synced traits of ScoreWidget (schillinger_kernel/widgets/_base.py), one field per trait
// with the same name; each widget's model extends it with its own traits. Keep them in step
// with the Python classes: tests/widgets/test_widget_models.py compares the two.

import type { AnyModel } from "@anywidget/types";
import type { ScoreMeta } from "./score_data";

/** The score's note fields, one little-endian buffer each (see score_data.ts). */
export type NoteField = "start" | "dur" | "pitch" | "vel" | "part";

/** What `set_audio` announces: the PCM the view pulls chunk by chunk. */
export interface PcmMeta {
  id: string;
  rate: number;
  channels: number;
  frames: number;
  chunks: number;
}

export interface ScoreModel {
  playing: boolean;
  loop: boolean;
  tempo: number;
  position: number;
  /** empty until a score is set; binary buffers arrive as DataViews */
  _notes: Partial<Record<NoteField, DataView>>;
  /** empty until a score is set */
  _meta: Partial<ScoreMeta>;
  /** empty while the browser synthesises the notes itself */
  _pcm: Partial<PcmMeta>;
  /** id of the PCM the view has fetched completely */
  _pcm_loaded: string;
  /** keys the model's Transport: each view gets its own proxy of the model */
  _uid: string;
}

/** Call `cb` on a change of any of `names`; returns what stops listening. */
export function onChange<M extends object>(model: AnyModel<M>, names: readonly (keyof M & string)[],
  cb: () => void): () => void {
  for (const name of names) model.on(`change:${name}`, cb);
  return () => { for (const name of names) model.off(`change:${name}`, cb); };
}
