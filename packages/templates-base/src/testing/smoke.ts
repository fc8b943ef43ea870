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

/**
 * What {@link packSmoke} saw the built package do: the templates it published (`id@version`), the
 * refusal of the bad input (its tag and field paths), and the error code of an import of
 * `<package>/internal/…` (`ERR_PACKAGE_PATH_NOT_EXPORTED` when closed).
 *
 * @since 0.1.0
 * @category testing
 */
export interface PackSmoke {
  readonly published: ReadonlyArray<string>
  readonly refused: { readonly tag: string; readonly paths: ReadonlyArray<string> }
  readonly internal: string
}

/** The packages a role pack's built code and the harness load. */
const packPeers: ReadonlyArray<string> = [
  "@workflow-manager/core",
  "@workflow-manager/templates-base",
  "@workflow-manager/handler-form",
  "@workflow-manager/handler-approval",
  "@workflow-manager/handler-notification",
  "@workflow-manager/handler-api-call",
  "effect"
]

/**
 * The smoke test of a role pack's BUILT package, in one call: in a consumer folder outside the
 * package (see {@link smokeConsumer}), a separate Node process imports `pack` from the package by
 * name, publishes it through the harness with a loopback register, begins `templateId`, executes
 * `stepId` with `input` (which the pack must refuse), and tries to import `<package>/internal/x`.
 * The folder is removed afterwards; the caller asserts on what it returns.
 *
 * @example
 * ```ts
 * import { packSmoke } from "@workflow-manager/templates-base/testing"
 *
 * const smoke = packSmoke({
 *   packageDir: resolve(import.meta.dirname, ".."),
 *   pack: "brpPack",
 *   templateId: "brp-onboarding",
 *   stepId: "company",
 *   input: { eic: "10YBE----------2" }
 * })
 * expect(smoke.published).toEqual(["brp-onboarding@1", "brp-portfolio@1"])
 * ```
 *
 * @throws Error when the package is not built, or `pack` is not an export name
 *
 * @since 0.1.0
 * @category testing
 */
export const packSmoke = (options: {
  readonly packageDir: string
  /** The name of the pack's export (`brpPack`). */
  readonly pack: string
  readonly templateId: string
  readonly stepId: string
  readonly input: unknown
  /** Other packages the pack loads (`@workflow-manager/templates-bsp`), besides core, base, handlers, effect. */
  readonly dependencies?: ReadonlyArray<string>
}): PackSmoke => {
  if (!/^[A-Za-z_$][\w$]{0,99}$/.test(String(options.pack))) throw new Error("pack must be an export name")
  const consumer = smokeConsumer(options.packageDir, [...packPeers, ...(options.dependencies ?? [])])
  try {
    consumer.assertBuilt(["dist/index.js", "dist/index.d.ts"])
    const name = (JSON.parse(readFileSync(join(options.packageDir, "package.json"), "utf8")) as { name: string }).name
    const published = consumer.run(
      "smoke.mjs",
      `import { ${options.pack} as pack } from ${JSON.stringify(name)}
import { issuePaths, makePackHarness, participant } from "@workflow-manager/templates-base/testing"
const harness = await makePackHarness()
try {
  const published = await harness.publish(pack, { register: { url: harness.register.url } })
  const actor = participant("u", "t")
  const instance = await harness.begin({ templateId: ${JSON.stringify(options.templateId)}, actor })
  const refused = await instance.step(${JSON.stringify(options.stepId)}, ${JSON.stringify(options.input)}, actor).then(
    () => ({ _tag: "accepted" }),
    (e) => e
  )
  console.log(JSON.stringify({
    published: published.map((t) => t.id + "@" + t.version),
    refused: { tag: refused._tag, paths: refused._tag === "ValidationFailed" ? issuePaths(refused) : [] }
  }))
} finally {
  await harness.close()
}
`
    ) as Omit<PackSmoke, "internal">
    const internal = consumer.run(
      "internal.mjs",
      `try { await import(${JSON.stringify(`${name}/internal/x`)}); console.log(JSON.stringify("loaded")) }
catch (e) { console.log(JSON.stringify(e.code)) }
`
    ) as string
    return { ...published, internal }
  } finally {
    consumer.remove()
  }
}
