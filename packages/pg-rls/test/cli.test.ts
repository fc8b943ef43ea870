/**
 * `workflow-manager-pg-migrate`, run as a child process on the sources with bad arguments, an
 * unreachable or missing database, and its drivers hidden: one line on stderr that says what to do,
 * never a stack, never the URL's password, exit code 2 for a usage error and 1 for a failure.
 */
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describeWithService, PostgreSQL } from "@workflow-manager/test-utils"
import { afterAll, describe, expect, it } from "vitest"
import { canRunSource, type Run, runSource } from "./support/runSource.js"

const cli = (args: ReadonlyArray<string>, hide?: ReadonlyArray<string>) =>
  runSource(["src/cli.ts", ...args], hide === undefined ? {} : { hide })

/** One line on stderr, no stack trace, the given exit code. */
const expectOneLine = (run: Run, code: number) => {
  expect(run.code, run.stderr).toBe(code)
  const first = run.stderr.split("\n")[0] ?? ""
  expect(first.startsWith("workflow-manager-pg-migrate: "), run.stderr).toBe(true)
  expect(run.stderr).not.toMatch(/^\s+at /m)
  return first
}

const scratch = mkdtempSync(join(tmpdir(), "wm-pg-migrate-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe.skipIf(!canRunSource)("workflow-manager-pg-migrate", () => {
  it("refuses --pglite together with --url as a usage error (exit 2, usage shown)", async () => {
    const run = await cli(["--pglite", join(scratch, "data"), "--url", "postgres://owner@127.0.0.1/app"])
    expect(expectOneLine(run, 2)).toContain("--pglite and --url")
    expect(run.stderr).toContain("Usage: workflow-manager-pg-migrate")
  })

  it.each([
    ["not-a-url", "cannot be parsed as a URL"],
    ["postgres://owner:s3cret-pw@db.example:port/app", "cannot be parsed as a URL"],
    ["mysql://owner:s3cret-pw@db.example/app", "its scheme is mysql:"]
  ])("says a malformed URL is malformed (%s), without echoing it", async (url, why) => {
    const run = await cli(["--url", url])
    const line = expectOneLine(run, 2)
    expect(line).toContain("the database URL (--url) is malformed")
    expect(line).toContain(why)
    expect(run.stderr).not.toContain("s3cret-pw")
  })

  it("an unknown option is a usage error", async () => {
    expect(expectOneLine(await cli(["--bogus"]), 2)).toContain("'--bogus'")
  })

  it("an unreachable server: exit 1, 'migration failed' once, what went wrong", async () => {
    const line = expectOneLine(await cli(["--url", "postgres://owner@127.0.0.1:1/app"]), 1)
    expect(line.match(/migration failed/g)).toHaveLength(1)
    expect(line).toContain("database unreachable")
  })

  it.each([
    ["pg", ["--url", "postgres://owner@127.0.0.1:1/app"], "pnpm add pg"],
    ["@electric-sql/pglite", ["--pglite", join(scratch, "data")], "pnpm add @electric-sql/pglite"]
  ])("a missing driver (%s) says which package to install", async (hidden, args, todo) => {
    const line = expectOneLine(await cli(args, [hidden]), 1)
    expect(line).toContain(`the "${hidden}" package is not installed`)
    expect(line).toContain(todo)
  })

  it("--status on a new PGlite directory lists the shipped migrations as pending", async () => {
    const run = await cli(["--status", "--pglite", join(scratch, `status-${randomBytes(4).toString("hex")}`)])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/^0001 initial {2}pending$/m)
  })
})

await describeWithService(PostgreSQL, "workflow-manager-pg-migrate [postgres]", (url) => {
  const missing = () => {
    const u = new URL(url)
    u.pathname = `/wm_missing_${randomBytes(6).toString("hex")}`
    return u.toString()
  }

  it.skipIf(!canRunSource)("a database that does not exist: exit 1, what to do, 'migration failed' once", async () => {
    const line = expectOneLine(await cli(["--url", missing()]), 1)
    expect(line.match(/migration failed/g)).toHaveLength(1)
    expect(line).toContain("no such database: create it")
  })

  it.skipIf(!canRunSource)(
    "--status fails on a database that does not exist (never lists it as all pending)",
    async () => {
      const run = await cli(["--status", "--url", missing()])
      expect(expectOneLine(run, 1)).toContain("no such database")
      expect(run.stdout).not.toContain("pending")
    }
  )
})
