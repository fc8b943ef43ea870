/**
 * A real service that some tests need (PostgreSQL, a MongoDB-wire server), how to find it and how
 * to prove it answers.
 *
 * The URL comes from the service's environment variable, else its default. A probe performs a real
 * round trip (`select 1`, `ping`) and rejects when the service does not answer.
 */
export interface Service {
  /** Human name used in messages, e.g. `"PostgreSQL"`, `"FerretDB"`. */
  readonly name: string
  /** Environment variable holding the URL, e.g. `"DATABASE_URL"`. */
  readonly envVar: string
  /** URL used when the environment variable is unset. */
  readonly defaultUrl: string
  /** Resolves when the service at `url` answers a real request; rejects otherwise. */
  readonly probe: (url: string) => Promise<void>
}

/** The URL tests should use for `service`: its environment variable, else its default. */
export const serviceUrl = (service: Service): string => {
  const fromEnv = process.env[service.envVar]
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : service.defaultUrl
}

/** True when `REQUIRE_SERVICES=1`: a missing service is then a failure, not a skip. */
export const servicesRequired = (): boolean => process.env.REQUIRE_SERVICES === "1"
