/**
 * Handling the engine's errors with the Promise API (docs/embedding.md, "Errors").
 */
// #region errors-promise
import { type Actor, InvalidInput, type PromiseEngine, StorageError, ValidationFailed } from "@workflow-manager/core"

/** The same with the Promise API: the rejection is the same tagged error value. */
export const executeOrExplainAsync = async (
  engine: PromiseEngine,
  command: { actor: Actor; instanceId: string; expectedVersion: number; stepId: string; input: unknown }
) => {
  try {
    const { state } = await engine.executeStep(command)
    return { ok: true as const, version: state.version }
  } catch (error) {
    // A malformed command (InvalidInput) or step input (ValidationFailed): nothing was recorded.
    if (error instanceof InvalidInput || error instanceof ValidationFailed) {
      return { ok: false as const, issues: error.issues }
    }
    if (error instanceof StorageError && error.reason._tag === "Conflict") {
      return { ok: false as const, issues: [{ path: "", message: "changed by someone else: reload and try again" }] }
    }
    throw error
  }
}
// #endregion errors-promise
