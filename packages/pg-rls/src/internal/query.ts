/**
 * Runs a database call as an Effect whose only failure is the port's `StorageError`.
 */
import type { StorageError } from "@workflow-manager/core"
import { Effect } from "effect"
import { type ClassifyContext, classifyPgError } from "../classifyPgError.js"

export const attempt = <A>(
  operation: string,
  run: () => Promise<A>,
  context?: ClassifyContext
): Effect.Effect<A, StorageError> =>
  Effect.tryPromise({ try: run, catch: (error) => classifyPgError(operation, error, context) })
