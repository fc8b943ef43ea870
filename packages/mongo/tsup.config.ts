import { defineConfig } from "tsup"

// JavaScript only: one ESM file, so every class and tag exists once. Declarations come from tsc
// (tsconfig.build.json), one .d.ts per source module.
export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm"],
  target: "node22",
  dts: false,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  external: ["effect", "@workflow-manager/core", "mongodb"]
})
