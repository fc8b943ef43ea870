/**
 * Shared settings for every package's vitest project (`packages/<name>/vitest.config.ts`).
 *
 * Tests import workspace packages by their public names (`@workflow-manager/core`,
 * `@workflow-manager/core/testing`); the aliases below send those imports to the packages' `src/`,
 * so tests run against the sources without a build. Only the smoke tests, which spawn Node on the
 * built `dist/`, see what a user installs.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { defineProject, type UserWorkspaceConfig } from "vitest/config"

const root = dirname(fileURLToPath(import.meta.url))
const workspaceDirs = ["packages"]

interface Manifest {
  readonly name?: string
  readonly exports?: Record<string, unknown>
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")

/** `./dist/foo.js` (or an already-source `./src/foo.ts`) → absolute path of `src/foo.ts`, if it exists. */
const sourceOf = (packageDir: string, target: unknown): string | undefined => {
  const file =
    typeof target === "string"
      ? target
      : typeof target === "object" && target !== null
        ? ((target as Record<string, unknown>).default ?? (target as Record<string, unknown>).import)
        : undefined
  if (typeof file !== "string") return undefined
  const source = file.replace(/^\.\/dist\//, "./src/").replace(/\.(m?js)$/, ".ts")
  const path = resolve(packageDir, source)
  return path.endsWith(".ts") && existsSync(path) ? path : undefined
}

/** One alias per exported subpath of every workspace package: `@workflow-manager/x[/sub]` → its `src/` file. */
export const workspaceAliases = (): Array<{ find: RegExp; replacement: string }> => {
  const aliases: Array<{ find: RegExp; replacement: string }> = []
  for (const dir of workspaceDirs) {
    const base = join(root, dir)
    if (!existsSync(base)) continue
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue
      const packageDir = join(base, entry.name)
      const manifestPath = join(packageDir, "package.json")
      if (!existsSync(manifestPath)) continue
      const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest
      if (manifest.name === undefined || manifest.exports === undefined) continue
      for (const [subpath, target] of Object.entries(manifest.exports)) {
        if (subpath.includes("*")) continue
        const source = sourceOf(packageDir, target)
        if (source === undefined) continue
        const specifier = subpath === "." ? manifest.name : `${manifest.name}/${subpath.replace(/^\.\//, "")}`
        aliases.push({ find: new RegExp(`^${escapeRegExp(specifier)}$`), replacement: source })
      }
    }
  }
  return aliases
}

/**
 * The vitest project of the package whose `vitest.config.ts` calls it (pass `import.meta.url`).
 * The project is named after the package folder; tests live in `test/**\/*.test.ts`.
 */
export const packageProject = (configUrl: string, overrides: UserWorkspaceConfig["test"] = {}) => {
  const packageDir = dirname(fileURLToPath(configUrl))
  const name = packageDir.slice(packageDir.lastIndexOf("/") + 1)
  return defineProject({
    root: packageDir,
    resolve: { alias: workspaceAliases() },
    test: {
      name,
      include: ["test/**/*.test.ts"],
      environment: "node",
      ...overrides
    }
  })
}
