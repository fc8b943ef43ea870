/**
 * The error table of `classifyMongoError`, without a database: plain objects shaped like the
 * driver's errors.
 */
import { Conflict, storageError } from "@workflow-manager/core"
import { describe, expect, it } from "vitest"
import { classifyMongoError, isAmbiguousWriteError, isDuplicateKeyError } from "../src/index.js"

const reason = (error: unknown) => classifyMongoError("EventStore.append", error).reason._tag

describe("classifyMongoError", () => {
  it.each([
    [{ code: 11000, message: "E11000 duplicate key" }, "Conflict"],
    [{ code: 11001 }, "Conflict"],
    [{ name: "MongoBulkWriteError", code: 11000 }, "Conflict"],
    [{ code: 2, message: "invalid key" }, "InvalidData"],
    [{ code: 10334, message: "BSONObjectTooLarge" }, "InvalidData"],
    [{ code: 17419 }, "InvalidData"],
    [{ name: "BSONError", message: "cannot serialize" }, "InvalidData"],
    [{ code: 13, message: "not authorized" }, "Misconfigured"],
    [{ code: 18, message: "Authentication failed" }, "Misconfigured"],
    [{ name: "MongoParseError", message: "Invalid scheme" }, "Misconfigured"],
    [{ name: "MongoMissingDependencyError" }, "Misconfigured"],
    [{ name: "MongoNetworkError", message: "connection reset" }, "Unavailable"],
    [{ name: "MongoServerSelectionError", message: "connect ECONNREFUSED" }, "Unavailable"],
    [{ code: 91, message: "shutdown in progress" }, "Unavailable"],
    [{ code: 10107, message: "not writable primary" }, "Unavailable"],
    [{ code: 64, message: "waiting for replication timed out" }, "Unavailable"],
    [new Error("anything else"), "Unavailable"],
    ["a string", "Unavailable"],
    [undefined, "Unavailable"]
  ])("%j → %s", (error, tag) => {
    expect(reason(error)).toBe(tag)
  })

  it("passes a StorageError through unchanged", () => {
    const error = storageError("x", new Conflict({ message: "lost" }))
    expect(classifyMongoError("y", error)).toBe(error)
  })

  it("tells duplicate keys and ambiguous outcomes apart", () => {
    expect(isDuplicateKeyError({ code: 11000 })).toBe(true)
    expect(isDuplicateKeyError({ code: 2 })).toBe(false)
    expect(isAmbiguousWriteError({ name: "MongoNetworkTimeoutError" })).toBe(true)
    expect(isAmbiguousWriteError({ code: 50 })).toBe(true)
    expect(isAmbiguousWriteError({ code: "ECONNRESET" })).toBe(true)
    expect(isAmbiguousWriteError({ errorLabels: ["RetryableWriteError"] })).toBe(true)
    expect(isAmbiguousWriteError({ errorLabelSet: new Set(["RetryableWriteError"]) })).toBe(true)
    expect(isAmbiguousWriteError({ code: 11000 })).toBe(false)
    expect(isAmbiguousWriteError({ code: 2 })).toBe(false)
  })
})
