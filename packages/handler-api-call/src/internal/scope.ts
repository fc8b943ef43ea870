/**
 * What templates can read: `step.<stepId>.…` (other steps' data), `metadata.…`, `input.…`,
 * `instance.{id,tenantId,templateId,templateVersion,marketRole}` and, when compensating, `output.…`.
 */
import { checkJson, type Json, type StepContext } from "@workflow-manager/core"
import { Result, Schema } from "effect"
import type { Scope } from "./template.js"

export const scopeOf = (context: StepContext, extra: { readonly input: Json; readonly output?: Json }): Scope => {
  const state = context.state
  const steps: Record<string, Json> = Object.create(null)
  for (const [id, step] of Object.entries(state.stepStates)) if (step.data !== undefined) steps[id] = step.data
  return {
    step: steps,
    metadata: state.metadata,
    input: extra.input,
    instance: {
      id: state.instanceId,
      tenantId: state.tenantId,
      templateId: state.templateId,
      templateVersion: state.templateVersion,
      marketRole: state.marketRole
    },
    ...(extra.output === undefined ? {} : { output: extra.output })
  }
}

/** The step input: `null` (run by the system) or a JSON object within 1 MiB and 64 levels. */
export const boundedJsonInput = Schema.declare(
  (u: unknown): u is Json =>
    u === null ||
    (typeof u === "object" &&
      !Array.isArray(u) &&
      Result.isSuccess(checkJson(u, { maxDocumentBytes: 1024 * 1024, maxDepth: 64 }))),
  { expected: "null or a JSON object (at most 1 MiB and 64 levels deep)" }
)
