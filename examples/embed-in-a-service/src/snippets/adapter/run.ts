/**
 * Runs a driver call as an Effect whose only failure is the port's StorageError.
 */
import type { Access, StorageError } from "@workflow-manager/core"
import { Effect } from "effect"
import { classifySqlError } from "./classifySqlError.ts"

/** `call` as an Effect; a rejection is classified as a StorageError of `operation`. */
export const run = <A>(operation: string, call: () => Promise<A>): Effect.Effect<A, StorageError> =>
  Effect.tryPromise({ try: call, catch: (error) => classifySqlError(operation, error) })

/** The tenant a scope is limited to (`null`: the operator scope, every tenant). */
export const tenantOf = (access: Access): string | null => (access._tag === "Tenant" ? access.tenantId : null)
