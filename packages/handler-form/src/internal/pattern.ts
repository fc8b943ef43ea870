/**
 * Patterns: compiled with RE2 (re2js), whose matching time is linear in the input whatever the
 * pattern — no catastrophic backtracking. A pattern must also compile as a JavaScript `u` regular
 * expression, so the exported JSON Schema works in a browser. Compiled patterns are cached.
 */
import { RE2JS } from "re2js"

const cache = new Map<string, RE2JS>()
const CACHE_SIZE = 1_000

/** The compiled pattern, or the reason it is refused. */
export const compilePattern = (pattern: string): RE2JS | string => {
  const known = cache.get(pattern)
  if (known !== undefined) return known
  let compiled: RE2JS
  try {
    compiled = RE2JS.compile(pattern)
  } catch (error) {
    return `is not a supported pattern (RE2 syntax: no backreferences or lookarounds): ${messageOf(error)}`
  }
  try {
    new RegExp(pattern, "u")
  } catch (error) {
    return `is not a valid JavaScript pattern with the u flag: ${messageOf(error)}`
  }
  if (cache.size >= CACHE_SIZE) cache.clear()
  cache.set(pattern, compiled)
  return compiled
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 200)
