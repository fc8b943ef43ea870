// Builds only the workspace packages whose build output is older than their sources, so a second
// `./wm start` does not spend ~50 s rebuilding fifteen unchanged packages. A package is stale when it
// has no build stamp (`node_modules/.cache/wm-build`, outside what is published) or no `dist/`, or
// when a file of its `src/`, `migrations/`, `scripts/`, package.json, tsup.config.ts or tsconfig*.json
// is newer than the stamp. `pnpm build` (CI, release) always builds everything, then stamps every
// package, so a later `./wm` command skips them.
//
//   node scripts/build-stale.mjs          build what is stale, then stamp it
//   node scripts/build-stale.mjs --list   print the stale packages, build nothing
//   node scripts/build-stale.mjs --stamp  stamp every package as built (after a full `pnpm build`)
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"

const root = new URL("..", import.meta.url).pathname
const packagesDir = join(root, "packages")
const stampOf = (dir) => join(dir, "node_modules", ".cache", "wm-build")
const stamp = (dir) => {
  mkdirSync(join(dir, "node_modules", ".cache"), { recursive: true })
  writeFileSync(stampOf(dir), `${new Date().toISOString()}\n`)
}
const inputs = [
  "src",
  "migrations",
  "scripts",
  "package.json",
  "tsup.config.ts",
  "tsconfig.json",
  "tsconfig.build.json"
]

/** The newest modification time under a file or directory (bounded: skips node_modules and dist). */
const newest = (path) => {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let latest = stat.mtimeMs
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist") continue
    latest = Math.max(latest, newest(join(path, entry.name)))
  }
  return latest
}

const packages = readdirSync(packagesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, "package.json")))
  .map((entry) => {
    const dir = join(packagesDir, entry.name)
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
    return { dir, name: manifest.name, builds: typeof manifest.scripts?.build === "string" }
  })
  .filter((pkg) => pkg.builds)

const stale = packages.filter((pkg) => {
  if (!existsSync(stampOf(pkg.dir)) || !existsSync(join(pkg.dir, "dist"))) return true
  const built = statSync(stampOf(pkg.dir)).mtimeMs
  return inputs.some((input) => newest(join(pkg.dir, input)) > built)
})

if (process.argv.includes("--stamp")) {
  for (const pkg of packages) {
    if (existsSync(join(pkg.dir, "dist"))) stamp(pkg.dir)
  }
  process.exit(0)
}
if (process.argv.includes("--list")) {
  for (const pkg of stale) console.log(pkg.name)
  process.exit(0)
}
if (stale.length === 0) {
  console.log(`build: all ${packages.length} packages are up to date`)
  process.exit(0)
}
console.log(`build: ${stale.length} of ${packages.length} packages changed: ${stale.map((p) => p.name).join(", ")}`)
const filters = stale.flatMap((pkg) => ["--filter", pkg.name])
const result = spawnSync("pnpm", ["-r", ...filters, "run", "build"], { stdio: "inherit", cwd: root })
if (result.status !== 0) process.exit(result.status ?? 1)
for (const pkg of stale) stamp(pkg.dir)
