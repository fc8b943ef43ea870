/**
 * Handling the engine's errors with the Effect API (docs/embedding.md, "Errors").
 */
// #region errors-effect
import { type Actor, Engine } from "@workflow-manager/core"
import { Effect } from "effect"

/**
 * Executes a step; turns the errors a user can fix into issues, with the version to send next,
 * and lets the others through.
 */
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
    // Nothing was recorded: the version is still the one sent.
    Effect.catchTag("ValidationFailed", (e) =>
      Effect.succeed({ ok: false as const, version: expectedVersion, issues: e.issues })
    ),
    // The failed attempt was recorded: the workflow moved on to `e.version`.
    Effect.catchTag("StepFailed", (e) =>
      Effect.succeed({ ok: false as const, version: e.version, issues: [{ path: e.stepId, message: e.reason }] })
    )
    // Left in the error channel: InvalidInput | IllegalTransition | InvalidCommand | Forbidden | StorageError | ...
  )
// #endregion errors-effect
