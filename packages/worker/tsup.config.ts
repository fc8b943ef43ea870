import { defineConfig } from "tsup"

// JavaScript only: one ESM file per entry point; declarations come from tsc (tsconfig.build.json).
export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm"],
  target: "node22",
  dts: false,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  external: ["effect", "@workflow-manager/core", "prom-client"]
})
