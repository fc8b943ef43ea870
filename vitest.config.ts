import { defineConfig } from "vitest/config"

/**
 * One vitest project per package (each package's own `vitest.config.ts`, built with `packageProject`
 * from `vitest.shared.ts`). Coverage is a root-level option in vitest: it is collected with v8 over
 * every package's `src/`.
 */
export default defineConfig({
  test: {
    projects: [
      "{packages/*,examples/*,reference-server}/vitest.config.ts",
      "examples/market-ops-dashboard/vitest.browser.config.ts"
    ],
    reporters: ["default", "./scripts/vitest-summary-reporter.ts"],
    coverage: {
      provider: "v8",
      include: ["packages/*/src/**/*.ts", "reference-server/src/**/*.ts"],
      reporter: ["text-summary", "html", "lcov"],
      reportsDirectory: "coverage"
    }
  }
})
