/**
 * Which tenant owns an instance id (`workflow_owners`, `_id` = the instance id, insert-only). The
 * first write of an instance claims it with an insert; the unique `_id` makes a second tenant's
 * claim fail, so identifiers one tenant chooses never let it write into another tenant's instance.
 */
import type { StorageError } from "@workflow-manager/core"
import { Effect } from "effect"
import { isDuplicateKeyError } from "../classifyMongoError.js"
import { type Context, OWNER_CACHE_SIZE } from "./context.js"
import { attempt } from "./run.js"

const remember = (ctx: Context, instanceId: string, tenantId: string): void => {
  if (ctx.owned.size >= OWNER_CACHE_SIZE) ctx.owned.clear()
  ctx.owned.set(instanceId, tenantId)
}

/** Claims the instance for the tenant, or confirms it is the tenant's; `false` when another tenant owns it. */
export const claimOwner = (
  ctx: Context,
  operation: string,
  tenantId: string,
  instanceId: string
): Effect.Effect<boolean, StorageError> => {
  const cached = ctx.owned.get(instanceId)
  if (cached !== undefined) return Effect.succeed(cached === tenantId)
  // insert first: reading a missing id costs FerretDB a scan, a refused insert does not
  return attempt(operation, async () => {
    try {
      await ctx.owners.insertOne({ _id: instanceId as never, t: tenantId }, { writeConcern: ctx.writeConcern })
      return true
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error
      // claimed before: by this tenant, or by another
      return (await ctx.owners.findOne({ _id: instanceId as never, t: tenantId })) !== null
    }
  }).pipe(Effect.tap((ours) => Effect.sync(() => (ours ? remember(ctx, instanceId, tenantId) : undefined))))
}
