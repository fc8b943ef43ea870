/**
 * The secret resolver: the small port through which the API-call handler turns a header's
 * `{ secret: "registry-token" }` reference into its value at run time. Templates only ever name a
 * secret; the value lives with the deployer, travels as an Effect `Redacted`, and is never written
 * to an event, to step data, to an error message or to a log.
 *
 * @since 0.1.0
 */
import { Effect, Redacted, Schema } from "effect"
import { InvalidApiCallOptions } from "./InvalidApiCallOptions.js"

/**
 * The resolver does not know the secret (the name is not secret; the value never appears).
 *
 * @since 0.1.0
 * @category secrets
 */
export class SecretNotFound extends Schema.TaggedError<SecretNotFound>()("SecretNotFound", {
  name: Schema.String,
  message: Schema.String
}) {}

/**
 * Resolves secret names to values at run time.
 *
 * @since 0.1.0
 * @category secrets
 */
export interface Secrets {
  /** The value of the secret `name`, at the moment of the call; {@link SecretNotFound} when there is none. */
  readonly resolve: (name: string) => Effect.Effect<Redacted.Redacted<string>, SecretNotFound>
}

const notFound = (name: string) =>
  new SecretNotFound({ name: name.slice(0, 200), message: `the secret "${name.slice(0, 200)}" is not configured` })

/**
 * Secrets from a fixed map, copied when called (own properties only). For tests and for deployers
 * who load their secrets themselves.
 *
 * @example
 * ```ts
 * import { secretsFromMap } from "@workflow-manager/handler-api-call"
 *
 * const secrets = secretsFromMap({ "registry-token": "s3cr3t" })
 * ```
 *
 * @since 0.1.0
 * @category secrets
 */
export const secretsFromMap = (map: Readonly<Record<string, string>> | ReadonlyMap<string, string>): Secrets => {
  const values = new Map<string, Redacted.Redacted<string>>()
  const entries =
    map instanceof Map ? [...map.entries()] : typeof map === "object" && map !== null ? Object.entries(map) : []
  for (const [name, value] of entries) {
    if (typeof name === "string" && typeof value === "string" && value !== "") values.set(name, Redacted.make(value))
  }
  return {
    resolve: (name) => {
      const value = typeof name === "string" ? values.get(name) : undefined
      return value === undefined ? Effect.fail(notFound(String(name))) : Effect.succeed(value)
    }
  }
}

/**
 * The environment variable a secret name maps to under a prefix: upper case, every character other
 * than a letter or digit becomes `_` (`"registry-token"` under `"WM_SECRET_"` is
 * `WM_SECRET_REGISTRY_TOKEN`).
 *
 * @since 0.1.0
 * @category secrets
 */
export const secretEnvName = (prefix: string, name: string): string =>
  `${prefix}${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`

/**
 * Secrets from environment variables under a prefix, read at each resolution (so a rotated value is
 * picked up). An unset or empty variable is {@link SecretNotFound}; a bad prefix throws
 * {@link InvalidApiCallOptions}.
 *
 * @example
 * ```ts
 * import { secretsFromEnv } from "@workflow-manager/handler-api-call"
 *
 * // { secret: "registry-token" } reads process.env.WM_SECRET_REGISTRY_TOKEN
 * const secrets = secretsFromEnv("WM_SECRET_")
 * ```
 *
 * @since 0.1.0
 * @category secrets
 */
export const secretsFromEnv = (
  prefix: string,
  env: Readonly<Record<string, string | undefined>> = process.env
): Secrets => {
  if (typeof prefix !== "string" || !/^[A-Za-z_][A-Za-z0-9_]{0,100}$/.test(prefix)) {
    throw new InvalidApiCallOptions({
      problems: ["secretsFromEnv: the prefix must be letters, digits and _ (such as WM_SECRET_)"]
    })
  }
  return {
    resolve: (name) =>
      Effect.suspend(() => {
        const key = typeof name === "string" ? secretEnvName(prefix, name) : undefined
        const value = key !== undefined && Object.hasOwn(env, key) ? env[key] : undefined
        return typeof value === "string" && value !== ""
          ? Effect.succeed(Redacted.make(value))
          : Effect.fail(notFound(String(name)))
      })
  }
}
