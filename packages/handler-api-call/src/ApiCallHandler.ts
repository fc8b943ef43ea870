/**
 * The `api-call` step handler. A deployer makes it with {@link makeApiCallHandler} — the SSRF
 * allow-list, the secret resolver and the caps are theirs, never a template's — and template authors
 * configure each step with an {@link ApiCallConfig}. The step runs by itself when it becomes current
 * (as the system actor): inline during `runAutomaticStep`, or deferred, claimed under a lease by a
 * worker (`run: "deferred"`). Each request carries `Idempotency-Key: context.idempotencyKey`, the
 * same for every retry of one step attempt.
 *
 * @since 0.1.0
 */
import { defineStepHandler, type Json, type StepContext, type StepHandler } from "@workflow-manager/core"
import { Effect } from "effect"
import { ApiCallConfig } from "./ApiCallConfig.js"
import { ApiCallError, toStepHandlerError } from "./ApiCallError.js"
import type { HttpClientOptions } from "./HttpClient.js"
import { InvalidApiCallOptions } from "./InvalidApiCallOptions.js"
import { type ClientSettings, clientOf, clientSettings } from "./internal/client.js"
import { buildRequest } from "./internal/request.js"
import { mapResponse, statusError } from "./internal/response.js"
import { type Backoff, withRetries } from "./internal/retry.js"
import { boundedJsonInput, scopeOf } from "./internal/scope.js"
import { integer } from "./internal/settings.js"
import { type Secrets, secretsFromMap } from "./Secrets.js"

/**
 * The deployer's settings.
 *
 * @since 0.1.0
 * @category handler
 */
export interface ApiCallOptions extends HttpClientOptions {
  /** Resolves `{ secret }` header references (default: none configured). */
  readonly secrets?: Secrets
  /** Per request when a step sets no `timeoutMs` (default 10 000). */
  readonly defaultTimeoutMs?: number
  /** The most a step's `timeoutMs` may ask for (default 60 000). */
  readonly maxTimeoutMs?: number
  /** The most tries of one request within an attempt (default 5). */
  readonly maxAttempts?: number
  /** The backoff cap, `Retry-After` included (default 30 000). */
  readonly maxDelayMs?: number
  /** Largest request body, in bytes (default 256 KiB). */
  readonly maxRequestBytes?: number
}

/**
 * The `api-call` step handler: automatic, deferred when the step says `run: "deferred"`; its input
 * is `null` (or a JSON object when a person runs a deferred step), read by templates as `{{input.…}}`.
 *
 * @since 0.1.0
 * @category handler
 */
export type ApiCallHandler = StepHandler<"api-call", ApiCallConfig, Json, never>

interface Settings {
  readonly client: ClientSettings
  readonly secrets: Secrets
  readonly defaultTimeoutMs: number
  readonly maxTimeoutMs: number
  readonly maxAttempts: number
  readonly maxDelayMs: number
  readonly maxRequestBytes: number
}

const settingsOf = (raw: ApiCallOptions): Settings => {
  const options = typeof raw === "object" && raw !== null ? raw : ({} as ApiCallOptions)
  const problems: Array<string> = []
  const client = clientSettings(options, problems)
  const secrets = options.secrets ?? secretsFromMap({})
  if (typeof secrets !== "object" || secrets === null || typeof secrets.resolve !== "function") {
    problems.push("secrets must have a resolve function")
  }
  const maxTimeoutMs = integer("maxTimeoutMs", options.maxTimeoutMs, 60_000, 1, 600_000, problems)
  const settings: Settings = {
    client,
    secrets,
    maxTimeoutMs,
    defaultTimeoutMs: integer(
      "defaultTimeoutMs",
      options.defaultTimeoutMs,
      Math.min(10_000, maxTimeoutMs),
      1,
      maxTimeoutMs,
      problems
    ),
    maxAttempts: integer("maxAttempts", options.maxAttempts, 5, 1, 20, problems),
    maxDelayMs: integer("maxDelayMs", options.maxDelayMs, 30_000, 0, 600_000, problems),
    maxRequestBytes: integer("maxRequestBytes", options.maxRequestBytes, 256 * 1024, 1, 16 * 1024 * 1024, problems)
  }
  if (problems.length > 0) throw new InvalidApiCallOptions({ problems })
  return settings
}

