/**
 * The instance store on MongoDB: collection `workflow_instances`, insert-only versioned snapshots
 * (see `internal/versioned.ts`); `save` is guarded by the versions stored there. The write path keeps each commit's resulting state in the commit
 * document itself, so `get` compares the stored snapshot with the tail of the log and returns the
 * newer: a snapshot is never trusted without checking the log.
 *
 * @since 0.1.0
 */
import { type InstanceStoreService, tenantAccess, type WorkflowState } from "@workflow-manager/core"
import { Effect } from "effect"
import type { Context } from "./internal/context.js"
import { decodeState, toStored } from "./internal/documents.js"
import { unescapeKeys } from "./internal/escape.js"
import { currentState } from "./internal/log.js"
import { claimOwner } from "./internal/owners.js"
import { checkCovers, checkIdentifier, checkScope, invalid, MAX_IDS, tenantViolation } from "./internal/validate.js"
import { insertVersion, newest } from "./internal/versioned.js"

/**
 * Builds the instance store.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeInstanceStore = (ctx: Context): InstanceStoreService => {
  const get: InstanceStoreService["get"] = (access, instanceId) =>
    Effect.gen(function* () {
      const operation = "InstanceStore.get"
      yield* checkScope(operation, access)
      yield* checkIdentifier(operation, "instance id", instanceId)
      const [cached, logged] = yield* Effect.all(
        [newest(ctx.instances, operation, access, instanceId), currentState(ctx, operation, access, instanceId)],
        { concurrency: 2 }
      )
      const snapshot: WorkflowState | undefined =
        cached === null ? undefined : yield* decodeState(operation, unescapeKeys(cached.st))
      if (snapshot === undefined) return logged
      return logged !== undefined && logged.version > snapshot.version ? logged : snapshot
    })
  return {
    save: (access, state) =>
      Effect.gen(function* () {
        const operation = "InstanceStore.save"
        yield* checkScope(operation, access)
        const checked = yield* decodeState(operation, state)
        yield* checkCovers(operation, access, checked.tenantId)
        const ours = yield* claimOwner(ctx, operation, checked.tenantId, checked.instanceId)
        if (!ours)
          return yield* Effect.fail(
            tenantViolation(operation, `instance ${checked.instanceId} belongs to another tenant`)
          )
        const cached = yield* newest(ctx.instances, operation, tenantAccess(checked.tenantId), checked.instanceId)
        const current = cached === null ? 0 : (cached.v as number)
        const st = yield* toStored(operation, "state", checked, ctx.maxDocumentBytes)
        return yield* insertVersion(
          ctx,
          ctx.instances,
          operation,
          { t: checked.tenantId, i: checked.instanceId, v: checked.version, st },
          current
        )
      }),
    get,
    getMany: (access, instanceIds) =>
      Effect.gen(function* () {
        const operation = "InstanceStore.getMany"
        if (!Array.isArray(instanceIds) || instanceIds.length > MAX_IDS) {
          return yield* Effect.fail(invalid(operation, `instance ids must be an array of at most ${MAX_IDS}`))
        }
        for (const id of instanceIds) yield* checkIdentifier(operation, "instance id", id)
        const states = yield* Effect.forEach([...new Set(instanceIds)], (id) => get(access, id), { concurrency: 8 })
        return states.filter((s): s is WorkflowState => s !== undefined)
      })
  }
}
