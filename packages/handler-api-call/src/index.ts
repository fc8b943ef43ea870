/**
 * `@workflow-manager/handler-api-call`: the `api-call` step handler — an HTTP call with URL, header
 * and body templates, secrets by reference, response mapping, timeout, retry with capped backoff and
 * jitter, an `Idempotency-Key`, a compensation request, and an SSRF guard that checks every address
 * after DNS resolution and connects to the address it checked.
 *
 * Every export is a flat name.
 *
 * @since 0.1.0
 */
export { type AllowList, checkAddress, classifyAddress, metadataAddresses, parseAllowList } from "./AddressGuard.js"
export {
  ApiCallConfig,
  HttpMethod,
  RequestRetry,
  RequestTemplate,
  SecretRef
} from "./ApiCallConfig.js"
export { ApiCallError, ApiCallErrorReason, toStepHandlerError } from "./ApiCallError.js"
export { type ApiCallHandler, type ApiCallOptions, makeApiCallHandler } from "./ApiCallHandler.js"
export {
  type HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
  makeHttpClient
} from "./HttpClient.js"
export { InvalidApiCallOptions } from "./InvalidApiCallOptions.js"
export { type Lookup, systemLookup } from "./Lookup.js"
export { SecretNotFound, type Secrets, secretEnvName, secretsFromEnv, secretsFromMap } from "./Secrets.js"
