/**
 * Handling the engine's errors with the Effect API (docs/embedding.md, "Errors").
 */
// #region errors-effect
import { type Actor, Engine } from "@workflow-manager/core"
import { Effect } from "effect"

/** Executes a step; turns the errors a user can fix into issues, lets the others through. */
export const executeOrExplain = (
  actor: Actor,
  instanceId: string,
  expectedVersion: number,
  stepId: string,
  input: unknown
) =>
  Effect.gen(function* () {
    const engine = yield* Engine
    const { state } = yield* engine.executeStep({ actor, instanceId, expectedVersion, stepId, input })
    return { ok: true as const, version: state.version }
  }).pipe(
    Effect.catchTag("ValidationFailed", (e) => Effect.succeed({ ok: false as const, issues: e.issues })),
    Effect.catchTag("StepFailed", (e) =>
      Effect.succeed({ ok: false as const, issues: [{ path: e.stepId, message: e.reason }] })
    )
    // Left in the error channel: IllegalTransition | InvalidCommand | Forbidden | StorageError | ...
  )
// #endregion errors-effect
