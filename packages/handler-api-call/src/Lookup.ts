/**
 * Name resolution for the guarded client: a small function a deployer can replace (a fixed table
 * in tests, a DNS-over-HTTPS resolver, ...). Whatever it returns is checked by the SSRF guard.
 *
 * @since 0.1.0
 */
import { lookup as dnsLookup } from "node:dns/promises"
import { Effect } from "effect"

/**
 * Resolves a host name to its addresses (IPv4 or IPv6, as strings).
 *
 * @since 0.1.0
 * @category client
 */
export type Lookup = (hostname: string) => Effect.Effect<ReadonlyArray<string>, unknown>

/**
 * The operating system's resolver (`dns.lookup`, every address).
 *
 * @since 0.1.0
 * @category client
 */
export const systemLookup: Lookup = (hostname) =>
  Effect.tryPromise(() => dnsLookup(hostname, { all: true, verbatim: true })).pipe(
    Effect.map((found) => found.map((a) => a.address))
  )
