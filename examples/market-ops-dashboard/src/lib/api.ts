/**
 * The GraphQL client: URQL over `fetch` to `/graphql` (same origin), with the signed-in user's
 * token, every request sent to the network (the workflow may change under our feet, so nothing is
 * answered from a cache), and the answers unwrapped into data or an {@link ApiError}.
 */
import { Client, type CombinedError, fetchExchange } from "@urql/core"
import { ApiError, apiErrorOf } from "./errors.ts"

export interface ApiOptions {
  readonly url?: string
  /** The token to send, if any. */
  readonly token: () => string | undefined
}

/** Creates the URQL client of the dashboard. */
export const makeClient = (options: ApiOptions): Client =>
  new Client({
    url: options.url ?? "/graphql",
    exchanges: [fetchExchange],
    requestPolicy: "network-only",
    preferGetMethod: false,
    fetchOptions: () => {
      const token = options.token()
      return { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } }
    }
  })

const errorOf = (error: CombinedError): ApiError =>
  apiErrorOf(
    error.graphQLErrors.map((e) => ({ message: e.message, extensions: e.extensions as Record<string, unknown> })),
    (error.response as { status?: number } | undefined)?.status,
    error.networkError?.message
  )

/**
 * Typed calls over the URQL client; `onUnauthenticated` runs when the server says the token is no
 * longer good (expired, the user disabled).
 */
export class Api {
  readonly client: Client
  readonly #onUnauthenticated: () => void

  constructor(client: Client, onUnauthenticated: () => void) {
    this.client = client
    this.#onUnauthenticated = onUnauthenticated
  }

  #unwrap<T>(result: { data?: unknown; error?: CombinedError | undefined }, field: string): T {
    if (result.error !== undefined) {
      const error = errorOf(result.error)
      if (error.code === "UNAUTHENTICATED" && field !== "login") this.#onUnauthenticated()
      throw error
    }
    const value = (result.data as Record<string, unknown> | undefined)?.[field]
    if (value === undefined) throw new ApiError("INTERNAL", `the answer has no ${field}`)
    return value as T
  }

  /** Runs a query and returns its root `field`. */
  async query<T>(document: string, field: string, variables: Record<string, unknown> = {}): Promise<T> {
    return this.#unwrap<T>(await this.client.query(document, variables).toPromise(), field)
  }

  /** Runs a mutation and returns its root `field`. */
  async mutate<T>(document: string, field: string, variables: Record<string, unknown> = {}): Promise<T> {
    return this.#unwrap<T>(await this.client.mutation(document, variables).toPromise(), field)
  }
}
