// One lint configuration for both front-ends (widgets/, extension/): typescript-eslint's
// type-checked rules, each file checked against the tsconfig.json of its own folder, so the
// linter sees the same types that `tsc --noEmit` checks.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/", "**/lib/", "schillinger_kernel/", "**/*.d.ts"] },
  {
    files: ["widgets/**/*.ts", "extension/src/**/*.ts"],
    // Not strictTypeChecked: without noUncheckedIndexedAccess its no-unnecessary-condition asks
    // to drop guards on indexed reads (a part index past the parts list) that are needed.
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ["**/*.mjs"],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
);
