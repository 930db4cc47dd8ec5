// Colours for what a widget paints itself (canvas, generated SVG), read from JupyterLab's theme
// variables (--jp-*) where the widget sits, so light, dark and high-contrast themes all work;
// the light defaults apply outside JupyterLab (a plain HTML export, VS Code).

export interface Theme {
  /** "light" or "dark": which way the theme's background goes */
  mode: "light" | "dark";
  background: string;
  /** shaded rows (black keys) */
  shade: string;
  /** bar lines and rules */
  grid: string;
  text: string;
  muted: string;
  accent: string;
  selection: string;
}

const LIGHT: Theme = {
  mode: "light", background: "#ffffff", shade: "#f1f3f6", grid: "#c5cad3", text: "#222222",
  muted: "#555555", accent: "#1f5fa8", selection: "rgba(31, 95, 168, 0.18)",
};

function relativeLuminance(css: string): number | null {
  const m = /^#([0-9a-f]{6})$/i.exec(css) ?? /^#([0-9a-f]{3})$/i.exec(css);
  let rgb: number[];
  if (m) {
    const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join("") : m[1];
    rgb = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  } else {
    const n = /rgba?\(\s*(\d+)[,\s]+(\d+)[,\s]+(\d+)/.exec(css);
    if (!n) return null;
    rgb = [Number(n[1]), Number(n[2]), Number(n[3])];
  }
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The theme in force at `el` (its inherited --jp-* custom properties). */
export function themeOf(el: Element): Theme {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  const background = v("--jp-layout-color0", LIGHT.background);
  const lum = relativeLuminance(background);
  const mode = lum !== null && lum < 0.3 ? "dark" : "light";
  return {
    mode,
    background,
    // black-key rows: a step off the background (color2 is a big step in dark themes)
    shade: mode === "dark" ? v("--jp-layout-color1", "#2a2f36") : v("--jp-layout-color2", LIGHT.shade),
    grid: v("--jp-border-color1", mode === "dark" ? "#5a616b" : LIGHT.grid),
    text: v("--jp-ui-font-color1", mode === "dark" ? "#e6e6e6" : LIGHT.text),
    muted: v("--jp-ui-font-color2", mode === "dark" ? "#b0b0b0" : LIGHT.muted),
    accent: v("--jp-brand-color1", LIGHT.accent),
    selection: mode === "dark" ? "rgba(120, 170, 255, 0.25)" : LIGHT.selection,
  };
}

/**
 * Call `cb` when the page's theme changes (JupyterLab swaps a stylesheet and sets
 * `data-jp-theme-name` / `data-jp-theme-light` on <body>); returns what stops listening.
 */
export function onThemeChange(cb: () => void): () => void {
  if (typeof MutationObserver === "undefined" || !document.body) return () => undefined;
  const obs = new MutationObserver(() => { requestAnimationFrame(cb); });
  obs.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-name", "data-jp-theme-light"] });
  return () => { obs.disconnect(); };
}
