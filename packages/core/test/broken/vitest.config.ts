import { defineProject } from "vitest/config"

/** Runs one broken adapter's conformance suite (spawned by broken-adapters.test.ts). */
export default defineProject({
  test: { include: ["*.suite.ts"], environment: "node" }
})
