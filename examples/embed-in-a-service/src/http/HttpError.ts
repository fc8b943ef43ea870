/**
 * Errors of the HTTP layer itself (not of the engine): a request the service cannot read.
 */

/** A client error found before the engine is called: `status` and a stable `code`. */
export class HttpError extends Error {
  readonly status: number
  readonly code: string
  readonly details: Readonly<Record<string, unknown>>
  readonly headers: Readonly<Record<string, string>>

  constructor(
    status: number,
    code: string,
    message: string,
    details: Readonly<Record<string, unknown>> = {},
    headers: Readonly<Record<string, string>> = {}
  ) {
    super(message)
    this.name = "HttpError"
    this.status = status
    this.code = code
    this.details = details
    this.headers = headers
  }
}
