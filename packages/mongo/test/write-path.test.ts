/**
 * The write path on FerretDB: 64 commands racing at one expected version, an ambiguous insert
 * resolved by its key, keys MongoDB refuses, instants of 0 to 9 fraction digits.
 */
import { type StorageError, tenantAccess, type WorkflowEvent } from "@workflow-manager/core"
import { Effect, Exit } from "effect"
import { expect, it } from "vitest"
import { type CommitDoc, type InsertTarget, insertCommit } from "../src/internal/log.js"
import { describeBackend } from "./support/backend.js"
import { commits, progress, template, uuid } from "./support/fixtures.js"

const run = <A>(effect: Effect.Effect<A, StorageError>): Promise<A> => Effect.runPromise(effect)

await describeBackend("mongo write path", { split: false }, (backend) => {
  it("64 concurrent commands at one expected version: 1 success, 63 typed conflicts, no gap", async () => {
    const tenantId = uuid()
    const instanceId = uuid()
    const t = template("race")
    const [create, start] = commits(t, progress(t, { instanceId, tenantId, steps: 0 }))
    const store = backend().services.workflowStore
    const access = tenantAccess(tenantId)
    for (const c of [create, start]) if (c !== undefined) await run(store.commit(access, { ...c, messages: [] }))
    const contenders = Array.from(
      { length: 64 },
      (_, n) => commits(t, progress(t, { instanceId, tenantId, steps: 1, output: { writer: n } }))[2]
    )
    const exits = await Promise.all(
      contenders.map((c) =>
        Effect.runPromiseExit(store.commit(access, { ...(c as NonNullable<typeof c>), messages: [] }))
      )
    )
    const reasons = exits.map((x) =>
      Exit.isSuccess(x) ? "ok" : (x.cause.reasons[0] as { error: StorageError }).error.reason._tag
    )
    expect(reasons.filter((r) => r === "ok")).toHaveLength(1)
    expect(reasons.filter((r) => r === "Conflict")).toHaveLength(63)
    const stored = await backend().inspect.events(instanceId)
    expect(stored.map((e) => e.sequence)).toEqual(stored.map((_, i) => i + 1))
    const winner = contenders[reasons.indexOf("ok")]?.events ?? []
    expect(stored.slice(-winner.length)).toEqual(winner)
  })

  it("resolves an ambiguous insert by reading its key back: the same commit id is a success", async () => {
    const events = backend().ctx.events
    const doc = (cid: string): CommitDoc => ({
      _id: `tenant-a/${uuid()}#1`,
      t: "tenant-a",
      i: "x",
      f: 1,
      l: 1,
      ev: [],
      at: [],
      a: new Date(0),
      c: [],
      cid,
      p: false,
      ca: new Date(0)
    })
    // the insert lands, then the reply is lost: a network error after the write
    const lostReply: InsertTarget = {
      insertOne: async (d, o) => {
        await events.insertOne(d as never, o)
        throw Object.assign(new Error("connection reset"), { name: "MongoNetworkError" })
      },
      findOne: (f, o) => events.findOne(f, o)
    }
    const mine = doc("commit-1")
    expect(await insertCommit(lostReply, mine, {})).toBe("inserted")
    // a retried insert of the same commit meets its own key: success, not a conflict
    expect(await insertCommit(events as unknown as InsertTarget, mine, {})).toBe("inserted")
    // another commit at that key is a conflict
    expect(await insertCommit(events as unknown as InsertTarget, { ...mine, cid: "commit-2" }, {})).toBe("taken")
    // an insert that never lands is tried again, then reported
    let tries = 0
    const down: InsertTarget = {
      insertOne: async () => {
        tries++
        throw Object.assign(new Error("timed out"), { name: "MongoNetworkTimeoutError" })
      },
      findOne: (f, o) => events.findOne(f, o)
    }
    await expect(insertCommit(down, doc("commit-3"), {})).rejects.toThrow("timed out")
    expect(tries).toBe(4)
  })

  it("stores step ids and data keys MongoDB refuses ('.', '$', '%', empty, __proto__) and reads them back", async () => {
    const tenantId = uuid()
    const instanceId = uuid()
    const t = template("odd-keys", ["step.one", "step:two", "three"])
    const output = JSON.parse('{"a.b": 1, "$where": "x", "%": {"": [{"__proto__": {"$ne": null}}]}, "%2E": "literal"}')
    const all = commits(t, progress(t, { instanceId, tenantId, steps: 2, output }))
    const store = backend().services.workflowStore
    const access = tenantAccess(tenantId)
    for (const c of all) await run(store.commit(access, { ...c, messages: [] }))
    const last = all[all.length - 1] as (typeof all)[number]
    expect(await backend().inspect.events(instanceId)).toEqual(all.flatMap((c) => c.events))
    const loaded = await run(store.load(access, instanceId))
    expect(loaded.state).toEqual(last.state)
    const data = loaded.state?.stepStates["step.one"]?.data as { "%": { "": Array<object> } }
    expect(Object.hasOwn(data, "%")).toBe(true)
    expect(Object.getPrototypeOf(data["%"][""][0])).toBe(Object.prototype)
    expect(await run(backend().services.instanceStore.get(access, instanceId))).toEqual(last.state)
  })

  it("reads until an instant exactly, whatever the number of fraction digits", async () => {
    const tenantId = uuid()
    const instanceId = uuid()
    const t = template("instants")
    const base = commits(t, progress(t, { instanceId, tenantId, steps: 0 }))
    const times = ["2026-01-01T00:00:01Z", "2026-01-01T00:00:01.000000001Z"]
    const events = base
      .flatMap((c) => c.events)
      .map((e, n): WorkflowEvent => ({ ...e, occurredAt: times[Math.min(n, 1)] as string }))
    const access = tenantAccess(tenantId)
    await run(backend().services.eventStore.append(access, events, 0))
    const read = (at: string) => run(backend().services.eventStore.readUntil(access, instanceId, at))
    expect((await read("2026-01-01T00:00:01.0Z")).map((e) => e.sequence)).toEqual([1])
    expect((await read("2026-01-01T00:00:01.000000001Z")).map((e) => e.sequence)).toEqual(events.map((e) => e.sequence))
    expect(await read("2026-01-01T00:00:00.999999999Z")).toEqual([])
  })
})
