/**
 * Expected versions and conflicts (docs/embedding.md, "Expected versions and conflicts").
 */
// #region conflict-retry
import { type Actor, type CommandResult, Engine, type EngineError } from "@workflow-manager/core"
import { Effect } from "effect"

const isConflict = (error: EngineError) => error._tag === "StorageError" && error.reason._tag === "Conflict"

/**
 * Runs a command at the instance's current version, re-reading and retrying when another writer
 * wins the race. Only for commands that stay right whatever changed in between (pause, resume, a
 * background job's step) — a user's form must go back to the user instead.
 */
export const atCurrentVersion = (
  actor: Actor,
  instanceId: string,
  command: (expectedVersion: number) => Effect.Effect<CommandResult, EngineError>
) =>
  Effect.gen(function* () {
    const engine = yield* Engine
    const state = yield* engine.get({ actor, instanceId })
    return yield* command(state.version)
  }).pipe(Effect.retry({ times: 3, while: isConflict }))
// #endregion conflict-retry

// #region conflict-usage
export const pauseNow = (actor: Actor, instanceId: string) =>
  Effect.gen(function* () {
    const engine = yield* Engine
    return yield* atCurrentVersion(actor, instanceId, (expectedVersion) =>
      engine.pause({ actor, instanceId, expectedVersion, reason: "waiting for the bank guarantee" })
    )
  })
// #endregion conflict-usage
