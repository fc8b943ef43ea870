/**
 * The optional drivers — `pg` and `@electric-sql/pglite`, peer dependencies a user installs only if
 * they use them — loaded when a layer or the CLI needs one. A package that is not installed is a
 * `StorageError` with reason `Misconfigured` that says what to install, never a defect carrying a
 * raw `ERR_MODULE_NOT_FOUND` stack.
 */
import type { PGlite } from "@electric-sql/pglite"
import { Misconfigured, type StorageError, storageError } from "@workflow-manager/core"
import { Effect } from "effect"
import type pg from "pg"

const messageOf = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

/** Node's "Cannot find package 'x'" (or, for a path, "Cannot find module"), about `specifier` itself. */
const isMissing = (cause: unknown, specifier: string): boolean =>
  typeof cause === "object" &&
  cause !== null &&
  (cause as { code?: unknown }).code === "ERR_MODULE_NOT_FOUND" &&
  messageOf(cause).includes(`'${specifier}'`)

/**
 * Imports the package `specifier` (with `load`, default a dynamic `import()`); failures become a
 * `Misconfigured` `StorageError` of `operation`: "not installed: run pnpm add …" when the package
 * itself is missing, "could not be loaded" otherwise (e.g. a dependency of it is missing).
 */
export const loadDriver = <M>(
  operation: string,
  specifier: string,
  load: () => Promise<M> = () => import(/* @vite-ignore */ specifier) as Promise<M>
): Effect.Effect<M, StorageError> =>
  Effect.tryPromise({
    try: load,
    catch: (cause) =>
      storageError(
        operation,
        new Misconfigured({
          message: isMissing(cause, specifier)
            ? `the "${specifier}" package is not installed: run pnpm add ${specifier} (or npm install ${specifier})`
            : `the "${specifier}" package could not be loaded: ${messageOf(cause)}`,
          cause
        })
      )
  })

/** The `Pool` class of `pg`. */
export const loadPgPool = (operation: string): Effect.Effect<typeof pg.Pool, StorageError> =>
  Effect.map(
    loadDriver(operation, "pg", () => import("pg")),
    (module) => ((module as { default?: typeof pg }).default ?? (module as unknown as typeof pg)).Pool
  )

/** The `PGlite` class of `@electric-sql/pglite`. */
export const loadPGlite = (operation: string): Effect.Effect<typeof PGlite, StorageError> =>
  Effect.map(
    loadDriver(operation, "@electric-sql/pglite", () => import("@electric-sql/pglite")),
    (module) => module.PGlite
  )
