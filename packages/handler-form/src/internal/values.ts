/** Small reads of unknown values that never throw. */

/** A non-null, non-array object (JSON object). */
export const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** A key as it may appear in a path: at most 64 characters (a longer one is cut, with `…`). */
export const keyForPath = (key: string): string => (key.length > 64 ? `${key.slice(0, 64)}…` : key)

/** Appends a property to a path: `company.vat`, or `company["a.b"]` for a key that is not a plain name. */
export const pathOf = (base: string, key: string): string =>
  /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key)
    ? base === ""
      ? key
      : `${base}.${key}`
    : `${base}[${JSON.stringify(keyForPath(key))}]`

/** Appends an index to a path: `contacts[2]`. */
export const indexOf = (base: string, index: number): string => `${base}[${index}]`
