/**
 * The guarded HTTP client behind the API-call handler, on `node:http` / `node:https`. Before any
 * connection it parses the URL with WHATWG `URL` (which normalises decimal, hex, octal and short
 * IPv4 forms), accepts only http and https, resolves the host name once, checks every resolved
 * address with {@link checkAddress}, and connects to the address it checked — keeping the name for
 * `Host` and TLS (SNI and certificate). Redirects are off unless the deployer allows some; each hop
 * is checked the same way, and secret-bearing headers are dropped when a redirect leaves the
 * origin. The response is read up to a size cap (the download is aborted past it) and the whole
 * exchange is bounded by a wall-clock timeout.
 *
 * @since 0.1.0
 */
import { lookup as dnsLookup } from "node:dns/promises"
import { Effect } from "effect"
import { type AllowList, parseAllowList } from "./AddressGuard.js"
import { ApiCallError } from "./ApiCallError.js"
import { InvalidApiCallOptions } from "./InvalidApiCallOptions.js"
import { exchange } from "./internal/transport.js"

/**
 * A response: status, headers (lower-case names, repeated values joined with `, `), the body as read
 * (at most the size cap), and the URL that answered (after redirects).
 *
 * @since 0.1.0
 * @category client
 */
export interface HttpResponse {
  /** The HTTP status code. */
  readonly status: number
  /** Lower-case header names; repeated values joined with `, `. */
  readonly headers: Readonly<Record<string, string>>
  /** The body as read (at most the size cap; empty for a redirect not followed). */
  readonly body: Buffer
  /** The URL that answered, after any redirects. */
  readonly url: string
}

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

/**
 * The deployer's settings of the guarded client.
 *
 * @since 0.1.0
 * @category client
 */
export interface HttpClientOptions {
  /** Allow-list entries that opt addresses back in: `"host:port"`, `"10.0.0.0/8"`, `"fd12::/64"`, an address. */
  readonly allow?: ReadonlyArray<string>
  /** The resolver (default: {@link systemLookup}); every address it returns is checked. */
  readonly lookup?: Lookup
  /** Largest response body, in bytes (default 1 MiB). */
  readonly maxResponseBytes?: number
  /** Largest response head, in bytes (default 16 KiB). */
  readonly maxHeaderBytes?: number
  /** Redirects followed per request (default 0: a redirect is returned as the response). */
  readonly maxRedirects?: number
  /** Time allowed until the response headers arrive, per hop (default: the request's timeout). */
  readonly headersTimeoutMs?: number
  /**
   * Certificate authorities (PEM) trusted for https instead of Node's defaults — for an internal
   * registry with a private CA. Certificates are always verified against the URL's host name.
   */
  readonly ca?: string | ReadonlyArray<string>
}

/**
 * One request of the guarded client.
 *
 * @since 0.1.0
 * @category client
 */
export interface HttpRequest {
  /** An HTTP method such as `GET`. */
  readonly method: string
  /** An absolute http or https URL. */
  readonly url: string
  /** Header values as sent (the client adds `Host`, and `Content-Length` for a body). */
  readonly headers?: Readonly<Record<string, string>>
  /** The request body, sent as is. */
  readonly body?: Uint8Array
  /** Wall-clock bound of the whole exchange (DNS, redirects and body included). */
  readonly timeoutMs: number
  /** Header names to drop when a redirect leaves the origin (`authorization` and `cookie` always are). */
  readonly sensitiveHeaders?: ReadonlyArray<string>
}

/**
 * The guarded client.
 *
 * @since 0.1.0
 * @category client
 */
export interface HttpClient {
  /** Sends a request; any status is a response, every other outcome an {@link ApiCallError}. */
  readonly request: (request: HttpRequest) => Effect.Effect<HttpResponse, ApiCallError>
}

const positive = (name: string, value: unknown, fallback: number, max: number, problems: Array<string>): number => {
  if (value === undefined) return fallback
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > max) {
    problems.push(`${name} must be an integer from 0 to ${max}`)
    return fallback
  }
  return value
}

const caOf = (ca: unknown, problems: Array<string>): ReadonlyArray<string> | undefined => {
  if (ca === undefined) return undefined
  const list: ReadonlyArray<unknown> = Array.isArray(ca) ? ca : [ca]
  if (list.length === 0 || !list.every((c) => typeof c === "string" && c.includes("-----BEGIN CERTIFICATE-----"))) {
    problems.push("ca must be one or more PEM certificates")
    return undefined
  }
  return list as ReadonlyArray<string>
}

/** The checked settings (internal to the package). */
export interface ClientSettings {
  readonly allow: AllowList
  readonly lookup: Lookup
  readonly maxResponseBytes: number
  readonly maxHeaderBytes: number
  readonly maxRedirects: number
  readonly headersTimeoutMs: number | undefined
  readonly ca: ReadonlyArray<string> | undefined
}

