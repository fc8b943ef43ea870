/**
 * The conformance suite must catch broken adapters: each one below wraps the memory adapter with a
 * single bug, and the suite, run on it in a separate vitest process, must fail the named tests.
 */
import { spawnSync } from "node:child_process"
import { readFileSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const here = dirname(fileURLToPath(import.meta.url))
const brokenDir = join(here, "..", "broken")
const vitestBin = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs")

interface JsonReport {
  readonly numFailedTests: number
  readonly numPassedTests: number
  readonly testResults: ReadonlyArray<{
    readonly assertionResults: ReadonlyArray<{ readonly title: string; readonly status: string }>
  }>
}

const runSuite = (file: string): JsonReport => {
  const out = join(brokenDir, `.report-${file}.json`)
  spawnSync(process.execPath, [vitestBin, "run", "--root", brokenDir, "--reporter=json", `--outputFile=${out}`, file], {
    encoding: "utf8",
    env: { ...process.env, CI: "true", FORCE_COLOR: "0" },
    timeout: 120_000
  })
  try {
    return JSON.parse(readFileSync(out, "utf8")) as JsonReport
  } finally {
    rmSync(out, { force: true })
  }
}

const failedTitles = (report: JsonReport): ReadonlyArray<string> =>
  report.testResults.flatMap((r) => r.assertionResults.filter((a) => a.status === "failed").map((a) => a.title))

describe("the conformance suite fails broken adapters", { timeout: 180_000 }, () => {
  it("an adapter that ignores expected versions", () => {
    const report = runSuite("ignoresExpectedVersions.suite.ts")
    expect(report.numPassedTests).toBeGreaterThan(0)
    expect(failedTitles(report)).toEqual(
      expect.arrayContaining([
        "rejects an append at a stale or future expected version with Conflict and writes nothing",
        "lets exactly one of 64 concurrent appends at one expected version win"
      ])
    )
  })

  it("an adapter that returns other tenants' rows", () => {
    const report = runSuite("leaksTenants.suite.ts")
    expect(failedTitles(report)).toEqual(
      expect.arrayContaining([
        "scopes every read and write to the tenant",
        "scopes snapshots to the tenant",
        "filters by status, role, current step, template and updated-since, within the tenant",
        "never shows one tenant's instance to another"
      ])
    )
  })

  it("an adapter that stores something else than it returns", () => {
    const report = runSuite("storesTheWrongThing.suite.ts")
    expect(failedTitles(report)).toEqual(
      expect.arrayContaining(["stores exactly the appended events, in sequence order"])
    )
  })
})
