/**
 * The guarded client behind `makeHttpClient` and the handler: its checked settings, the shape
 * check of a request, and the Effect around one exchange.
 */
import { Effect } from "effect"
import { type AllowList, parseAllowList } from "../AddressGuard.js"
import { ApiCallError } from "../ApiCallError.js"
import type { HttpClient, HttpClientOptions, HttpRequest, HttpResponse } from "../HttpClient.js"
import { type Lookup, systemLookup } from "../Lookup.js"
import { integer } from "./settings.js"
import { exchange } from "./transport.js"

const caOf = (ca: unknown, problems: Array<string>): ReadonlyArray<string> | undefined => {
  if (ca === undefined) return undefined
  const list: ReadonlyArray<unknown> = Array.isArray(ca) ? ca : [ca]
  if (list.length === 0 || !list.every((c) => typeof c === "string" && c.includes("-----BEGIN CERTIFICATE-----"))) {
    problems.push("ca must be one or more PEM certificates")
    return undefined
  }
  return list as ReadonlyArray<string>
}

/** The checked settings. */
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
    maxResponseBytes: integer("maxResponseBytes", options.maxResponseBytes, 1024 * 1024, 1, 2 ** 31 - 1, problems),
    maxHeaderBytes: integer("maxHeaderBytes", options.maxHeaderBytes, 16 * 1024, 1024, 1024 * 1024, problems),
    maxRedirects: integer("maxRedirects", options.maxRedirects, 0, 0, 20, problems),
    ca: caOf(options.ca, problems),
    headersTimeoutMs:
      options.headersTimeoutMs === undefined
        ? undefined
        : integer("headersTimeoutMs", options.headersTimeoutMs, 10_000, 1, 3_600_000, problems)
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

export const clientOf = (settings: ClientSettings): HttpClient => ({
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
          lookup: (hostname, lookupSignal) =>
            Effect.runPromise(
              Effect.suspend(() => settings.lookup(hostname)),
              { signal: lookupSignal }
            ),
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
