/**
 * Smoke test of the BUILT package, loaded the way a user loads it: a separate Node process in a
 * directory outside the package, resolving `@workflow-manager/core` by name through node_modules and
 * the package's `exports` map — once as ESM (`import`) and once as CommonJS (`require`, which loads
 * the ESM build through require(esm), available unflagged since Node 22.12).
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
  name: string
  exports: Record<string, { types: string; default: string } | string | null>
}

/** The code entry points of the exports map (`.`, `./testing`, …), as `[subpath, { types, default }]`. */
const entryPoints = Object.entries(manifest.exports).flatMap(([subpath, target]) =>
  typeof target === "object" && target !== null && !subpath.includes("*") ? [[subpath, target] as const] : []
)
const specifierOf = (subpath: string): string =>
  subpath === "." ? manifest.name : `${manifest.name}/${subpath.replace(/^\.\//, "")}`

/** Runs a script with this Node (process.execPath) in the consumer directory; returns its parsed JSON output. */
const runNode = (cwd: string, file: string): unknown =>
  JSON.parse(execFileSync(process.execPath, [file], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }))

/** Fails the calling test (never skips it) when the build output is missing. */
const assertBuilt = (): void => {
  const missing = entryPoints.flatMap(([, target]) =>
    [target.default, target.types].filter((file) => !existsSync(join(packageDir, file)))
  )
  if (missing.length > 0) {
    throw new Error(`${manifest.name}: ${missing.join(", ")} missing — run pnpm build first`)
  }
}

describe("built package (dist/)", () => {
  let consumer: string

  beforeAll(() => {
    consumer = mkdtempSync(join(tmpdir(), "wm-core-smoke-"))
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "smoke-consumer", private: true }))
    mkdirSync(join(consumer, "node_modules", ...manifest.name.split("/").slice(0, -1)), { recursive: true })
    symlinkSync(packageDir, join(consumer, "node_modules", ...manifest.name.split("/")), "dir")
  })

  afterAll(() => {
    if (consumer !== undefined) rmSync(consumer, { recursive: true, force: true })
  })

  it("declares at least the main entry point", () => {
    expect(entryPoints.map(([subpath]) => subpath)).toContain(".")
  })

  it("loads every entry point with import() (ESM)", () => {
    assertBuilt()
    const specifiers = entryPoints.map(([subpath]) => specifierOf(subpath))
    writeFileSync(
      join(consumer, "esm.mjs"),
      `const out = {}
for (const s of ${JSON.stringify(specifiers)}) {
  const mod = await import(s)
  out[s] = { type: typeof mod, keys: Object.keys(mod) }
}
console.log(JSON.stringify(out))
`
    )
    const result = runNode(consumer, "esm.mjs") as Record<string, { type: string; keys: string[] }>
    for (const specifier of specifiers) {
      expect(result[specifier]?.type, specifier).toBe("object")
      expect(result[specifier]?.keys.length, specifier).toBeGreaterThan(0)
    }
  })

  it("loads the main entry point with require() (CommonJS via require(esm))", () => {
    assertBuilt()
    writeFileSync(
      join(consumer, "cjs.cjs"),
      `const mod = require(${JSON.stringify(manifest.name)})
console.log(JSON.stringify({ type: typeof mod, keys: Object.keys(mod), node: process.versions.node }))
`
    )
    const result = runNode(consumer, "cjs.cjs") as { type: string; keys: string[]; node: string }
    expect(result.type).toBe("object")
    expect(result.keys.length).toBeGreaterThan(0)
  })

  it("closes internal modules to users (exports: ./internal/* is null)", () => {
    assertBuilt()
    writeFileSync(
      join(consumer, "internal.mjs"),
      `try { await import(${JSON.stringify(`${manifest.name}/internal/anything`)}); console.log(JSON.stringify("loaded")) }
catch (e) { console.log(JSON.stringify(e.code)) }
`
    )
    expect(runNode(consumer, "internal.mjs")).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })
})
