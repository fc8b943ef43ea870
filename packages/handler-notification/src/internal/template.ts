/**
 * Message templates: text with `{{path}}` placeholders, parsed once into literal parts and variable
 * paths, then rendered against a scope built from the instance state. There is no code evaluation:
 * a placeholder is a dotted path looked up in plain JSON with own-property reads only.
 *
 * Grammar: `{{` spaces? path spaces? `}}`; a path is `steps.<stepId>.(data|completedAt|completedBy)[.<key>]*`,
 * `metadata[.<key>]*` or `instance.<field>`; a key is letters, digits, `_` or `-` (array indexes are
 * digits). `{{` always opens a placeholder.
 */
import type { Json } from "@workflow-manager/core"

/** A parsed template: literal text and variable references, in order. */
export type Parts = ReadonlyArray<string | Variable>

/** A variable reference. */
export interface Variable {
  readonly path: ReadonlyArray<string>
  /** The path as written, for messages. */
  readonly source: string
}

/** The roots a path may start with. */
export const ROOTS = ["steps", "metadata", "instance"] as const

/** The fields of `instance.<field>`. */
export const INSTANCE_FIELDS = [
  "id",
  "tenantId",
  "templateId",
  "templateVersion",
  "marketRole",
  "createdAt",
  "createdBy"
] as const

/** The fields of `steps.<stepId>.<field>`. */
export const STEP_FIELDS = ["data", "completedAt", "completedBy"] as const

const KEY = /^[A-Za-z0-9_-]{1,200}$/u
const FORBIDDEN = new Set(["__proto__", "prototype", "constructor"])
const MAX_SEGMENTS = 32
const MAX_VARIABLES = 500

const checkPath = (source: string): ReadonlyArray<string> | string => {
  if (source.length === 0) return "an empty placeholder {{}}"
  const path = source.split(".")
  if (path.length > MAX_SEGMENTS) return `{{${source}}} has more than ${MAX_SEGMENTS} segments`
  for (const key of path) {
    if (!KEY.test(key)) return `{{${source}}}: "${key}" is not a key (letters, digits, '_' or '-')`
    if (FORBIDDEN.has(key)) return `{{${source}}}: "${key}" may not be used in a path`
  }
  const [root, second, third] = path
  if (!(ROOTS as ReadonlyArray<string>).includes(root as string)) {
    return `{{${source}}}: a path starts with ${ROOTS.join(", ")}`
  }
  if (
    root === "instance" &&
    (path.length !== 2 || !(INSTANCE_FIELDS as ReadonlyArray<string>).includes(second as string))
  ) {
    return `{{${source}}}: instance has the fields ${INSTANCE_FIELDS.join(", ")}`
  }
  if (root === "steps" && (third === undefined || !(STEP_FIELDS as ReadonlyArray<string>).includes(third))) {
    return `{{${source}}}: write steps.<stepId>.data (or .completedAt, .completedBy)`
  }
  if (root === "steps" && third !== "data" && path.length > 3) {
    return `{{${source}}}: steps.<stepId>.${third} has no fields`
  }
  return path
}

/** Parses a template; a string is the first problem found. */
export const parseTemplate = (text: string): Parts | string => {
  const parts: Array<string | Variable> = []
  let variables = 0
  let at = 0
  while (at < text.length) {
    const open = text.indexOf("{{", at)
    if (open === -1) {
      parts.push(text.slice(at))
      break
    }
    if (open > at) parts.push(text.slice(at, open))
    const close = text.indexOf("}}", open + 2)
    if (close === -1) return `"{{" at ${open} is not closed by "}}"`
    const source = text.slice(open + 2, close).trim()
    if (source.includes("{{")) return `"{{" at ${open} is not closed by "}}" before the next "{{"`
    const path = checkPath(source)
    if (typeof path === "string") return path
    if (++variables > MAX_VARIABLES) return `more than ${MAX_VARIABLES} placeholders`
    parts.push({ path, source })
    at = close + 2
  }
  return parts
}

/** Looks a path up in a JSON scope with own-property reads only; `undefined` when absent. */
export const lookup = (scope: Json, path: ReadonlyArray<string>): Json | undefined => {
  let current: Json | undefined = scope
  for (const key of path) {
    if (Array.isArray(current)) {
      current = /^\d+$/u.test(key) ? current[Number(key)] : undefined
    } else if (typeof current === "object" && current !== null && Object.hasOwn(current, key)) {
      current = (current as { readonly [k: string]: Json })[key]
    } else return undefined
  }
  return current
}

/** What went wrong while rendering: the variables that had no value, and those that were not text. */
export interface RenderProblems {
  readonly missing: ReadonlyArray<string>
  readonly notText: ReadonlyArray<string>
}

/** A rendered text, or its problems. */
export type Rendered<A> = { readonly ok: true; readonly value: A } | ({ readonly ok: false } & RenderProblems)

const textOf = (value: Json): string | undefined =>
  typeof value === "string"
    ? value
    : typeof value === "number" || typeof value === "boolean"
      ? String(value)
      : undefined

/** Renders parts as text, passing every value through `encode`. Absent or `null` values are missing. */
export const renderText = (
  parts: Parts,
  scope: Json,
  encode: (text: string) => string = (t) => t
): Rendered<string> => {
  const missing: Array<string> = []
  const notText: Array<string> = []
  let out = ""
  for (const part of parts) {
    if (typeof part === "string") {
      out += part
      continue
    }
    const value = lookup(scope, part.path)
    if (value === undefined || value === null) missing.push(part.source)
    else {
      const text = textOf(value)
      if (text === undefined) notText.push(part.source)
      else out += encode(text)
    }
  }
  return missing.length > 0 || notText.length > 0 ? { ok: false, missing, notText } : { ok: true, value: out }
}

/** Escapes text for HTML element content and attribute values. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/gu, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"
  )
