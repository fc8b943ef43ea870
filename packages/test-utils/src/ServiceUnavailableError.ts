import type { Service } from "./Service.js"

/**
 * Thrown when a test needs a service that does not answer and `REQUIRE_SERVICES=1` forbids skipping.
 * The message names the service, its environment variable and the URL that was tried.
 */
export class ServiceUnavailableError extends Error {
  override readonly name = "ServiceUnavailableError"
  readonly service: string
  readonly url: string

  constructor(service: Service, url: string, reason: string, options?: ErrorOptions) {
    super(`REQUIRE_SERVICES=1 but ${service.name} (${service.envVar}=${url}) is not reachable: ${reason}`, options)
    this.service = service.name
    this.url = url
  }
}
