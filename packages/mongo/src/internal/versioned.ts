/**
 * Projections (state snapshots, index entries) as insert-only versioned documents, `_id` =
 * `<instanceId>#<version>`. FerretDB evaluates an update's filter and applies the update in two
 * steps, so a version-guarded `updateOne` could let a late, lower version overwrite a higher one;
 * an insert cannot. A write inserts its version (a duplicate means that version is stored) and the
 * newest version is what every read returns; the replaced version is deleted afterwards by `_id`
 * (deleting a version below one that exists never changes what is read).
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

/** The `_id` of a version: `<tenant>/<instance>#<version>` (a read or delete by it is tenant-scoped). */
const versionKey = (doc: { readonly t: string; readonly i: string }, v: number): string => `${doc.t}/${doc.i}#${v}`

/**
 * Inserts a version unless `current` (the newest version the caller read) is equal or higher;
 * `true` if it wrote. Then deletes the version it replaced, by `_id`, without waiting (a version
 * left by a race or a failed delete stays, invisible to reads, until a later write replaces it).
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
          await collection.insertOne(
            { ...doc, _id: versionKey(doc, doc.v) as never },
            { writeConcern: ctx.writeConcern }
          )
        } catch (error) {
          if (isDuplicateKeyError(error)) return false
          throw error
        }
        if (current > 0) collection.deleteOne({ _id: versionKey(doc, current) as never }).catch(() => undefined)
        return true
      })
