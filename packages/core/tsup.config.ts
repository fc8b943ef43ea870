import { defineConfig } from "tsup"

// JavaScript only: one ESM file per entry point plus shared chunks, so every class and tag exists once.
// Declarations come from tsc (tsconfig.build.json), one .d.ts per source module: tsup's bundled dts
// with two entry points re-exports shared declarations under mangled names (e.g. `s`), which would
// leak into the public types and the API report.
export default defineConfig({
  entry: { index: "src/index.ts", testing: "src/testing.ts" },
  format: ["esm"],
  target: "node22",
  dts: false,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  external: ["effect", "vitest"]
})
