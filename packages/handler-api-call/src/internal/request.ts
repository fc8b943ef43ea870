/**
 * Turns a request template into a request: the URL and header templates rendered (URL values
 * percent-encoded), secret references resolved through the deployer's resolver, the JSON body
 * rendered and size-checked, and the `Idempotency-Key` set.
 */
import { checkJson } from "@workflow-manager/core"
import { Effect, Redacted, Result } from "effect"
import type { RequestTemplate } from "../ApiCallConfig.js"
import { ApiCallError } from "../ApiCallError.js"
import type { HttpRequest } from "../HttpClient.js"
import type { Secrets } from "../Secrets.js"
import { RenderError, renderJson, renderString, renderUrl, type Scope } from "./template.js"

export interface Built {
  readonly request: HttpRequest
  /** The resolved secret values, to scrub from any message. */
  readonly secrets: ReadonlyArray<string>
}

const invalid = (message: string) => new ApiCallError({ reason: "InvalidRequest", message })

const render = <A>(what: string, f: () => A): Effect.Effect<A, ApiCallError> =>
  Effect.try({
    try: f,
    catch: (e) => invalid(`${what}: ${e instanceof RenderError ? e.message : "does not render"}`)
  })

export interface RequestLimits {
  readonly maxRequestBytes: number
  readonly timeoutMs: number
}

export const buildRequest = (
  template: RequestTemplate,
  scope: Scope,
  secrets: Secrets,
  idempotencyKey: string,
  limits: RequestLimits
): Effect.Effect<Built, ApiCallError> =>
  Effect.gen(function* () {
    const url = yield* render("the URL", () => renderUrl(template.url, scope))
    const headers: Record<string, string> = Object.create(null)
    const sensitive: Array<string> = []
    const values: Array<string> = []
    for (const [name, value] of Object.entries(template.headers ?? {})) {
      if (typeof value === "string") {
        const text = yield* render(`the header ${name}`, () => renderString(value, scope))
        if (/[^\t\x20-\x7e\x80-\xff]/.test(text))
          return yield* invalid(`the header ${name} renders to control characters`)
        headers[name] = text
        continue
      }
      const secret = yield* secrets
        .resolve(value.secret)
        .pipe(Effect.mapError((e) => new ApiCallError({ reason: "SecretNotFound", message: e.message })))
      const text = Redacted.value(secret)
      if (typeof text !== "string" || /[^\t\x20-\x7e\x80-\xff]/.test(text)) {
        return yield* new ApiCallError({
          reason: "InvalidRequest",
          message: `the secret "${value.secret}" is not a valid header value`
        })
      }
      headers[name] = text
      sensitive.push(name)
      values.push(text)
    }
    headers["idempotency-key"] = idempotencyKey
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "accept")) headers.accept = "application/json"
    let body: Uint8Array | undefined
    if (template.body !== undefined) {
      const rendered = yield* render("the body", () => renderJson(template.body as never, scope))
      const checked = checkJson(rendered, { maxDocumentBytes: limits.maxRequestBytes, maxDepth: 64 }, "body")
      if (Result.isFailure(checked)) {
        return yield* new ApiCallError({
          reason: "RequestTooLarge",
          message: `the body is over ${limits.maxRequestBytes} bytes or 64 levels`
        })
      }
      body = Buffer.from(JSON.stringify(rendered), "utf8")
      if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
        headers["content-type"] = "application/json"
      }
    }
    return {
      request: {
        method: template.method,
        url,
        headers,
        ...(body === undefined ? {} : { body }),
        timeoutMs: limits.timeoutMs,
        sensitiveHeaders: sensitive
      },
      secrets: values
    }
  })
