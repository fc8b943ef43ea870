/**
 * JSON body templates: any JSON value whose strings may hold placeholders. A string that is exactly
 * one placeholder (`"{{steps.company.data}}"`) is replaced by the value itself (any JSON); any other
 * string is rendered as text. Keys are literal. Walks are iterative-depth-bounded and refuse
 * `__proto__` keys.
 */
import type { Json } from "@workflow-manager/core"
import { lookup, parseTemplate, type Rendered, type RenderProblems, renderText } from "./template.js"

/** The deepest nesting a body template may have. */
export const MAX_BODY_DEPTH = 32

const isObject = (value: Json): value is { readonly [key: string]: Json } =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Checks a body template; returns the first problem with its path (under `body`), or undefined. */
export const checkJsonTemplate = (
  value: Json,
  path: ReadonlyArray<string | number> = [],
  depth = 0
): { readonly path: ReadonlyArray<string | number>; readonly message: string } | undefined => {
  if (depth > MAX_BODY_DEPTH) return { path, message: `nested deeper than ${MAX_BODY_DEPTH} levels` }
  if (typeof value === "string") {
    const parts = parseTemplate(value)
    return typeof parts === "string" ? { path, message: parts } : undefined
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const problem = checkJsonTemplate(item, [...path, i], depth + 1)
      if (problem !== undefined) return problem
    }
    return undefined
  }
  if (isObject(value)) {
    for (const key of Object.keys(value)) {
      if (key === "__proto__") return { path: [...path, key], message: `the key "__proto__" is not allowed` }
      const problem = checkJsonTemplate(value[key] as Json, [...path, key], depth + 1)
      if (problem !== undefined) return problem
    }
  }
  return undefined
}

const WHOLE = /^\{\{\s*([^{}]*?)\s*\}\}$/u

/** Renders a (checked) body template against a scope. */
export const renderJson = (template: Json, scope: Json): Rendered<Json> => {
  const missing: Array<string> = []
  const notText: Array<string> = []
  const walk = (value: Json, depth: number): Json => {
    if (depth > MAX_BODY_DEPTH) {
      notText.push("(body nested too deeply)")
      return null
    }
    if (typeof value === "string") {
      const parts = parseTemplate(value)
      if (typeof parts === "string") {
        notText.push(parts)
        return null
      }
      const whole = WHOLE.exec(value)
      const only = parts.length === 1 ? parts[0] : undefined
      if (whole !== null && only !== undefined && typeof only !== "string") {
        const found = lookup(scope, only.path)
        if (found === undefined) missing.push(only.source)
        return found ?? null
      }
      const rendered = renderText(parts, scope)
      if (rendered.ok) return rendered.value
      missing.push(...rendered.missing)
      notText.push(...rendered.notText)
      return null
    }
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1))
    if (isObject(value)) {
      return Object.fromEntries(
        Object.keys(value)
          .filter((key) => key !== "__proto__")
          .map((key) => [key, walk(value[key] as Json, depth + 1)])
      )
    }
    return value
  }
  const value = walk(template, 0)
  const problems: RenderProblems = { missing, notText }
  return missing.length > 0 || notText.length > 0 ? { ok: false, ...problems } : { ok: true, value }
}
