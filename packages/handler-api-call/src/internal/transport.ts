/**
 * One guarded HTTP exchange on `node:http` / `node:https`: the URL is parsed with WHATWG `URL`, the
 * host resolved once, every address checked, and the connection made to the checked address (the
 * name kept for `Host` and SNI); redirects followed only when allowed, each hop checked the same way;
 * the response read up to a size cap. Every failure is an `ApiCallError`.
 */
import * as http from "node:http"
import * as https from "node:https"
import { isIP } from "node:net"
import type { AllowList } from "../AddressGuard.js"
import { checkAddress } from "../AddressGuard.js"
import { ApiCallError } from "../ApiCallError.js"
import type { HttpResponse } from "../HttpClient.js"

export interface Exchange {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: Uint8Array
  /** Header names dropped when a redirect leaves the origin (the secret-bearing ones). */
  readonly sensitive: ReadonlySet<string>
}

export interface TransportSettings {
  readonly allow: AllowList
  /** Resolves a name; `signal` aborts it when the exchange ends first. */
  readonly lookup: (hostname: string, signal: AbortSignal) => Promise<ReadonlyArray<string>>
  readonly timeoutMs: number
  readonly headersTimeoutMs: number
  readonly maxResponseBytes: number
  readonly maxHeaderBytes: number
  readonly maxRedirects: number
  readonly ca?: ReadonlyArray<string>
}

const fail = (reason: ApiCallError["reason"], message: string, extra: { status?: number } = {}) =>
  new ApiCallError({ reason, message, ...extra })

const alwaysDrop = ["authorization", "cookie", "proxy-authorization"]

/** Headers the client frames and routes by itself; a caller's copies are dropped. */
const framing = new Set(["host", "content-length", "transfer-encoding", "connection", "upgrade"])

const callerHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !framing.has(name.toLowerCase())))

export const parseTarget = (raw: string): URL => {
  if (typeof raw !== "string" || raw.length > 8192) throw fail("InvalidUrl", "the URL is missing or too long")
  if (!URL.canParse(raw)) throw fail("InvalidUrl", "the URL does not parse")
  const url = new URL(raw)
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw fail("InvalidUrl", `the scheme ${JSON.stringify(url.protocol.slice(0, 20))} is not http or https`)
  }
  if (url.username !== "" || url.password !== "") throw fail("InvalidUrl", "the URL carries credentials")
  return url
}

const portOf = (url: URL): number => (url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port))

/** Resolves the URL's host once and checks every address; returns the one to connect to. */
const resolveChecked = async (
  url: URL,
  settings: TransportSettings,
  method: string,
  signal: AbortSignal
): Promise<string> => {
  const bare = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname
  const port = portOf(url)
  let addresses: ReadonlyArray<string>
  if (isIP(bare) !== 0) addresses = [bare]
  else {
    try {
      addresses = await settings.lookup(bare, signal)
    } catch {
      throw fail("DnsFailed", `${method} ${url.origin}: the host name did not resolve`)
    }
    if (!Array.isArray(addresses) || addresses.length === 0) {
      throw fail("DnsFailed", `${method} ${url.origin}: the host name resolved to no address`)
    }
  }
  for (const address of addresses) {
    const refused = checkAddress(address, { host: bare, port }, settings.allow)
    if (refused !== undefined) {
      throw fail("Blocked", `${method} ${url.origin}: refused, it resolves to a ${refused} address`)
    }
  }
  return addresses[0] as string
}

const tlsCodes = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_)/

const networkError = (error: unknown, label: string): ApiCallError => {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined
  if (code === "HPE_HEADER_OVERFLOW") return fail("HeadersTooLarge", `${label}: the response headers are too large`)
  if (typeof code === "string" && tlsCodes.test(code)) {
    return fail("TlsFailed", `${label}: the server's certificate was refused (${code.slice(0, 60)})`)
  }
  return fail("Network", `${label}: the connection failed${typeof code === "string" ? ` (${code.slice(0, 40)})` : ""}`)
}

interface Hop {
  readonly response: http.IncomingMessage
  readonly request: http.ClientRequest
}

/** Sends one request to the checked address; resolves with the response head. */
const send = (url: URL, address: string, request: Exchange, settings: TransportSettings, signal: AbortSignal) =>
  new Promise<Hop>((resolve, reject) => {
    const label = `${request.method} ${url.origin}`
    const bare = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname
    const options: https.RequestOptions = {
      host: address,
      port: portOf(url),
      path: `${url.pathname}${url.search}`,
      method: request.method,
      headers: {
        ...callerHeaders(request.headers),
        host: url.host,
        // explicit, so a DELETE with a body is framed too (Node only chunks POST, PUT and PATCH)
        ...(request.body === undefined ? {} : { "content-length": String(request.body.byteLength) })
      },
      agent: false,
      maxHeaderSize: settings.maxHeaderBytes,
      signal,
      // defence in depth: the host is always an address, so Node never looks it up
      lookup: (_host, _options, callback) =>
        (callback as (e: Error) => void)(new Error("the guarded client never resolves names here")),
      ...(url.protocol === "https:" && isIP(bare) === 0 ? { servername: bare } : {}),
      ...(url.protocol === "https:" && settings.ca !== undefined ? { ca: [...settings.ca] } : {})
    }
    let req: http.ClientRequest
    try {
      req = (url.protocol === "https:" ? https : http).request(options)
    } catch {
      reject(fail("InvalidRequest", `${label}: the request was refused by the HTTP client`))
      return
    }
    const headersTimer = setTimeout(() => {
      req.destroy()
      reject(fail("Timeout", `${label}: no response headers within ${settings.headersTimeoutMs} ms`))
    }, settings.headersTimeoutMs)
    req.on("response", (response) => {
      clearTimeout(headersTimer)
      resolve({ response, request: req })
    })
    req.on("error", (error) => {
      clearTimeout(headersTimer)
      reject(signal.aborted ? fail("Timeout", `${label}: aborted`) : networkError(error, label))
    })
    req.end(request.body === undefined ? undefined : Buffer.from(request.body))
  })

