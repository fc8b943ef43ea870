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
  readonly numFailedTestSuites: number
  readonly numPassedTests: number
  readonly testResults: ReadonlyArray<{
    readonly assertionResults: ReadonlyArray<{ readonly title: string; readonly status: string }>
  }>
}

const runSuite = (file: string, extra: ReadonlyArray<string> = []): JsonReport => {
  const out = join(brokenDir, `.report-${file}.json`)
  spawnSync(
    process.execPath,
    [vitestBin, "run", "--root", brokenDir, "--reporter=json", `--outputFile=${out}`, ...extra, file],
    {
      encoding: "utf8",
      env: { ...process.env, CI: "true", FORCE_COLOR: "0" },
      timeout: 120_000
    }
  )
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

  it("a slow adapter passes when the suite's timeout covers its start (the hooks get it too)", () => {
    // vitest's own hook timeout is cut to 200 ms; the layer takes 600 ms to build
    const report = runSuite("slowLayer.suite.ts", ["--hookTimeout=200"])
    expect(failedTitles(report)).toEqual([])
    expect(report.numFailedTests).toBe(0)
    expect(report.numPassedTests).toBeGreaterThan(20)
  })

  it("an adapter whose load ignores the command id, so keyed repeats apply twice", () => {
    const report = runSuite("ignoresCommandIds.suite.ts")
    expect(failedTitles(report)).toEqual(
      expect.arrayContaining(["loads the current state and the events a command id recorded, within the tenant"])
    )
  })

  it("an adapter that drops outbox messages, and one that hands a message to two claimers", () => {
    const dropped = runSuite("dropsMessages.suite.ts")
    expect(failedTitles(dropped)).toEqual(
      expect.arrayContaining([
        "queues a message only with the commit that carries it, once per id",
        "queues a deadline's notification with the event that fired it"
      ])
    )
    const doubled = runSuite("claimsTwice.suite.ts")
    expect(failedTitles(doubled)).toEqual(
      expect.arrayContaining([
        "claims available messages in order, once each, within the tenant",
        "8 concurrent claimers deliver 100 messages, each once"
      ])
    )
  })

  it("a due-work queue that hands an instance to every claimer", () => {
    const report = runSuite("dueClaimsTwice.suite.ts")
    expect(failedTitles(report)).toEqual(
      expect.arrayContaining([
        "claims due instances oldest first, within the tenant, once while the lease runs",
        "8 concurrent claimers take 60 due instances, each once"
      ])
    )
  })

  it("an outbox that lets a claimer whose lease was taken over complete or fail the message", () => {
    const report = runSuite("completesAnyClaim.suite.ts")
    expect(failedTitles(report)).toEqual(
      expect.arrayContaining(["takes over a message whose claimer's lease ended; the old claim is refused"])
    )
  })

  it("a store whose check fails", () => {
    const report = runSuite("failingCheck.suite.ts")
    // the suite's engine checks the storage when it is built, in the suite's setup: the run fails
    // there and no test passes
    expect(report.numFailedTestSuites).toBeGreaterThan(0)
    expect(report.numPassedTests).toBe(0)
  })

  it("an index that ignores the due filter", () => {
    const report = runSuite("ignoresDueBy.suite.ts")
    expect(failedTitles(report)).toEqual(
      expect.arrayContaining(["stores nextDueAt as given and filters by it (dueBy), within the tenant"])
    )
  })

  it("an adapter that stores something else than it returns", () => {
    const report = runSuite("storesTheWrongThing.suite.ts")
    expect(failedTitles(report)).toEqual(
      expect.arrayContaining(["stores exactly the appended events, in sequence order"])
    )
  })
})
