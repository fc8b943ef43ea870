/**
 * Runs a driver call as an Effect whose only failure is the port's `StorageError`.
 */
import type { StorageError } from "@workflow-manager/core"
import { Effect } from "effect"
import { classifyMongoError } from "../classifyMongoError.js"

export const attempt = <A>(operation: string, run: () => Promise<A>): Effect.Effect<A, StorageError> =>
  Effect.tryPromise({ try: run, catch: (error) => classifyMongoError(operation, error) })
