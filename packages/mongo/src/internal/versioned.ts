/**
 * Projections (state snapshots, index entries) as insert-only versioned documents, `_id` =
 * `<instanceId>#<version>`. FerretDB evaluates an update's filter and applies the update in two
 * steps, so a version-guarded `updateOne` could let a late, lower version overwrite a higher one;
 * an insert cannot. A write inserts its version (a duplicate means that version is stored) and the
 * newest version is what every read returns.
 */
import type { Access, StorageError } from "@workflow-manager/core"
import { Effect } from "effect"
import type { Collection, Document } from "mongodb"
import { isDuplicateKeyError } from "../classifyMongoError.js"
import type { Context } from "./context.js"
import { attempt } from "./run.js"
import { scoped } from "./scope.js"

/** The newest stored version of an instance's projection in the scope, or `null`. */
export const newest = (collection: Collection<Document>, operation: string, access: Access, instanceId: string) =>
  attempt(operation, () => collection.findOne(scoped(access, { i: instanceId }), { sort: { v: -1 } }))

/**
 * Inserts a version unless `current` (the newest version the caller read) is equal or higher;
 * `true` if it wrote. Lower versions stay, invisible to reads (FerretDB answers a delete with a
 * scan, so the write path deletes nothing).
 */
export const insertVersion = (
  ctx: Context,
  collection: Collection<Document>,
  operation: string,
  doc: Document & { readonly t: string; readonly i: string; readonly v: number },
  current: number
): Effect.Effect<boolean, StorageError> =>
  current >= doc.v
    ? Effect.succeed(false)
    : attempt(operation, async () => {
        try {
          await collection.insertOne({ ...doc, _id: `${doc.i}#${doc.v}` as never }, { writeConcern: ctx.writeConcern })
        } catch (error) {
          if (isDuplicateKeyError(error)) return false
          throw error
        }
        // not awaited: the versions below stay invisible to reads until they are gone
        collection.deleteMany({ t: doc.t, i: doc.i, v: { $lt: doc.v } }).catch(() => undefined)
        return true
      })
