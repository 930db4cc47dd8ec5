// Player: play / stop, loop, tempo and position for any Score (`score.play()`).

import type { Initialize, Render } from "@anywidget/types";
import { bindModel, h, instrumentMenu, PALETTE, transportBar, transportOf, widgetRoot } from "./controls";
import type { ScoreModel } from "./model";

/** The traits of Player (schillinger_kernel/widgets/player.py, with its instrument menu). */
export interface PlayerModel extends ScoreModel {
  /** "" plays the score's own instruments */
  instrument: string;
  instruments: string[];
}

const initialize: Initialize<PlayerModel> = ({ model }) => bindModel(model);

const render: Render<PlayerModel> = ({ model, el }) => {
  widgetRoot(el, "sk-player");
  const title = h("h4", {});
  const legend = h("div", { class: "sk-legend" });
  const [bar, cleanupBar] = transportBar(model, { root: el });
  const [menu, cleanupMenu] = instrumentMenu(model);
  bar.append(menu);
  el.append(title, bar, legend);
  const tr = transportOf(model);
  const sync = () => {
    const d = tr.data;
    title.textContent = `${d.title || "Score"} · ${d.count} notes · ${d.parts.length} part${d.parts.length === 1 ? "" : "s"}`
      + (tr.pcm ? " · rendered audio" : "");
    legend.replaceChildren(...d.parts.map((p, i) => {
      const s = h("span", {}, `${p.name} (${p.drums ? "drums" : p.timbre ?? p.preset})`);
      s.style.setProperty("--c", p.color || PALETTE[i % PALETTE.length]);
      return s;
    }));
  };
  sync();
  const off = tr.on((ev) => { if (ev === "data") sync(); });
  return () => { off(); cleanupBar(); cleanupMenu(); };
};

export default { initialize, render };
