/**
 * How far the index lags behind the log (`Reconciler.lag`): the commits of the scope without a
 * projected marker, counted, and the time the oldest of them was written. The commits' keys and the
 * markers' (the same `_id`s) are read once each in `_id` order and merged as they stream (see
 * `sorted.ts`): two reads whatever the size of the log, where a walk in time order costs two reads
 * per 500 commits. At most {@link MAX_LAG_COMMITS} commits are read per call.
 */
import type { Access, StorageError } from "@workflow-manager/core"
import { Effect } from "effect"
import type { Document } from "mongodb"
import type { Context } from "./context.js"
import { attempt } from "./run.js"
import { scoped } from "./scope.js"
import { closeAll, compareCodePoints, isStop, type Stop, sortedReader, stopError } from "./sorted.js"

/** The most commits (and markers) one lag call reads. */
export const MAX_LAG_COMMITS = 1_000_000
/** Documents per batch of each cursor. */
const BATCH = 5_000

interface Keyed {
  readonly _id: string
  readonly ca?: Date
}

const asKeyed = (doc: Document): Keyed | undefined =>
  typeof doc._id === "string" && (doc.ca === undefined || doc.ca instanceof Date)
    ? (doc as unknown as Keyed)
    : undefined

const compareIds = (a: Keyed, b: Keyed): number => compareCodePoints(a._id, b._id)

/** The unprojected commits of the scope: how many, and when the oldest was written. */
export interface Unprojected {
  readonly count: number
  readonly oldest: Date | undefined
}

const merge = async (ctx: Context, access: Access): Promise<Unprojected | Stop> => {
  const filter = scoped(access, {})
  const commits = ctx.events.find(filter, { projection: { _id: 1, ca: 1 }, sort: { _id: 1 }, batchSize: BATCH })
  const markers = ctx.projected.find(filter, { projection: { _id: 1 }, sort: { _id: 1 }, batchSize: BATCH })
  try {
    const nextCommit = sortedReader(commits, asKeyed, compareIds, MAX_LAG_COMMITS)
    const nextMarker = sortedReader(markers, asKeyed, compareIds, MAX_LAG_COMMITS)
    let count = 0
    let oldest: Date | undefined
    let marker = await nextMarker()
    for (;;) {
      const commit = await nextCommit()
      if (commit === null) return { count, oldest }
      if (isStop(commit)) return commit
      // a marker before the commit's marks no commit of the scope (there should be none): skipped
      while (marker !== null && !isStop(marker) && compareIds(marker, commit) < 0) marker = await nextMarker()
      if (isStop(marker)) return marker
      if (marker !== null && compareIds(marker, commit) === 0) continue
      count++
      if (commit.ca !== undefined && (oldest === undefined || commit.ca < oldest)) oldest = commit.ca
    }
  } finally {
    await closeAll(commits, markers)
  }
}

/** The scope's unprojected commits, counted, with the oldest's time. */
export const unprojectedLag = (
  ctx: Context,
  operation: string,
  access: Access
): Effect.Effect<Unprojected, StorageError> =>
  Effect.flatMap(
    attempt(operation, () => merge(ctx, access)),
    (result) =>
      isStop(result)
        ? Effect.fail(
            stopError(
              operation,
              result,
              "workflow_events / workflow_projected",
              `the scope holds more than ${MAX_LAG_COMMITS} commits, more than Reconciler.lag reads in one call`
            )
          )
        : Effect.succeed(result)
  )
