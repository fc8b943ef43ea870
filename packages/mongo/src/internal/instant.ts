/**
 * Instants as MongoDB can compare them. Core's instants have 0 to 9 fraction digits, so as strings
 * `…:00Z` sorts after `…:00.5Z`; a `Date` keeps only milliseconds. The adapter stores both a `Date`
 * (coarse server-side filter, never too narrow) and a fixed-width key (exact order, 9 digits).
 */

const INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/

/** The fixed-width form of an instant (`…:00.000000000Z`): string order is time order. */
export const instantKey = (instant: string): string => {
  const match = INSTANT.exec(instant)
  if (match === null) return instant
  return `${match[1]}.${(match[2] ?? "").padEnd(9, "0")}Z`
}

/** The instant as a `Date`, truncated to the millisecond (never after the instant). */
export const instantDate = (instant: string): Date => new Date(Date.parse(`${instantKey(instant).slice(0, 23)}Z`))

/**
 * A fixed-width key back as an instant, in its shortest exact form: milliseconds (as
 * `Date#toISOString` writes them) unless the key has finer digits.
 */
export const keyInstant = (key: string): string => {
  const fraction = key.slice(20, 29)
  const digits = fraction.endsWith("000000") ? 3 : fraction.endsWith("000") ? 6 : 9
  return `${key.slice(0, 20)}${fraction.slice(0, digits)}Z`
}
