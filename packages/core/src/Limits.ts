/**
 * Size and depth limits, enforced by core before anything recurses into a caller's value — so a
 * value nested 100,000 levels deep, a cycle or a 5 MB document is refused with a typed error on
 * every store alike, never with a stack overflow or a store-specific failure.
 *
 * The engine checks every operation's whole input against them first; the in-memory adapter checks
 * every document it stores against `maxDocumentBytes`, like the database adapters do (pg-rls uses the
 * same default).
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import type { Issue } from "./DomainError.js"
import { checkJsonValue } from "./internal/guard.js"
import type { Json } from "./Json.js"

/**
 * The limits.
 *
 * @since 0.1.0
 * @category limits
 */
export interface Limits {
  /** The largest JSON document (step input, metadata, one event, a state), in UTF-8 bytes. Default 1 MiB. */
  readonly maxDocumentBytes: number
  /** The deepest nesting of arrays and objects in a document. Default 64. */
  readonly maxDepth: number
  /** The deepest nesting of `all` / `any` / `not` in a route condition. Default 16. */
  readonly maxConditionDepth: number
  /** The most steps a template may have. Default 200. */
  readonly maxSteps: number
}

/**
 * The default limits: 1 MiB documents (the same as pg-rls), 64 levels, 16 condition levels, 200 steps.
 *
 * @since 0.1.0
 * @category limits
 */
export const defaultLimits: Limits = {
  maxDocumentBytes: 1024 * 1024,
  maxDepth: 64,
  maxConditionDepth: 16,
  maxSteps: 200
}

/**
 * Checks that a value is JSON within the limits — plain objects, arrays, strings without NUL or
 * lone surrogates, finite numbers, booleans and `null`; no cycle, no class instance, no function,
 * `Date`, `BigInt` or `undefined` — walking it iteratively and stopping as soon as it is too deep or
 * too large. Returns the problems with their paths under `path`.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { checkJson, defaultLimits } from "@workflow-manager/core"
 *
 * const checked = checkJson({ vat: "BE0403170701", at: new Date() }, defaultLimits, "input")
 * // Result.isFailure(checked) — input.at: a Date is not JSON (send an ISO-8601 string)
 * ```
 *
 * @since 0.1.0
 * @category limits
 */
export const checkJson = (
  value: unknown,
  limits: Pick<Limits, "maxDocumentBytes" | "maxDepth">,
  path = ""
): Result.Result<Json, ReadonlyArray<Issue>> => {
  const issue = checkJsonValue(value, limits, path)
  return issue === undefined ? Result.succeed(value as Json) : Result.fail([issue])
}

/**
 * Resolves partial limits against the defaults; each must be a positive integer (the issues name
 * the bad ones).
 *
 * @example
 * ```ts
 * import { checkLimits } from "@workflow-manager/core"
 *
 * checkLimits({ maxDocumentBytes: 256 * 1024 }) // Result.succeed({ ...defaultLimits, maxDocumentBytes: 262144 })
 * ```
 *
 * @since 0.1.0
 * @category limits
 */
export const checkLimits = (limits: Partial<Limits> | undefined): Result.Result<Limits, ReadonlyArray<Issue>> => {
  if (limits !== undefined && (typeof limits !== "object" || limits === null)) {
    return Result.fail([{ path: "limits", message: "must be an object" }])
  }
  const resolved: { -readonly [K in keyof Limits]: Limits[K] } = { ...defaultLimits }
  const issues: Array<Issue> = []
  for (const key of Object.keys(defaultLimits) as ReadonlyArray<keyof Limits>) {
    const value: unknown = limits?.[key]
    if (value === undefined) continue
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
      issues.push({ path: `limits.${key}`, message: `must be a positive integer, got ${String(value)}` })
    } else resolved[key] = value
  }
  return issues.length > 0 ? Result.fail(issues) : Result.succeed(resolved)
}
