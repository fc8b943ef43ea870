/**
 * Loading the optional drivers: a package that is not installed is a `Misconfigured` StorageError
 * naming what to install — tested with a package name that does not exist, and through the layers
 * in a child process where the driver is hidden (nothing is uninstalled) — and the installed `pg`
 * and PGlite load as the classes the layers use.
 */
import { PGlite } from "@electric-sql/pglite"
import { Misconfigured, type StorageError } from "@workflow-manager/core"
import { Effect, Exit } from "effect"
import pg from "pg"
import { describe, expect, it } from "vitest"
import { loadDriver, loadPGlite, loadPgPool } from "../src/internal/drivers.js"
import { canRunSource, runSource } from "./support/runSource.js"

const failure = async (effect: Effect.Effect<unknown, StorageError>): Promise<StorageError> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const first = exit.cause.reasons[0]
  if (first?._tag !== "Fail") throw new Error(`expected a typed failure, got ${String(exit.cause)}`)
  return first.error
}

const notFound = (specifier: string) =>
  Object.assign(new Error(`Cannot find package '${specifier}' imported from /app/node_modules/x/index.js`), {
    code: "ERR_MODULE_NOT_FOUND"
  })

describe("loadDriver", () => {
  it("a package that is not installed is Misconfigured and says what to install", async () => {
    const error = await failure(loadDriver("layerPool", "wm-no-such-driver-7f3a"))
    expect(error.operation).toBe("layerPool")
    expect(error.reason).toBeInstanceOf(Misconfigured)
    expect(error.isRetryable).toBe(false)
    expect(error.message).toContain('the "wm-no-such-driver-7f3a" package is not installed')
    expect(error.message).toContain("pnpm add wm-no-such-driver-7f3a")
    expect((error.reason as Misconfigured).cause).toMatchObject({ code: "ERR_MODULE_NOT_FOUND" })
  })

  it.each([
    ["pg", "pnpm add pg"],
    ["@electric-sql/pglite", "pnpm add @electric-sql/pglite"]
  ])("names %s when Node cannot find it", async (specifier, todo) => {
    const error = await failure(loadDriver("layer", specifier, () => Promise.reject(notFound(specifier))))
    expect(error.message).toContain(todo)
  })

  it("a package that is there but cannot load (a missing dependency of it) says so, without 'install it'", async () => {
    const error = await failure(loadDriver("layerPool", "pg", () => Promise.reject(notFound("pg-protocol"))))
    expect(error.reason).toBeInstanceOf(Misconfigured)
    expect(error.message).toContain('the "pg" package could not be loaded')
    expect(error.message).toContain("pg-protocol")
    expect(error.message).not.toContain("pnpm add")
  })

  it("loads the installed pg Pool and PGlite classes", async () => {
    expect(await Effect.runPromise(loadPgPool("layerPool"))).toBe(pg.Pool)
    expect(await Effect.runPromise(loadPGlite("layerPGlite"))).toBe(PGlite)
  })
})

/** Builds a layer of the sources in a child process and prints its failure. */
const layerFailure = (layer: string) => `
  import { Cause, Effect, Exit } from "effect"
  import { layerPGlite, layerPool } from "./src/index.ts"
  const exit = await Effect.runPromiseExit(Effect.provide(Effect.void, ${layer}))
  const error = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
  console.log(JSON.stringify({ tag: error?._tag, operation: error?.operation, reason: error?.reason?._tag, message: error?.message }))
`

describe.skipIf(!canRunSource)("the layers without their driver", () => {
  it.each([
    ["pg", "layerPool", 'layerPool({ connectionString: "postgres://owner@127.0.0.1:1/app" })'],
    ["@electric-sql/pglite", "layerPGlite", "layerPGlite()"]
  ])("without %s, %s fails with a Misconfigured StorageError, not a defect", async (hidden, operation, layer) => {
    const run = await runSource(["--input-type=module", "--eval", layerFailure(layer)], { hide: [hidden] })
    expect(run.code, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({
      tag: "StorageError",
      operation,
      reason: "Misconfigured",
      message: expect.stringContaining(`pnpm add ${hidden}`)
    })
  })
})
