/**
 * Which commits are projected (their index entry is up to date): insert-only markers in
 * `workflow_projected`, `_id` = the commit's key. A commit without a marker is "not projected".
 * Markers, not an update of the commit: FerretDB 1.24 answers an update by scanning and serialises
 * updates badly under concurrent writes (measured: 1.8 s per `updateOne` under 8 writers, 35 s for
 * one `updateMany` of 220 commits), while an `insertMany` of a whole pass is one fast command.
 */
import type { StorageError } from "@workflow-manager/core"
import { Effect } from "effect"
import type { Document } from "mongodb"
import { isDuplicateKeyError } from "../classifyMongoError.js"
import type { Context } from "./context.js"
import { attempt } from "./run.js"

/** Records commits as projected (markers that exist already are fine); how many were new. */
export const markProjected = (
  ctx: Context,
  operation: string,
  commits: ReadonlyArray<{ readonly key: string; readonly t: string; readonly i: string; readonly l: number }>
): Effect.Effect<number, StorageError> =>
  commits.length === 0
    ? Effect.succeed(0)
    : attempt(operation, async () => {
        try {
          const result = await ctx.projected.insertMany(
            commits.map((c) => ({ _id: c.key as never, t: c.t, i: c.i, l: c.l })),
            { ordered: false, writeConcern: ctx.writeConcern }
          )
          return result.insertedCount
        } catch (error) {
          const e = error as {
            writeErrors?: ReadonlyArray<{ code?: number }>
            insertedCount?: number
            result?: { insertedCount?: number }
          }
          const errors = Array.isArray(e.writeErrors) ? e.writeErrors : []
          if (!isDuplicateKeyError(error) || !errors.every((w) => w.code === 11000)) throw error
          return e.result?.insertedCount ?? e.insertedCount ?? commits.length - errors.length
        }
      })

/** How many commits one read examines at a time. */
const BATCH = 500
/** How many batches a search reads at most. */
const MAX_BATCHES = 100

/**
 * Commits without a marker, in `ca` order (`1` oldest first, `-1` newest first), matching
 * `filter` (which starts with the tenant condition), at most `limit`.
 */
export const unprojected = (
  ctx: Context,
  operation: string,
  filter: Document,
  options: { readonly order: 1 | -1; readonly limit: number; readonly projection: Document }
): Effect.Effect<ReadonlyArray<Document>, StorageError> =>
  Effect.gen(function* () {
    const found: Array<Document> = []
    let after: { readonly ca: Date; readonly id: string } | undefined
    for (let batch = 0; batch < MAX_BATCHES && found.length < options.limit; batch++) {
      const op = options.order === 1 ? "$gt" : "$lt"
      const page = yield* attempt(operation, () =>
        ctx.events
          .find(
            after === undefined
              ? filter
              : { ...filter, $or: [{ ca: { [op]: after.ca } }, { ca: after.ca, _id: { [op]: after.id } }] },
            { projection: { ...options.projection, ca: 1, t: 1, i: 1, l: 1 } }
          )
          .sort({ ca: options.order, _id: options.order })
          .limit(BATCH)
          .toArray()
      )
      if (page.length === 0) break
      const last = page[page.length - 1] as Document
      after = { ca: last.ca as Date, id: last._id as unknown as string }
      const marked = yield* attempt(operation, () =>
        ctx.projected
          .find({ t: filter.t, _id: { $in: page.map((d) => d._id) as Array<never> } }, { projection: { _id: 1 } })
          .toArray()
      )
      const done = new Set(marked.map((m) => m._id as unknown as string))
      for (const d of page) if (!done.has(d._id as unknown as string) && found.length < options.limit) found.push(d)
      if (page.length < BATCH) break
    }
    return found
  })
