/**
 * Reversible escaping of object keys that MongoDB (and FerretDB) refuse or treat specially: `.`,
 * `$`, NUL, the empty key and `__proto__`. `%` is the escape character, so it is escaped too, and
 * every escaped key decodes to exactly the key it came from.
 *
 * | key | stored as |
 * | --- | --- |
 * | `%` `.` `$` NUL | `%25` `%2E` `%24` `%00` |
 * | `""` (empty) | `%` (a lone `%`, which escaping never produces) |
 * | `__proto__` | `%5F_proto__` |
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters a MongoDB key may not hold
const SPECIAL = /[%.$\u0000]/g
const ESCAPED = /%([0-9A-F]{2})/g

const hex = (char: string): string => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`

/** The stored form of one key. */
export const escapeKey = (key: string): string => {
  if (key === "") return "%"
  if (key === "__proto__") return "%5F_proto__"
  return key.replace(SPECIAL, hex)
}

/** The key a stored key came from. */
export const unescapeKey = (key: string): string =>
  key === "%" ? "" : key.replace(ESCAPED, (_, code: string) => String.fromCharCode(Number.parseInt(code, 16)))

const walk = (value: unknown, map: (key: string) => string): unknown => {
  if (Array.isArray(value)) return value.map((item) => walk(item, map))
  if (value === null || typeof value !== "object" || value instanceof Date) return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value)) {
    // an own data property even for `__proto__`: never a prototype change
    Object.defineProperty(out, map(key), {
      value: walk((value as Record<string, unknown>)[key], map),
      enumerable: true,
      writable: true,
      configurable: true
    })
  }
  return out
}

/** A JSON value with every object key escaped, at any depth. */
export const escapeKeys = (value: unknown): unknown => walk(value, escapeKey)

/** The JSON value a stored value came from. */
export const unescapeKeys = (value: unknown): unknown => walk(value, unescapeKey)