const scrub = (error: ApiCallError, secrets: ReadonlyArray<string>): ApiCallError => {
  const message = secrets.reduce((m, s) => (s.length > 0 ? m.split(s).join("[redacted]") : m), error.message)
  return message === error.message ? error : new ApiCallError({ ...fieldsOf(error), message })
}

const fieldsOf = (error: ApiCallError) => ({
  reason: error.reason,
  message: error.message,
  ...(error.status === undefined ? {} : { status: error.status }),
  ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs })
})

/**
 * Makes the `api-call` step handler for a deployment; throws {@link InvalidApiCallOptions} listing
 * every bad setting.
 *
 * Template authors then configure each step (see `ApiCallConfig` and the example).
 *
 * @example
 * ```ts
 * import { makeRegistry } from "@workflow-manager/core"
 * import { makeApiCallHandler, secretsFromEnv } from "@workflow-manager/handler-api-call"
 *
 * const apiCall = makeApiCallHandler({
 *   secrets: secretsFromEnv("WM_SECRET_"),
 *   allow: ["registry.internal:8443"],
 *   maxResponseBytes: 256 * 1024,
 *   defaultTimeoutMs: 5000
 * })
 * const handlers = makeRegistry([apiCall])
 *
 * // a step of a template:
 * const step = {
 *   id: "registry",
 *   type: "api-call",
 *   config: {
 *     method: "GET",
 *     url: "https://registry.example/companies/{{step.company.vat}}",
 *     headers: { authorization: { secret: "registry-token" } },
 *     response: { name: "/company/name" }
 *   }
 * }
 * ```
 *
 * @since 0.1.0
 * @category handler
 */
export const makeApiCallHandler = (options: ApiCallOptions = {}): ApiCallHandler => {
  const settings = settingsOf(options)
  const client = clientOf(settings.client)

  const call = (
    config: ApiCallConfig,
    request: NonNullable<ApiCallConfig["compensate"]>,
    context: StepContext,
    extra: { readonly input: Json; readonly output?: Json }
  ) =>
    Effect.gen(function* () {
      const timeoutMs = Math.min(config.timeoutMs ?? settings.defaultTimeoutMs, settings.maxTimeoutMs)
      const backoff: Backoff = {
        maxAttempts: Math.min(config.retry?.maxAttempts ?? 3, settings.maxAttempts),
        initialDelayMs: Math.min(config.retry?.initialDelayMs ?? 200, settings.maxDelayMs),
        maxDelayMs: Math.min(config.retry?.maxDelayMs ?? 5000, settings.maxDelayMs),
        jitter: config.retry?.jitter ?? 0.2
      }
      const built = yield* buildRequest(request, scopeOf(context, extra), settings.secrets, context.idempotencyKey, {
        maxRequestBytes: settings.maxRequestBytes,
        timeoutMs
      })
      const once = client
        .request(built.request)
        .pipe(
          Effect.flatMap((response) =>
            response.status >= 200 && response.status < 300
              ? Effect.succeed(response)
              : Effect.fail(statusError(request.method, built.request.url, response))
          )
        )
      return yield* withRetries(once, backoff).pipe(Effect.mapError((e) => scrub(e, built.secrets)))
    })

  return defineStepHandler({
    type: "api-call",
    description: "Calls an HTTP API (SSRF-guarded) and maps its JSON response into the step's output",
    automatic: true,
    deferred: (config: ApiCallConfig) => config.run === "deferred",
    configSchema: ApiCallConfig,
    inputSchema: boundedJsonInput,
    execute: ({ config, input, context }) =>
      call(config, config, context, { input }).pipe(
        Effect.flatMap((response) => mapResponse(config, response)),
        Effect.mapError(toStepHandlerError)
      ),
    compensate: ({ config, input, output, context }) =>
      config.compensate === undefined
        ? Effect.succeed(null)
        : call(config, config.compensate, context, { input: input ?? null, output: output ?? null }).pipe(
            Effect.map((response): Json => ({ status: response.status })),
            Effect.mapError(toStepHandlerError)
          )
  })
}
