/**
 * Durations as ISO-8601 strings (`P2D`, `PT4H`, `P3M`, `-P90D`), the unit of template deadlines, and
 * calendar arithmetic on instants in UTC: years and months move the calendar date (clamped to the
 * last day of a shorter month: 31 January + `P1M` is 28 or 29 February), weeks, days and smaller
 * units move the clock by fixed amounts. A leading `-` turns the whole duration around ("90 days
 * before"). Working days are not modelled yet: state them in calendar days.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

const PATTERN =
  /^(-)?P(?!$)(?:(\d{1,4})Y)?(?:(\d{1,5})M)?(?:(\d{1,5})W)?(?:(\d{1,6})D)?(?:T(?=\d)(?:(\d{1,7})H)?(?:(\d{1,9})M)?(?:(\d{1,10})S)?)?$/u

/**
 * An ISO-8601 duration such as `P2D`, `PT36H`, `P3M` or `-P90D` (years, months, weeks, days, hours,
 * minutes, whole seconds; an optional leading `-`).
 *
 * @since 0.1.0
 * @category durations
 */
export const Duration = Schema.String.check(
  Schema.isPattern(PATTERN, { expected: "an ISO-8601 duration such as P2D, PT4H, P3M or -P90D" })
)

/**
 * An ISO-8601 duration string.
 *
 * @since 0.1.0
 * @category durations
 */
export type Duration = string

interface Parts {
  readonly sign: 1 | -1
  readonly years: number
  readonly months: number
  readonly millis: number
}

const parse = (duration: string): Parts | undefined => {
  const m = PATTERN.exec(duration)
  if (m === null) return undefined
  const n = (i: number): number => (m[i] === undefined ? 0 : Number(m[i]))
  return {
    sign: m[1] === "-" ? -1 : 1,
    years: n(2),
    months: n(3),
    millis: ((n(4) * 7 + n(5)) * 24 * 3600 + n(6) * 3600 + n(7) * 60 + n(8)) * 1000
  }
}

/**
 * The instant `duration` after `instant` (before it for a negative duration), as an ISO-8601 UTC
 * instant; `undefined` when either is malformed or the result is out of range.
 *
 * @example
 * ```ts
 * import { addDuration } from "@workflow-manager/core"
 *
 * addDuration("2027-03-31T00:00:00.000Z", "-P90D") // "2026-12-31T00:00:00.000Z"
 * addDuration("2026-01-31T12:00:00.000Z", "P1M") // "2026-02-28T12:00:00.000Z"
 * ```
 *
 * @since 0.1.0
 * @category durations
 */
export const addDuration = (instant: string | number, duration: string): string | undefined => {
  const parts = parse(duration)
  const start = typeof instant === "number" ? instant : Date.parse(instant)
  if (parts === undefined || Number.isNaN(start)) return undefined
  const date = new Date(start)
  const totalMonths = parts.sign * (parts.years * 12 + parts.months)
  if (totalMonths !== 0) {
    const day = date.getUTCDate()
    date.setUTCDate(1)
    date.setUTCMonth(date.getUTCMonth() + totalMonths)
    const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate()
    date.setUTCDate(Math.min(day, lastDay))
  }
  const ms = date.getTime() + parts.sign * parts.millis
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined
  return new Date(ms).toISOString()
}
