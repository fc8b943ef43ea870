import { type Service, servicesRequired, serviceUrl } from "./Service.js"
import { ServiceUnavailableError } from "./ServiceUnavailableError.js"

/** Outcome of probing a service once. */
export type ServiceStatus =
  | { readonly available: true; readonly url: string }
  | { readonly available: false; readonly url: string; readonly reason: string }

/** Options of {@link checkService}. */
export interface CheckServiceOptions {
  /** URL to probe instead of the environment's. */
  readonly url?: string
  /** Fail instead of reporting unavailability; defaults to `REQUIRE_SERVICES=1`. */
  readonly require?: boolean
}

const probes = new Map<string, Promise<ServiceStatus>>()

const describeError = (error: unknown): string => {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return typeof code === "string" && !error.message.includes(code) ? `${error.message} (${code})` : error.message
  }
  return String(error)
}

const probeOnce = (service: Service, url: string): Promise<ServiceStatus> => {
  const key = `${service.name} ${url}`
  let status = probes.get(key)
  if (status === undefined) {
    status = service.probe(url).then(
      (): ServiceStatus => ({ available: true, url }),
      (error: unknown): ServiceStatus => ({ available: false, url, reason: describeError(error) })
    )
    probes.set(key, status)
  }
  return status
}

/**
 * Probes `service` (once per URL and test worker) and tells whether it answers.
 *
 * @throws ServiceUnavailableError when it does not answer and skipping is not allowed
 *   (`REQUIRE_SERVICES=1`, or `options.require`).
 */
export const checkService = async (service: Service, options: CheckServiceOptions = {}): Promise<ServiceStatus> => {
  const url = options.url ?? serviceUrl(service)
  const status = await probeOnce(service, url)
  if (!status.available && (options.require ?? servicesRequired())) {
    throw new ServiceUnavailableError(service, url, status.reason)
  }
  return status
}
