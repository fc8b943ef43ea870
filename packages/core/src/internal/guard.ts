/**
 * The bounded JSON walk behind `checkJson` and every operation's input check: iterative (no
 * recursion, so no stack overflow at any depth), stopping at the first problem, and bounded in work
 * by the byte limit (every visited node counts at least one byte, so cycles and shared references
 * end quickly too).
 */
import type { Issue } from "../DomainError.js"

interface Frame {
  readonly value: unknown
  readonly depth: number
  readonly parent: Frame | undefined
  readonly key: string | number | undefined
}

const pathOf = (base: string, frame: Frame | undefined): string => {
  const keys: Array<string | number> = []
  for (let f = frame; f !== undefined && f.key !== undefined; f = f.parent) keys.push(f.key)
  let out = base
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i] as string | number
    if (typeof key === "number") out += `[${key}]`
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) out += out === "" ? key : `.${key}`
    else out += `[${JSON.stringify(key)}]`
  }
  return out === "" ? "(input)" : out
}

const typeName = (value: unknown): string => {
  if (value === undefined) return "undefined"
  if (typeof value === "bigint") return "a BigInt"
  if (typeof value === "function") return "a function"
  if (typeof value === "symbol") return "a symbol"
  if (value instanceof Date) return "a Date"
  if (value instanceof Map) return "a Map"
  if (value instanceof Set) return "a Set"
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name
  return typeof name === "string" && name !== "" ? `an instance of ${name}` : "an object with a prototype"
}

const badString = (s: string): string | undefined =>
  s.includes("\u0000")
    ? "contains a NUL character, which no store accepts"
    : !s.isWellFormed()
      ? "contains a lone UTF-16 surrogate (not valid Unicode)"
      : undefined

/** Options of {@link checkJsonValue}. */
export interface GuardOptions {
  /** Accept `Date` instances as leaves (for the few inputs that take an instant as a `Date`). */
  readonly allowDate?: boolean
}

/**
 * Checks `value` is JSON within `maxDepth` levels and `maxDocumentBytes` bytes of JSON text; the
 * first problem found, or `undefined`.
 */
export const checkJsonValue = (
  value: unknown,
  limits: { readonly maxDocumentBytes: number; readonly maxDepth: number },
  base: string,
  options: GuardOptions = {}
): Issue | undefined => {
  const max = limits.maxDocumentBytes
  // `lower` never exceeds the real size of the JSON text, `upper` never falls below it.
  let lower = 0
  let upper = 0
  const stack: Array<Frame> = [{ value, depth: 0, parent: undefined, key: undefined }]
  try {
    while (stack.length > 0) {
      const frame = stack.pop() as Frame
      const v = frame.value
      if (lower > max) {
        return { path: pathOf(base, frame), message: `is larger than the limit of ${max} bytes of JSON` }
      }
      switch (typeof v) {
        case "string": {
          const problem = badString(v)
          if (problem !== undefined) return { path: pathOf(base, frame), message: problem }
          lower += v.length + 2
          upper += v.length * 6 + 2
          continue
        }
        case "number":
          if (!Number.isFinite(v)) {
            return { path: pathOf(base, frame), message: `${String(v)} is not a JSON number` }
          }
          lower += 1
          upper += 24
          continue
        case "boolean":
          lower += 4
          upper += 5
          continue
        case "object":
          break
        default:
          return { path: pathOf(base, frame), message: `${typeName(v)} is not JSON` }
      }
      if (v === null) {
        lower += 4
        upper += 4
        continue
      }
      if (frame.depth >= limits.maxDepth) {
        return {
          path: pathOf(base, frame),
          message: `is nested more than ${limits.maxDepth} levels deep (or refers to itself)`
        }
      }
      if (Array.isArray(v)) {
        lower += 2
        upper += 2
        for (let i = v.length - 1; i >= 0; i--) {
          lower += 1
          upper += 1
          stack.push({ value: v[i], depth: frame.depth + 1, parent: frame, key: i })
        }
        if (lower > max)
          return { path: pathOf(base, frame), message: `is larger than the limit of ${max} bytes of JSON` }
        continue
      }
      const proto = Object.getPrototypeOf(v)
      if (proto !== Object.prototype && proto !== null) {
        if (options.allowDate === true && v instanceof Date) {
          lower += 26
          upper += 26
          continue
        }
        const hint = v instanceof Date ? " (send an ISO-8601 string)" : ""
        return { path: pathOf(base, frame), message: `${typeName(v)} is not JSON${hint}` }
      }
      if (Object.getOwnPropertySymbols(v).length > 0) {
        return { path: pathOf(base, frame), message: "an object with symbol keys is not JSON" }
      }
      const keys = Object.keys(v)
      lower += 2
      upper += 2
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string
        const problem = badString(key)
        if (problem !== undefined) {
          return { path: pathOf(base, { value: undefined, depth: 0, parent: frame, key }), message: `key ${problem}` }
        }
        lower += key.length + 4
        upper += key.length * 6 + 4
        stack.push({ value: (v as Record<string, unknown>)[key], depth: frame.depth + 1, parent: frame, key })
      }
      if (lower > max) return { path: pathOf(base, frame), message: `is larger than the limit of ${max} bytes of JSON` }
    }
  } catch (error) {
    return {
      path: pathOf(base, undefined),
      message: `could not be read as JSON: ${error instanceof Error ? error.message : String(error)}`
    }
  }
  if (upper > max) {
    const bytes = Buffer.byteLength(JSON.stringify(value), "utf8")
    if (bytes > max)
      return { path: pathOf(base, undefined), message: `is ${bytes} bytes of JSON, above the limit of ${max}` }
  }
  return undefined
}
