/**
 * Runs Node on the package's TypeScript sources in a child process (through `sourceHooks.ts`),
 * the way a user runs the CLI — optionally with some packages hidden as if not installed.
 */
import { execFile } from "node:child_process"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..")

/** Node strips types and runs module hooks on this version (22.18+, 23.6+). */
export const canRunSource: boolean =
  (process.features as { typescript?: unknown }).typescript !== undefined &&
  (process.features as { typescript?: unknown }).typescript !== false

export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** `node --import sourceHooks.ts ...args` in the package folder; `hide` lists packages to make unresolvable. */
export const runSource = (args: ReadonlyArray<string>, options: { readonly hide?: ReadonlyArray<string> } = {}) =>
  new Promise<Run>((done) => {
    const env: NodeJS.ProcessEnv = { ...process.env, WM_HIDE_PACKAGES: (options.hide ?? []).join(",") }
    delete env.DATABASE_URL
    delete env.NODE_OPTIONS
    execFile(
      process.execPath,
      ["--no-warnings", "--import", join(packageDir, "test", "support", "sourceHooks.ts"), ...args],
      { cwd: packageDir, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1
        done({ code, stdout, stderr })
      }
    )
  })
