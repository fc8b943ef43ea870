/**
 * What a template author writes in an `api-call` step's `config`: the request (method, URL
 * template, headers with secrets by reference, a JSON body template), the response mapping, the
 * timeout and retry within one attempt, how the step runs, and the compensation request. Checked
 * when the template is published; deployer settings (allow-list, secrets, caps) are never here.
 *
 * @since 0.1.0
 */
import { checkJson, Identifier, type Json } from "@workflow-manager/core"
import { Result, Schema } from "effect"
import { pathProblem } from "./internal/pick.js"
import { parse, urlTemplateProblem } from "./internal/template.js"

const problem = (check: (s: string) => string | undefined) =>
  Schema.makeFilter<string>((s) => {
    const found = check(s)
    return found === undefined ? undefined : found
  })

/**
 * An HTTP method an API call may use.
 *
 * @since 0.1.0
 * @category config
 */
export const HttpMethod = Schema.Literals(["GET", "POST", "PUT", "PATCH", "DELETE"])

/**
 * An HTTP method.
 *
 * @since 0.1.0
 * @category config
 */
export type HttpMethod = typeof HttpMethod.Type

/** Headers the client sets itself (or that would change how the request is framed or routed). */
const reservedHeaders = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "expect",
  "proxy-authorization",
  "proxy-connection",
  "idempotency-key"
])

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/

/** Record keys are checked here, not by a key schema (which would drop a bad key silently). */
const keysProblem = (keys: ReadonlyArray<string>, max: number, check: (key: string) => string | undefined) => {
  if (keys.length > max) return `has more than ${max} entries`
  for (const key of keys) {
    const found = check(key)
    if (found !== undefined) return { path: [key], issue: found }
  }
  return undefined
}

const headerNameProblem = (name: string): string | undefined =>
  !headerName.test(name) || name === "__proto__"
    ? "is not an HTTP header name"
    : reservedHeaders.has(name.toLowerCase())
      ? "is set by the client and may not be configured"
      : undefined

/** A header value: visible ASCII, tabs and spaces — never CR, LF or NUL. */
const HeaderText = Schema.String.check(
  Schema.isMaxLength(4096),
  Schema.isPattern(/^[\t\x20-\x7e]*$/, { expected: "header text without control characters" }),
  problem((s) => {
    const parts = parse(s)
    return typeof parts === "string" ? parts : undefined
  })
)

/**
 * A reference to a deployer's secret, resolved at run time (`{ secret: "registry-token" }`).
 *
 * @since 0.1.0
 * @category config
 */
export const SecretRef = Schema.Struct({ secret: Identifier })

/**
 * A secret reference.
 *
 * @since 0.1.0
 * @category config
 */
export type SecretRef = typeof SecretRef.Type

const Headers = Schema.Record(Schema.String, Schema.Union([HeaderText, SecretRef])).check(
  Schema.makeFilter((h) => keysProblem(Object.keys(h), 50, headerNameProblem))
)

const UrlTemplate = Schema.String.check(Schema.isMaxLength(4096), problem(urlTemplateProblem))

const templateProblems = (value: Json): string | undefined => {
  // bounded: the template is at most 64 KiB and 32 levels deep (checked before)
  const stack: Array<Json> = [value]
  for (let i = 0; stack.length > 0 && i < 100_000; i++) {
    const item = stack.pop() as Json
    if (typeof item === "string") {
      const parts = parse(item)
      if (typeof parts === "string") return `a string ${parts}`
    } else if (Array.isArray(item)) stack.push(...item)
    else if (typeof item === "object" && item !== null) stack.push(...Object.values(item))
  }
  return undefined
}

/** A JSON body template: at most 64 KiB and 32 levels, every `{{variable}}` well-formed. */
const BodyTemplate = Schema.declare(
  (u: unknown): u is Json => Result.isSuccess(checkJson(u, { maxDocumentBytes: 64 * 1024, maxDepth: 32 })),
  { expected: "a JSON body template (at most 64 KiB and 32 levels deep)" }
).check(Schema.makeFilter<Json>((body) => templateProblems(body)))

const RequestFields = {
  method: HttpMethod,
  /** `https://registry.example/companies/{{step.company.vat}}`; each substituted value is percent-encoded. */
  url: UrlTemplate,
  headers: Schema.optionalKey(Headers),
  body: Schema.optionalKey(BodyTemplate)
}

/**
 * A request template: method, URL template, headers and a JSON body template.
 *
 * @since 0.1.0
 * @category config
 */
export const RequestTemplate = Schema.Struct(RequestFields)

/**
 * A request template.
 *
 * @since 0.1.0
 * @category config
 */
export type RequestTemplate = typeof RequestTemplate.Type

const ResponsePath = Schema.String.check(Schema.isMaxLength(1000), problem(pathProblem))

/**
 * Retry within one attempt, on network errors, timeouts, 408, 429 and 5xx. The deployer caps
 * `maxAttempts` and the delays.
 *
 * @since 0.1.0
 * @category config
 */
export const RequestRetry = Schema.Struct({
  maxAttempts: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 20 }))),
  initialDelayMs: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 600_000 }))),
  maxDelayMs: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 600_000 }))),
  jitter: Schema.optionalKey(Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 })))
})

/**
 * A request retry policy.
 *
 * @since 0.1.0
 * @category config
 */
export type RequestRetry = typeof RequestRetry.Type

/**
 * The `config` of an `api-call` step.
 *
 * @since 0.1.0
 * @category config
 */
export const ApiCallConfig = Schema.Struct({
  ...RequestFields,
  /** Output field → JSON Pointer (`/data/name`) or dot path (`data.name`) into the JSON response. */
  response: Schema.optionalKey(
    Schema.Record(Schema.String, ResponsePath).check(
      Schema.makeFilter((m) =>
        keysProblem(Object.keys(m), 100, (k) => (Schema.is(Identifier)(k) ? undefined : "is not an identifier"))
      )
    )
  ),
  /** Per request, capped by the deployer's `maxTimeoutMs`. */
  timeoutMs: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 600_000 }))),
  retry: Schema.optionalKey(RequestRetry),
  /** `inline` (default): during `runAutomaticStep`; `deferred`: claimed under a lease by a worker. */
  run: Schema.optionalKey(Schema.Literals(["inline", "deferred"])),
  /** The request sent on rollback; its templates may read `{{output.…}}`. */
  compensate: Schema.optionalKey(RequestTemplate)
})

/**
 * An `api-call` step's config.
 *
 * @since 0.1.0
 * @category config
 */
export type ApiCallConfig = typeof ApiCallConfig.Type
