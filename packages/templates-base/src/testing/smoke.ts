/**
 * The smoke test every pack runs on its BUILT package: a consumer folder outside the package that
 * resolves the package and its peers by name through `node_modules` and the `exports` maps, and
 * runs scripts in a separate Node process.
 *
 * @since 0.1.0
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

/**
 * A consumer folder: `run` writes a script and returns what it printed (as JSON); `remove` deletes
 * the folder.
 *
 * @since 0.1.0
 * @category testing
 */
export interface SmokeConsumer {
  readonly dir: string
  /** Fails (throws) when one of `files` (e.g. `dist/index.js`) is missing in the package. */
  readonly assertBuilt: (files: ReadonlyArray<string>) => void
  readonly run: (name: string, script: string) => unknown
  readonly remove: () => void
}

/**
 * Creates a consumer of the package in `packageDir`, linking it and `dependencies` (names as in
 * the package's own `node_modules`, e.g. `@workflow-manager/core`, `effect`).
 *
 * @example
 * ```ts
 * import { smokeConsumer } from "@workflow-manager/templates-base/testing"
 *
 * const consumer = smokeConsumer(packageDir, ["@workflow-manager/core", "effect"])
 * const printed = consumer.run("smoke.mjs", `import { brpPack } from "@workflow-manager/templates-brp"; console.log(JSON.stringify(brpPack.name))`)
 * consumer.remove()
 * ```
 *
 * @since 0.1.0
 * @category testing
 */
export const smokeConsumer = (packageDir: string, dependencies: ReadonlyArray<string>): SmokeConsumer => {
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { name: string }
  const dir = mkdtempSync(join(tmpdir(), "wm-pack-smoke-"))
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "smoke-consumer", private: true, type: "module" }))
  const link = (name: string, target: string) => {
    mkdirSync(join(dir, "node_modules", ...name.split("/").slice(0, -1)), { recursive: true })
    symlinkSync(target, join(dir, "node_modules", name), "dir")
  }
  link(manifest.name, packageDir)
  for (const dependency of dependencies) link(dependency, join(packageDir, "node_modules", dependency))
  return {
    dir,
    assertBuilt: (files) => {
      const missing = files.filter((f) => !existsSync(join(packageDir, f)))
      if (missing.length > 0) throw new Error(`${manifest.name}: ${missing.join(", ")} missing — run pnpm build first`)
    },
    run: (name, script) => {
      writeFileSync(join(dir, name), script)
      return JSON.parse(
        execFileSync(process.execPath, [name], {
          cwd: dir,
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
          timeout: 60_000
        })
      )
    },
    remove: () => rmSync(dir, { recursive: true, force: true })
  }
}
