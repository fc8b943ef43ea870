/** Checking a deployer's numeric settings, collecting every problem. */

/** `value` when it is an integer from `min` to `max`, `fallback` when it is absent; a problem otherwise. */
export const integer = (
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
  problems: Array<string>
): number => {
  if (value === undefined) return fallback
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= min && value <= max) return value
  problems.push(`${name} must be an integer from ${min} to ${max}`)
  return fallback
}
