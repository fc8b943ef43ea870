/**
 * The API's errors as the dashboard handles them: the GraphQL `extensions.code` (see
 * docs/reference-server.md, "Errors") with what a person needs — field issues, the versions of a
 * conflict — and a sentence saying what happened in plain words.
 */
export interface Issue {
  readonly path: string
  readonly message: string
}

/** An error answered by the API (or the network). */
export class ApiError extends Error {
  readonly code: string
  readonly issues: ReadonlyArray<Issue>
  readonly extensions: Readonly<Record<string, unknown>>

  constructor(code: string, message: string, extensions: Readonly<Record<string, unknown>> = {}) {
    super(message)
    this.name = "ApiError"
    this.code = code
    this.extensions = extensions
    this.issues = Array.isArray(extensions.issues)
      ? (extensions.issues as ReadonlyArray<unknown>).flatMap((issue) =>
          typeof issue === "object" && issue !== null && typeof (issue as Issue).message === "string"
            ? [{ path: String((issue as Issue).path ?? ""), message: (issue as Issue).message }]
            : []
        )
      : []
  }

  /** Someone else changed the workflow since it was read (a stale `expectedVersion`). */
  get isConflict(): boolean {
    return this.code === "CONFLICT" && this.extensions.idempotencyKeyReused !== true
  }
}

/** The first error of a GraphQL answer, or of the HTTP exchange (a 401, a network failure). */
export const apiErrorOf = (
  graphQLErrors: ReadonlyArray<{ readonly message: string; readonly extensions?: Record<string, unknown> }>,
  status: number | undefined,
  networkMessage: string | undefined
): ApiError => {
  const first = graphQLErrors[0]
  if (first !== undefined) {
    const code = typeof first.extensions?.code === "string" ? first.extensions.code : "INTERNAL"
    return new ApiError(code, first.message, first.extensions ?? {})
  }
  if (status === 401) return new ApiError("UNAUTHENTICATED", "your session has ended: sign in again")
  return new ApiError("NETWORK", `the server could not be reached${networkMessage ? ` (${networkMessage})` : ""}`)
}

/** What a person reads for an error (a conflict has its own notice, with the new state). */
export const explain = (error: unknown): string => {
  if (!(error instanceof ApiError)) return `Something went wrong: ${String(error)}`
  switch (error.code) {
    case "CONFLICT":
      return error.isConflict
        ? "Someone else changed this workflow meanwhile. Nothing of yours was saved."
        : "This request was already made with other details."
    case "NOT_FOUND":
      return "Not found: it does not exist, or it is not yours to see."
    case "FORBIDDEN":
      return `You may not do this: ${error.message}`
    case "VALIDATION_FAILED":
      return "Some fields need your attention."
    case "ILLEGAL_TRANSITION":
      return `Not possible in this status: ${error.message}`
    case "UNAUTHENTICATED":
      return error.message
    case "THROTTLED":
      return `Too many attempts. Try again in ${String(error.extensions.retryAfterSeconds ?? "a few")} seconds.`
    default:
      return error.message
  }
}

/**
 * The server's issues of one step, with paths relative to the step's form (`company-info.vatNumber`
 * → `vatNumber`); issues of other steps keep their full path.
 */
export const issuesOfStep = (issues: ReadonlyArray<Issue>, stepId: string): ReadonlyArray<Issue> =>
  issues.map((issue) =>
    issue.path === stepId
      ? { path: "", message: issue.message }
      : issue.path.startsWith(`${stepId}.`)
        ? { path: issue.path.slice(stepId.length + 1), message: issue.message }
        : issue
  )
