/**
 * Idempotency keys (docs/embedding.md, "Idempotency keys").
 */
import type { Actor, PromiseEngine } from "@workflow-manager/core"
import { companyInfo } from "./actors.ts"

export const repeatSafely = async (engine: PromiseEngine, actor: Actor, requestId: string) => {
  // #region idempotency
  // The key comes from the client (e.g. its Idempotency-Key header), one per logical request.
  // A keyed create without an instanceId gets an id derived from (tenant, key), so a repeat finds it.
  const create = { actor, templateId: "brp-onboarding", idempotencyKey: `create:${requestId}` }
  const first = await engine.create(create)
  const again = await engine.create(create) // the network failed, the client sent it again
  // again deep-equals first: same state, same events; nothing was recorded twice.

  // Every other command is keyed the same way; a repeat returns the original result even after
  // later commands moved the instance on (its expectedVersion is not checked again).
  const { instanceId } = first.state
  await engine.start({ actor, instanceId, expectedVersion: 1 })
  const step = {
    actor,
    instanceId,
    expectedVersion: 2,
    stepId: "company-info",
    input: companyInfo,
    idempotencyKey: `step:${requestId}`
  }
  const done = await engine.executeStep(step)
  const replayed = await engine.executeStep(step) // deep-equals done
  // #endregion idempotency
  return { first, again, done, replayed }
}
