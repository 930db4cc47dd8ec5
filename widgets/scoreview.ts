// ScoreView: the score engraved by Verovio in the kernel, played by the page's transport.
// On each animation frame the notes sounding at the transport's position are coloured; with
// `follow` the view turns to their page ("pages") or scrolls them into sight ("scroll"). A
// click on a note plays from it; the zoom buttons ask the kernel for a new engraving.

import type { Initialize, Render } from "@anywidget/types";
import { enableAudio, ensureContext } from "./audio";
import { bindModel, h, transportBar, transportOf, widgetRoot } from "./controls";
import { onChange, type ScoreModel } from "./model";
import { everyFrame } from "./playhead";

/** Each drawn note: its SVG id, page (from 1) and the seconds it sounds, sorted by start. */
export interface NoteMap {
  id: string[];
  page: number[];
  start: number[];
  end: number[];
}

/** The traits of ScoreView (schillinger_kernel/widgets/scoreview.py). */
export interface ScoreViewModel extends ScoreModel {
  /** one page at a time, or every page in a scrolling box */
  mode: "pages" | "scroll";
  /** the page shown, from 1 */
  page: number;
  /** while playing, turn to (scroll to) the notes sounding */
  follow: boolean;
  /** staff size in percent of Verovio's default, 10..200 (the kernel engraves again) */
  scale: number;
  /** why there is no engraving */
  error: string;
  /** one SVG document per page */
  _pages: string[];
  _notemap: Partial<NoteMap>;
}

const ZOOM_STEP = 10;
/** Scroll when the lit note is in the lowest part of the box (as a fraction of its height)... */
const FOLLOW_MARGIN = 0.15;
/** ...so that it sits this far down from the top. */
const FOLLOW_AT = 0.25;

function noteMapOf(m: Partial<NoteMap>): NoteMap {
  const id = m.id ?? [];
  const n = Math.min(id.length, m.page?.length ?? 0, m.start?.length ?? 0, m.end?.length ?? 0);
  return { id: id.slice(0, n), page: (m.page ?? []).slice(0, n), start: (m.start ?? []).slice(0, n), end: (m.end ?? []).slice(0, n) };
}

/** Indices of the notes sounding at `t` seconds (`longest`: the longest note's duration). */
export function soundingAt(map: NoteMap, t: number, longest: number): number[] {
  // notes are sorted by start: only those starting in (t - longest, t] can be sounding
  let lo = 0;
  let hi = map.start.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (map.start[mid] <= t - longest) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  for (let i = lo; i < map.start.length && map.start[i] <= t; i++) {
    if (map.end[i] > t) out.push(i);
  }
  return out;
}

const initialize: Initialize<ScoreViewModel> = ({ model }) => bindModel(model);

