/**
 * The one error of the guarded HTTP client and of the API-call handler's own checks, with a closed
 * `reason`, and its mapping into core's `StepHandlerError` (the only failure a handler reports).
 *
 * @since 0.1.0
 */
import { StepHandlerError } from "@workflow-manager/core"
import { Schema } from "effect"

/**
 * Why a request was not made or did not succeed:
 *
 * | reason | meaning | retryable |
 * | --- | --- | --- |
 * | `InvalidUrl` | not a URL, a scheme other than http/https, or credentials in it | no |
 * | `Blocked` | the SSRF guard refused the address (after DNS resolution) | no |
 * | `InvalidRequest` | a bad method, header, body, or a template that does not render | no |
 * | `RequestTooLarge` | the request body is over the deployer's cap | no |
 * | `SecretNotFound` | a `{ secret }` reference the resolver does not know | no |
 * | `DnsFailed` | the host name did not resolve | yes |
 * | `Network` | the connection failed or was reset | yes |
 * | `TlsFailed` | the server's certificate is not trusted or not for the URL's host name | no |
 * | `Timeout` | no complete response within the timeout | yes |
 * | `ResponseTooLarge` | the response body passed the size cap (the download was aborted) | no |
 * | `HeadersTooLarge` | the response headers passed the header size cap | no |
 * | `TooManyRedirects` | more redirects than the deployer allows | no |
 * | `HttpStatus` | the server answered with a status that is not a success (`status` set) | 408, 429, 5xx |
 * | `InvalidResponse` | the response is not JSON where a mapping needs it, or too deep | no |
 *
 * @since 0.1.0
 * @category errors
 */
export const ApiCallErrorReason = Schema.Literals([
  "InvalidUrl",
  "Blocked",
  "InvalidRequest",
  "RequestTooLarge",
  "SecretNotFound",
  "DnsFailed",
  "Network",
  "TlsFailed",
  "Timeout",
  "ResponseTooLarge",
  "HeadersTooLarge",
  "TooManyRedirects",
  "HttpStatus",
  "InvalidResponse"
])

/**
 * A reason of {@link ApiCallError}.
 *
 * @since 0.1.0
 * @category errors
 */
export type ApiCallErrorReason = typeof ApiCallErrorReason.Type

/**
 * A failed API call. Its `message` never carries a secret, a header value or a response body.
 *
 * @since 0.1.0
 * @category errors
 */
export class ApiCallError extends Schema.TaggedError<ApiCallError>()("ApiCallError", {
  reason: ApiCallErrorReason,
  message: Schema.String,
  status: Schema.optionalKey(Schema.Int),
  /** Milliseconds the server asked to wait (`Retry-After`), when it did. */
  retryAfterMs: Schema.optionalKey(Schema.Number)
}) {
  /** Whether a later try may succeed: network trouble, timeouts, 408, 429 and 5xx. */
  get isRetryable(): boolean {
    return isRetryable(this.reason, this.status)
  }
}

const isRetryable = (reason: ApiCallErrorReason, status: number | undefined): boolean => {
  switch (reason) {
    case "DnsFailed":
    case "Network":
    case "Timeout":
      return true
    case "HttpStatus":
      return status !== undefined && (status === 408 || status === 429 || status >= 500)
    default:
      return false
  }
}

/**
 * Maps an {@link ApiCallError} into the handler failure the engine records: `code` is the HTTP
 * status for `HttpStatus` (e.g. `"404"`), otherwise the reason; `retryable` follows
 * {@link ApiCallError.isRetryable}, so the step's own `retry` policy can try a later attempt after
 * network trouble, timeouts, 408, 429 and 5xx, and never after a 4xx or a refusal.
 *
 * @example
 * ```ts
 * import { ApiCallError, toStepHandlerError } from "@workflow-manager/handler-api-call"
 *
 * toStepHandlerError(new ApiCallError({ reason: "HttpStatus", status: 404, message: "GET registry.example: 404" }))
 * // StepHandlerError { code: "404", retryable: false }
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const toStepHandlerError = (error: ApiCallError): StepHandlerError =>
  new StepHandlerError({
    message: error.message,
    code: error.reason === "HttpStatus" && error.status !== undefined ? String(error.status) : error.reason,
    retryable: error.isRetryable
  })