/** Checks the client options, collecting every problem. */
export const clientSettings = (options: HttpClientOptions, problems: Array<string>): ClientSettings => {
  const parsed = parseAllowList(options.allow ?? [])
  if ("problems" in parsed) problems.push(...parsed.problems)
  if (options.lookup !== undefined && typeof options.lookup !== "function") problems.push("lookup must be a function")
  return {
    allow: "allow" in parsed ? parsed.allow : { exact: [], ranges: [] },
    lookup: typeof options.lookup === "function" ? options.lookup : systemLookup,
    maxResponseBytes: positive("maxResponseBytes", options.maxResponseBytes, 1024 * 1024, 2 ** 31 - 1, problems),
    maxHeaderBytes: positive("maxHeaderBytes", options.maxHeaderBytes, 16 * 1024, 1024 * 1024, problems),
    maxRedirects: positive("maxRedirects", options.maxRedirects, 0, 20, problems),
    ca: caOf(options.ca, problems),
    headersTimeoutMs:
      options.headersTimeoutMs === undefined
        ? undefined
        : positive("headersTimeoutMs", options.headersTimeoutMs, 0, 3_600_000, problems) || undefined
  }
}

const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/

/** What is wrong with a request's shape (a caller outside TypeScript may send anything). */
const requestProblem = (request: HttpRequest): string | undefined => {
  if (typeof request !== "object" || request === null) return "the request must be an object"
  if (typeof request.method !== "string" || !token.test(request.method)) return "the method must be an HTTP token"
  if (!Number.isSafeInteger(request.timeoutMs) || request.timeoutMs < 1) return "timeoutMs must be a positive integer"
  if (request.body !== undefined && !(request.body instanceof Uint8Array)) return "the body must be a Uint8Array"
  const headers: unknown = request.headers ?? {}
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) return "headers must be an object"
  for (const [name, value] of Object.entries(headers)) {
    if (!token.test(name) || typeof value !== "string" || /[^\t\x20-\x7e\x80-\xff]/.test(value)) {
      return `the header ${JSON.stringify(name.slice(0, 100))} is not a valid name and string value`
    }
  }
  if (request.sensitiveHeaders !== undefined && !Array.isArray(request.sensitiveHeaders)) {
    return "sensitiveHeaders must be an array"
  }
  return undefined
}

const clientOf = (settings: ClientSettings): HttpClient => ({
  request: (request) => {
    const problem = requestProblem(request)
    if (problem !== undefined) return Effect.fail(new ApiCallError({ reason: "InvalidRequest", message: problem }))
    return Effect.callback<HttpResponse, ApiCallError>((resume, signal) => {
      const timeoutMs = request.timeoutMs
      exchange(
        {
          method: request.method,
          url: request.url,
          headers: request.headers ?? {},
          ...(request.body === undefined ? {} : { body: request.body }),
          sensitive: new Set((request.sensitiveHeaders ?? []).map((h) => String(h).toLowerCase()))
        },
        {
          allow: settings.allow,
          lookup: (hostname) => Effect.runPromise(settings.lookup(hostname)),
          timeoutMs,
          headersTimeoutMs: Math.min(settings.headersTimeoutMs ?? timeoutMs, timeoutMs),
          maxResponseBytes: settings.maxResponseBytes,
          maxHeaderBytes: settings.maxHeaderBytes,
          maxRedirects: settings.maxRedirects,
          ...(settings.ca === undefined ? {} : { ca: settings.ca })
        },
        signal
      ).then(
        (response) => resume(Effect.succeed(response)),
        (error: unknown) =>
          resume(
            Effect.fail(
              error instanceof ApiCallError
                ? error
                : new ApiCallError({ reason: "Network", message: `${request.method}: the request failed` })
            )
          )
      )
    })
  }
})

/**
 * Makes the guarded client; throws {@link InvalidApiCallOptions} listing every bad setting.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { makeHttpClient } from "@workflow-manager/handler-api-call"
 *
 * const client = makeHttpClient({ allow: ["registry.internal:8443"], maxResponseBytes: 256 * 1024 })
 * const response = client.request({ method: "GET", url: "https://registry.example/", timeoutMs: 5000 })
 * ```
 *
 * @since 0.1.0
 * @category client
 */
export const makeHttpClient = (options: HttpClientOptions = {}): HttpClient => {
  const problems: Array<string> = []
  const settings = clientSettings(typeof options === "object" && options !== null ? options : {}, problems)
  if (problems.length > 0) throw new InvalidApiCallOptions({ problems })
  return clientOf(settings)
}

/** The client for already checked settings (used by the handler). */
export const clientFromSettings = clientOf
