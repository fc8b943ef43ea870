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
import type { Effect } from "effect"
import type { ApiCallError } from "./ApiCallError.js"
import { InvalidApiCallOptions } from "./InvalidApiCallOptions.js"
import { clientOf, clientSettings } from "./internal/client.js"
import type { Lookup } from "./Lookup.js"

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
