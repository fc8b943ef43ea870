/** Calendar dates (`YYYY-MM-DD`, UTC), compared as strings. */

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/

/** Whether `value` is a real calendar date written `YYYY-MM-DD` (no 2026-02-30). */
export const isIsoDate = (value: string): boolean => {
  const match = datePattern.exec(value)
  if (match === null) return false
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
  return date.toISOString().slice(0, 10) === value
}

/** The UTC date of an ISO instant. */
export const dayOf = (instant: string): string => instant.slice(0, 10)

/** `date` plus `days` (negative: minus). */
export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10)
