/**
 * Reading one configuration variable: trimmed text, a bounded integer, a flag, a list — each
 * malformed value a {@link ConfigError} naming the variable, never a silent default. Shared by the
 * server's configuration (`config.ts`) and the worker's (`workerConfig.ts`).
 *
 * @since 0.1.0
 */

/**
 * A configuration variable with a value the server cannot use.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConfigError extends Error {
  readonly variable: string
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`)
    this.name = "ConfigError"
    this.variable = variable
  }
}

/**
 * The trimmed value of a variable; `undefined` when it is unset or empty.
 *
 * @since 0.1.0
 * @category config
 */
export const text = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const value = env[name]?.trim()
  return value === undefined || value === "" ? undefined : value
}

/**
 * An integer from `min` to `max`, `fallback` when unset.
 *
 * @since 0.1.0
 * @category config
 */
export const integer = (env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number => {
  const raw = text(env, name)
  if (raw === undefined) return fallback
  if (!/^\d{1,12}$/.test(raw)) throw new ConfigError(name, `expected an integer, got "${raw.slice(0, 40)}"`)
  const value = Number(raw)
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`)
  return value
}

/**
 * A flag: `1`, `true`, `yes`, `on` or `0`, `false`, `no`, `off` (any case); `fallback` when unset.
 *
 * @since 0.1.0
 * @category config
 */
export const flag = (env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean => {
  const raw = text(env, name)?.toLowerCase()
  if (raw === undefined) return fallback
  if (["1", "true", "yes", "on"].includes(raw)) return true
  if (["0", "false", "no", "off"].includes(raw)) return false
  throw new ConfigError(name, `expected true or false, got "${raw.slice(0, 40)}"`)
}

/**
 * A comma-separated list, entries trimmed, empty ones dropped.
 *
 * @since 0.1.0
 * @category config
 */
export const list = (raw: string | undefined): ReadonlyArray<string> =>
  raw === undefined
    ? []
    : raw
        .split(",")
        .map((entry) => entry.trim())
        .filter((entry) => entry !== "")
