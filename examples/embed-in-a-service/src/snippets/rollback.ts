/**
 * Rollback and compensation (docs/embedding.md, "Rollback and compensation").
 */
// #region rollback
import { type Actor, CompensationFailed, type PromiseEngine } from "@workflow-manager/core"

/**
 * Rolls back to `toStepId`: the engine compensates every step completed after it, newest first,
 * records STEP_COMPENSATED for each, then WORKFLOW_ROLLED_BACK. When a compensation fails the
 * rollback stays pending (the instance refuses other commands) and repeating it resumes it.
 */
export const rollBackTo = async (engine: PromiseEngine, actor: Actor, instanceId: string, toStepId: string) => {
  const { version } = await engine.get({ actor, instanceId })
  for (let attempt = 1; ; attempt++) {
    try {
      return await engine.rollback({ actor, instanceId, expectedVersion: version, toStepId })
    } catch (error) {
      if (!(error instanceof CompensationFailed) || attempt === 5) throw error
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt))
    }
  }
}
// #endregion rollback
