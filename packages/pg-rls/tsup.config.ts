import { defineConfig } from "tsup"

// JavaScript only: one ESM file per entry point plus shared chunks, so every class and tag exists once.
// Declarations come from tsc (tsconfig.build.json), one .d.ts per source module. The migrations are
// not bundled: they ship as SQL files in ../migrations, found at run time from import.meta.url, which
// resolves beside dist/ exactly as beside src/ (both are one level below the package root).
export default defineConfig({
  entry: { index: "src/index.ts", cli: "src/cli.ts" },
  format: ["esm"],
  target: "node22",
  dts: false,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  external: ["effect", "@workflow-manager/core", "pg", "@electric-sql/pglite"]
})