const render: Render<ScoreViewModel> = ({ model, el }) => {
  widgetRoot(el, "sk-scoreview");
  const tr = transportOf(model);
  const title = h("h4", {});
  const [bar, cleanupBar] = transportBar(model, { root: el });
  const prev = h("button", { class: "sk-page-prev", type: "button", title: "Previous page" }, "◀");
  const next = h("button", { class: "sk-page-next", type: "button", title: "Next page" }, "▶");
  const pageLabel = h("span", { class: "sk-page-label" });
  const follow = h("input", { type: "checkbox", class: "sk-follow" });
  const smaller = h("button", { class: "sk-zoom-out", type: "button", title: "Smaller staves (engraved again)" }, "−");
  const larger = h("button", { class: "sk-zoom-in", type: "button", title: "Larger staves (engraved again)" }, "+");
  const nav = h("div", { class: "sk-tools sk-score-nav" }, prev, pageLabel, next,
    h("label", {}, follow, " follow"), h("span", {}, "zoom "), smaller, larger);
  const error = h("div", { class: "sk-error" });
  const sheet = h("div", { class: "sk-score" });
  const help = h("div", { class: "sk-explain" }, "Click a note to play from there; the notes sounding light up.");
  el.append(title, bar, nav, error, sheet, help);

  let map = noteMapOf({});
  let longest = 0;
  let pageEls: HTMLElement[] = [];
  let noteEls: (Element | null)[] = [];
  const index = new Map<string, number>();
  let lit: number[] = [];
  let quiet = false;

  const showPage = (page: number, scroll = false) => {
    const mode = model.get("mode");
    const n = pageEls.length;
    page = Math.min(Math.max(1, page), Math.max(1, n));
    pageEls.forEach((p, i) => { p.hidden = mode === "pages" && i + 1 !== page; });
    pageLabel.textContent = n ? `page ${page} / ${n}` : "no pages";
    prev.disabled = page <= 1;
    next.disabled = page >= n;
    sheet.dataset.page = String(page);
    if (scroll && mode === "scroll" && pageEls[page - 1]) sheet.scrollTop = pageEls[page - 1].offsetTop;
  };
  const setPage = (page: number) => {
    if (page !== model.get("page")) {
      model.set("page", page);
      model.save_changes();
    }
    showPage(page);
  };

  const build = () => {
    const pages = model.get("_pages") ?? [];
    map = noteMapOf(model.get("_notemap") ?? {});
    longest = map.start.reduce((m, s, i) => Math.max(m, map.end[i] - s), 0);
    pageEls = pages.map((svg, i) => {
      const p = h("div", { class: "sk-score-page" });
      p.dataset.page = String(i + 1);
      p.innerHTML = svg;
      return p;
    });
    sheet.replaceChildren(...pageEls);
    sheet.classList.toggle("sk-score-scroll", model.get("mode") === "scroll");
    // ids repeat across ScoreViews of one page (Verovio's seeded ids): look inside this one
    const byId = new Map<string, Element>();
    for (const g of sheet.querySelectorAll("g.note")) if (g.id) byId.set(g.id, g);
    index.clear();
    noteEls = map.id.map((id, i) => {
      index.set(id, i);
      return byId.get(id) ?? null;
    });
    lit = [];
    sheet.dataset.notes = String(byId.size);
    sheet.dataset.pages = String(pages.length);
    const d = tr.data;
    title.textContent = `${d.title || "Score"} · ${pages.length} page${pages.length === 1 ? "" : "s"} · ${d.count} notes`;
    error.textContent = model.get("error");
    showPage(model.get("page"));
  };

  const light = (now: number[]) => {
    const keep = new Set(now);
    for (const i of lit) if (!keep.has(i)) noteEls[i]?.classList.remove("sk-sounding");
    for (const i of now) noteEls[i]?.classList.add("sk-sounding");
    lit = now;
    sheet.dataset.sounding = now.map((i) => map.id[i]).join(" ");
  };

  const followTo = (now: number[]) => {
    if (!now.length || !model.get("follow")) return;
    const last = now[now.length - 1];  // the latest to start: its page is the one being read
    const page = map.page[last];
    if (model.get("mode") === "pages") {
      if (page !== Number(sheet.dataset.page)) setPage(page);
      return;
    }
    const note = noteEls[last];
    if (!note) return;
    // scroll before the music reaches the box's lower edge, so the next system shows too
    const box = note.getBoundingClientRect();
    const view = sheet.getBoundingClientRect();
    if (box.top < view.top || box.bottom > view.bottom - sheet.clientHeight * FOLLOW_MARGIN) {
      sheet.scrollTop += box.top - view.top - sheet.clientHeight * FOLLOW_AT;
    }
    if (page !== model.get("page")) {
      quiet = true;  // the page label follows; the box keeps the scroll just set
      model.set("page", page);
      model.save_changes();
      quiet = false;
    }
  };

  sheet.addEventListener("click", (e) => {
    const g = e.target instanceof Element ? e.target.closest("g.note") : null;
    const i = g ? index.get(g.id) : undefined;
    if (i === undefined) return;
    ensureContext();
    void enableAudio();  // a click is the gesture browsers want before sound
    tr.play(map.start[i]);
    light(soundingAt(map, map.start[i], longest));
  });
  prev.addEventListener("click", () => { setPage(Number(sheet.dataset.page) - 1); });
  next.addEventListener("click", () => { setPage(Number(sheet.dataset.page) + 1); });
  follow.addEventListener("change", () => { model.set("follow", follow.checked); model.save_changes(); });
  const zoom = (by: number) => {
    model.set("scale", Math.min(200, Math.max(10, (model.get("scale") || 40) + by)));
    model.save_changes();
    sheet.classList.add("sk-stale");  // until the kernel's new engraving arrives
  };
  smaller.addEventListener("click", () => { zoom(-ZOOM_STEP); });
  larger.addEventListener("click", () => { zoom(ZOOM_STEP); });
  const syncControls = () => {
    follow.checked = model.get("follow");
    const s = model.get("scale") || 40;
    smaller.disabled = s <= 10;
    larger.disabled = s >= 200;
  };

  build();
  syncControls();
  const offBuild = onChange(model, ["_pages", "_notemap", "mode", "error"], () => {
    sheet.classList.remove("sk-stale");
    build();
  });
  const offPage = onChange(model, ["page"], () => { showPage(model.get("page"), !quiet); });
  const offControls = onChange(model, ["follow", "scale"], syncControls);
  // stopped, a seek (the lab's transport sought elsewhere) lights the notes at the new place
  // and turns to them: where the next play starts
  let cued: number[] = [];
  const offData = tr.on((ev) => {
    if (ev === "data") build();
    if (ev === "seek" && !tr.playing) {
      cued = soundingAt(map, tr.position(), longest);
      light(cued);
      followTo(cued);
    } else if (ev === "play" || ev === "data") {
      cued = [];
    }
  });
  const offFrame = everyFrame(tr, ({ position, playing }) => {
    const now = playing ? soundingAt(map, position, longest) : cued;
    if (playing || lit.length) {
      if (now.join() !== lit.join()) light(now);
      if (playing) followTo(now);
    }
  });
  return () => {
    offFrame();
    offData();
    offBuild();
    offPage();
    offControls();
    cleanupBar();
  };
};

export default { initialize, render };
