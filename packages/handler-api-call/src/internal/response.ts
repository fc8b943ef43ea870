/**
 * From a response to the step's output: a non-2xx status is an `HttpStatus` error (with the
 * server's `Retry-After`); a 2xx JSON body is mapped field by field (a missing field is `null`);
 * without a mapping the output is `{ status }`.
 */
import { checkJson, type Json } from "@workflow-manager/core"
import { Effect, Result } from "effect"
import type { ApiCallConfig } from "../ApiCallConfig.js"
import { ApiCallError } from "../ApiCallError.js"
import type { HttpResponse } from "../HttpClient.js"
import { pick } from "./pick.js"
import { retryAfterMs } from "./retry.js"

const originOf = (url: string): string => (URL.canParse(url) ? new URL(url).origin : "(invalid URL)")

export const statusError = (method: string, url: string, response: HttpResponse): ApiCallError => {
  const wait = retryAfterMs(response.headers)
  return new ApiCallError({
    reason: "HttpStatus",
    status: response.status,
    message: `${method} ${originOf(url)}: the server answered ${response.status}`,
    ...(wait === undefined ? {} : { retryAfterMs: wait })
  })
}

const invalid = (message: string) => new ApiCallError({ reason: "InvalidResponse", message })

export const mapResponse = (config: ApiCallConfig, response: HttpResponse): Effect.Effect<Json, ApiCallError> => {
  if (config.response === undefined) return Effect.succeed({ status: response.status })
  const mapping = config.response
  return Effect.gen(function* () {
    const text = response.body.toString("utf8")
    const document = yield* Effect.try({
      try: (): Json => JSON.parse(text),
      catch: () => invalid(`${originOf(response.url)}: the response is not JSON`)
    })
    const output: Record<string, Json> = Object.create(null)
    for (const [field, path] of Object.entries(mapping)) output[field] = pick(document, path) ?? null
    const checked = checkJson({ ...output }, { maxDocumentBytes: response.body.length + 1024, maxDepth: 64 })
    if (Result.isFailure(checked)) return yield* invalid(`${originOf(response.url)}: a mapped field is nested too deep`)
    return { ...output }
  })
}
