/**
 * What every resolver receives: the server's parts and, per request, the signed-in actor (or none)
 * and the request's DataLoaders.
 *
 * @since 0.1.0
 */
import type { Actor, PromiseEngine } from "@workflow-manager/core"
import type { FastifyBaseLogger } from "fastify"
import type { Limits } from "../config.ts"
import type { Storage } from "../storage.ts"
import { apiError } from "./errors.ts"
import { type Loaders, makeLoaders } from "./loaders.ts"

/**
 * The part of the auth module (`src/auth`) the API uses.
 *
 * @since 0.1.0
 * @category context
 */
export interface ApiAuth {
  readonly login: (
    input: { readonly email: string; readonly password: string; readonly organisation?: string },
    meta: { readonly address: string }
  ) => Promise<{ readonly token: string; readonly expiresAt: string; readonly actor: Actor }>
  readonly authenticate: (authorization: string | undefined) => Promise<Actor>
  readonly permissions: Readonly<Record<string, ReadonlyArray<string>>>
}

/**
 * The server's parts, shared by every request.
 *
 * @since 0.1.0
 * @category context
 */
export interface ApiDeps {
  readonly engine: PromiseEngine
  readonly storage: Storage
  readonly auth: ApiAuth
  /** Hashes a new user's password (argon2id, the auth module's). */
  readonly hashPassword: (password: string) => Promise<string>
  readonly limits: Limits
  readonly log: FastifyBaseLogger
}

/**
 * The context of one request.
 *
 * @since 0.1.0
 * @category context
 */
export type ApiContext = {
  readonly deps: ApiDeps
  /** The verified token's actor; `undefined` for a request without a token. */
  readonly actor: Actor | undefined
  /** The client's address (for sign-in throttling). */
  readonly address: string
  readonly loaders: Loaders
  readonly log: FastifyBaseLogger
}

/**
 * A request's context.
 *
 * @since 0.1.0
 * @category context
 */
export const makeContext = (
  deps: ApiDeps,
  actor: Actor | undefined,
  address: string,
  log: FastifyBaseLogger
): ApiContext => ({
  deps,
  actor,
  address,
  loaders: makeLoaders(deps, actor),
  log
})

/**
 * The signed-in actor, or the `UNAUTHENTICATED` error.
 *
 * @since 0.1.0
 * @category context
 */
export const actorOf = (context: ApiContext): Actor => {
  if (context.actor === undefined)
    throw apiError("UNAUTHENTICATED", "sign in first: send Authorization: Bearer <token>")
  return context.actor
}
