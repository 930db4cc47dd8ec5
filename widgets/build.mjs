// Bundle each widget into one self-contained ES module (no code splitting: anywidget loads the
// module from a blob, so chunks could not be found) in schillinger_kernel/widgets/static/, and
// the stylesheet all of them share beside them. `--watch` rebuilds on each save; the kernel
// hands the new files to open views when it runs with ANYWIDGET_HMR=1 (see README.md).
import * as esbuild from "esbuild";

const watch = process.argv.includes("--watch");
const options = {
  entryPoints: ["player.ts", "pianoroll.ts", "rhythm_explorer.ts", "harmony_explorer.ts", "scoreview.ts", "identify.ts", "style.css"],
  outdir: "../schillinger_kernel/widgets/static",
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: !watch,
  sourcemap: watch ? "inline" : false,
  define: { "define.amd": "false" },
  logLevel: "info",
};
if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