const readBody = (hop: Hop, settings: TransportSettings, label: string) =>
  new Promise<Buffer>((resolve, reject) => {
    const declared = Number(hop.response.headers["content-length"])
    if (Number.isFinite(declared) && declared > settings.maxResponseBytes) {
      hop.request.destroy()
      reject(fail("ResponseTooLarge", `${label}: the response is over ${settings.maxResponseBytes} bytes`))
      return
    }
    const chunks: Array<Buffer> = []
    let size = 0
    hop.response.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > settings.maxResponseBytes) {
        hop.request.destroy()
        reject(fail("ResponseTooLarge", `${label}: the response is over ${settings.maxResponseBytes} bytes`))
        return
      }
      chunks.push(chunk)
    })
    hop.response.on("end", () => resolve(Buffer.concat(chunks, size)))
    hop.response.on("error", (error) => reject(networkError(error, label)))
    hop.response.on("aborted", () => reject(fail("Network", `${label}: the response was cut short`)))
  })

const headersOf = (response: http.IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = Object.create(null)
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return headers
}

const isRedirect = (status: number) =>
  status === 301 || status === 302 || status === 303 || status === 307 || status === 308

/** The request for the next hop: 303 (and 301/302 after a POST) become a GET without a body. */
const follow = (request: Exchange, from: URL, to: URL, status: number): Exchange => {
  const toGet =
    (status === 303 && request.method !== "HEAD") || ((status === 301 || status === 302) && request.method === "POST")
  const crossOrigin = from.origin !== to.origin
  const headers: Record<string, string> = Object.create(null)
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase()
    if (crossOrigin && (request.sensitive.has(lower) || alwaysDrop.includes(lower))) continue
    if (toGet && (lower === "content-type" || lower === "content-length")) continue
    headers[name] = value
  }
  return {
    method: toGet ? "GET" : request.method,
    url: to.href,
    headers,
    ...(toGet || request.body === undefined ? {} : { body: request.body }),
    sensitive: request.sensitive
  }
}

/**
 * Runs the exchange within `settings.timeoutMs` (wall-clock, DNS and redirects included); aborts
 * everything when `signal` aborts (the calling fiber was interrupted).
 */
export const exchange = async (
  first: Exchange,
  settings: TransportSettings,
  signal: AbortSignal
): Promise<HttpResponse> => {
  const controller = new AbortController()
  const abort = () => controller.abort()
  signal.addEventListener("abort", abort, { once: true })
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, settings.timeoutMs)
  const deadline = new Promise<never>((_, reject) =>
    controller.signal.addEventListener(
      "abort",
      () =>
        reject(
          timedOut
            ? fail(
                "Timeout",
                `${first.method} ${safeOrigin(first.url)}: no complete response within ${settings.timeoutMs} ms`
              )
            : fail("Network", "the request was interrupted")
        ),
      { once: true }
    )
  )
  deadline.catch(() => undefined)
  try {
    return await Promise.race([hops(first, settings, controller.signal), deadline])
  } finally {
    // nothing is in flight any more: the exchange settled, or the deadline aborted it
    clearTimeout(timer)
    signal.removeEventListener("abort", abort)
  }
}

const safeOrigin = (raw: string): string => (URL.canParse(raw) ? new URL(raw).origin : "(invalid URL)")

const hops = async (first: Exchange, settings: TransportSettings, signal: AbortSignal): Promise<HttpResponse> => {
  let request = first
  let url = parseTarget(request.url)
  // bounded: one hop more than the redirects allowed
  for (let hop = 0; hop <= settings.maxRedirects; hop++) {
    const address = await resolveChecked(url, settings, request.method, signal)
    const sent = await send(url, address, request, settings, signal)
    const status = sent.response.statusCode ?? 0
    const label = `${request.method} ${url.origin}`
    const location = sent.response.headers.location
    if (settings.maxRedirects > 0 && isRedirect(status) && typeof location === "string") {
      sent.request.destroy()
      if (hop === settings.maxRedirects) {
        throw fail("TooManyRedirects", `${label}: more than ${settings.maxRedirects} redirects`)
      }
      if (!URL.canParse(location, url.href)) throw fail("InvalidUrl", `${label}: the redirect location does not parse`)
      const next = parseTarget(new URL(location, url).href)
      request = follow(request, url, next, status)
      url = next
      continue
    }
    // a redirect not followed is returned without its body
    if (isRedirect(status)) sent.request.destroy()
    const body = isRedirect(status) ? Buffer.alloc(0) : await readBody(sent, settings, label)
    return { status, headers: headersOf(sent.response), body, url: url.href }
  }
  throw fail("TooManyRedirects", `${first.method} ${safeOrigin(first.url)}: too many redirects`)
}
