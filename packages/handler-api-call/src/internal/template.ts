/**
 * `{{root.path}}` templates: parsed once, rendered against a scope of JSON values by looking up own
 * properties only (no code, no prototype, no getters). URL parts are percent-encoded; a body value
 * that is exactly one variable keeps the variable's JSON type.
 */
import type { Json } from "@workflow-manager/core"

/** Roots a template may read: other steps' data, instance metadata, the step input, the instance, and (when compensating) the output. */
export const roots = ["step", "metadata", "input", "instance", "output"] as const

export type Scope = Readonly<Partial<Record<(typeof roots)[number], Json>>>

type Part = string | { readonly path: ReadonlyArray<string>; readonly source: string }

const variable = /\{\{\s*([^{}\s]*)\s*\}\}/g
const segment = /^[A-Za-z0-9_-]{1,200}$/
const MAX_VARIABLES = 64

/** Parses a template into literal and variable parts, or says what is wrong with it. */
export const parse = (template: string): ReadonlyArray<Part> | string => {
  const parts: Array<Part> = []
  let last = 0
  let count = 0
  for (const match of template.matchAll(variable)) {
    if (++count > MAX_VARIABLES) return `more than ${MAX_VARIABLES} variables`
    const source = match[1] as string
    const path = source.split(".")
    if (!roots.includes(path[0] as (typeof roots)[number])) {
      return `{{${source.slice(0, 100)}}} must start with one of ${roots.join(", ")}`
    }
    if (path.length < 2 && path[0] !== "input" && path[0] !== "output") {
      return `{{${source.slice(0, 100)}}} names no field`
    }
    if (!path.every((s) => segment.test(s))) return `{{${source.slice(0, 100)}}} is not a dotted path`
    parts.push(template.slice(last, match.index), { path, source })
    last = match.index + match[0].length
  }
  const rest = template.slice(last)
  parts.push(rest)
  if (parts.some((p) => typeof p === "string" && (p.includes("{{") || p.includes("}}")))) {
    return "has an unbalanced {{ or }}"
  }
  return parts.filter((p) => p !== "")
}

const own = (value: Json | undefined, key: string): Json | undefined => {
  if (Array.isArray(value)) return /^(0|[1-9]\d{0,8})$/.test(key) ? value[Number(key)] : undefined
  if (typeof value === "object" && value !== null && Object.hasOwn(value, key)) {
    return (value as { readonly [k: string]: Json })[key]
  }
  return undefined
}

/** Follows own properties (and array indexes) along `path`; `undefined` when something is missing. */
export const lookup = (root: Json | undefined, path: ReadonlyArray<string>): Json | undefined => {
  let current = root
  for (const key of path) {
    current = own(current, key)
    if (current === undefined) return undefined
  }
  return current
}

const resolve = (scope: Scope, part: Exclude<Part, string>): Json | undefined => {
  const [root, ...rest] = part.path
  return lookup(scope[root as (typeof roots)[number]], rest)
}

export class RenderError {
  constructor(readonly message: string) {}
}

const scalar = (scope: Scope, part: Exclude<Part, string>): string => {
  const value = resolve(scope, part)
  if (value === undefined) throw new RenderError(`{{${part.source}}} is not set`)
  if (typeof value === "object") throw new RenderError(`{{${part.source}}} is not a string, number or boolean`)
  return String(value)
}

/** Renders a string template; each substituted value goes through `encode`. */
export const renderString = (template: string, scope: Scope, encode: (s: string) => string = (s) => s): string => {
  const parts = parse(template)
  if (typeof parts === "string") throw new RenderError(`the template ${parts}`)
  return parts.map((p) => (typeof p === "string" ? p : encode(scalar(scope, p)))).join("")
}

/** Percent-encodes a URL value; `.` and `..` are refused (a whole path segment of them would climb the path). */
const encodeUrlValue = (value: string): string => {
  if (value === "." || value === "..") throw new RenderError(`a URL value may not be "${value}"`)
  return encodeURIComponent(value)
}

/** Renders a URL template, percent-encoding every substituted value. */
export const renderUrl = (template: string, scope: Scope): string => renderString(template, scope, encodeUrlValue)

/** Renders a JSON template: a string that is one variable takes its JSON value; others are string templates. */
export const renderJson = (template: Json, scope: Scope): Json => {
  if (typeof template === "string") {
    const parts = parse(template)
    if (typeof parts === "string") throw new RenderError(`a body template ${parts}`)
    const only = parts[0]
    if (parts.length === 1 && typeof only === "object") {
      const value = resolve(scope, only)
      if (value === undefined) throw new RenderError(`{{${only.source}}} is not set`)
      return value
    }
    return parts.map((p) => (typeof p === "string" ? p : scalar(scope, p))).join("")
  }
  if (Array.isArray(template)) return template.map((item) => renderJson(item, scope))
  if (typeof template === "object" && template !== null) {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, renderJson(v, scope)]))
  }
  return template
}

/**
 * Whether a URL template, its variables replaced by a placeholder, is an http(s) URL whose scheme,
 * host and port are written out: variables may only appear in the path, query or fragment, so no
 * data can choose where a request (and its secret headers) goes.
 */
export const urlTemplateProblem = (template: string): string | undefined => {
  const parts = parse(template)
  if (typeof parts === "string") return parts
  const head = typeof parts[0] === "string" ? parts[0] : ""
  if (parts.length > 1 && !/^https?:\/\/[^/?#{}]+[/?#]/i.test(head)) {
    return "must spell out its scheme, host and port; variables may only appear after them (in the path or query)"
  }
  const sample = parts.map((p) => (typeof p === "string" ? p : "x")).join("")
  if (!URL.canParse(sample)) return "is not a URL"
  const protocol = new URL(sample).protocol
  return protocol === "http:" || protocol === "https:" ? undefined : "must be an http or https URL"
}
