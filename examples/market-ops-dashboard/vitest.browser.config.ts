/**
 * The dashboard's browser tests (`market-ops-dashboard-browser`): the real reference server on a
 * fresh embedded database and the built app, driven in Debian's Chromium with playwright-core.
 * One file, run alone (it starts its own processes); REQUIRE_SERVICES=1 turns a missing Chromium
 * into a failure.
 */
import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "market-ops-dashboard-browser",
    include: ["test/browser/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false
  }
})
