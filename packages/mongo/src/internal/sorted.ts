/**
 * Joins without `$lookup`: two finds sorted on the same key, read one document at a time and merged
 * on the client (the outbox's figures, the reconciler's lag). On FerretDB 1.24 a count or an
 * aggregate scans the collection like a find, so two sorted reads are the least such a figure
 * costs; the client holds one document of each at a time. A reader checks that the server's order
 * is the one the merge compares in, and stops at a bound.
 */
import { Misconfigured, type StorageError, storageError } from "@workflow-manager/core"
import type { Document, FindCursor } from "mongodb"
import { invalid } from "./validate.js"

/**
 * Code point order (= UTF-8 byte order, the order MongoDB and FerretDB sort strings in without a
 * collation): UTF-16 code units compare the same, except that a surrogate (half of an astral code
 * point) sorts after every other unit.
 */
export const compareCodePoints = (a: string, b: string): number => {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    const sx = x >= 0xd800 && x <= 0xdfff
    const sy = y >= 0xd800 && y <= 0xdfff
    if (sx !== sy) return sx ? 1 : -1
    return x < y ? -1 : 1
  }
  return a.length - b.length
}

/** Why a sorted read stopped early: a document without the fields read, keys out of order, too many. */
export type Stop = "malformed" | "unordered" | "tooMany"

/**
 * Reads `cursor` one decoded document at a time (`null` at the end), or the reason it stopped: a
 * document `decode` refuses, a key lower than the one before (`compare`), more than `max` documents.
 */
export const sortedReader = <A>(
  cursor: FindCursor<Document>,
  decode: (doc: Document) => A | undefined,
  compare: (a: A, b: A) => number,
  max: number
): (() => Promise<A | Stop | null>) => {
  let read = 0
  let previous: A | undefined
  return async () => {
    const doc = await cursor.next()
    if (doc === null) return null
    if (++read > max) return "tooMany"
    const item = decode(doc)
    if (item === undefined) return "malformed"
    if (previous !== undefined && compare(previous, item) > 0) return "unordered"
    previous = item
    return item
  }
}

/** Whether a reader's answer is a reason to stop. */
export const isStop = (value: unknown): value is Stop => typeof value === "string"

/** Closes cursors, ignoring failures (the answer is already known). */
export const closeAll = async (...cursors: ReadonlyArray<FindCursor<Document>>): Promise<void> => {
  await Promise.allSettled(cursors.map((c) => c.close()))
}

/** The typed error of a stopped read: `what` names the collections, `bound` the limit passed. */
export const stopError = (operation: string, stop: Stop, what: string, bound: string): StorageError => {
  switch (stop) {
    case "malformed":
      return invalid(operation, `a document of ${what} lacks the fields this adapter writes`)
    case "unordered":
      return storageError(
        operation,
        new Misconfigured({
          message: `the server sorted ${what} out of binary string order (a collation on the collection?): remove the collation`
        })
      )
    case "tooMany":
      return storageError(operation, new Misconfigured({ message: bound }))
  }
}
