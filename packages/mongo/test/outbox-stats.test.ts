/**
 * `Outbox.stats` beyond core's conformance case, on FerretDB (MongoDB only, and the split): the
 * system and operator scopes count every tenant's messages and a tenant only its own; a retried
 * message is available from its retry time (never before its `availableAt`) and an ended lease from
 * its availability, not its lease end; instants keep their sub-millisecond digits; message ids
 * whose UTF-16 order differs from the server's (UTF-8) order are merged with their slots; and a
 * malformed `now` or scope is a typed `InvalidData`. The merge's string order is checked against
 * UTF-8 byte order without a database.
 */
import {
  type Access,
  type ClaimedMessage,
  type OutboxMessage,
  type OutboxStats,
  operatorAccess,
  type StorageError,
  systemAccess,
  tenantAccess
} from "@workflow-manager/core"
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { compareCodePoints } from "../src/internal/sorted.js"
import { describeBackend } from "./support/backend.js"
import { commits, instant, progress, template, uuid } from "./support/fixtures.js"

const run = <A>(effect: Effect.Effect<A, StorageError>): Promise<A> => Effect.runPromise(effect)
const tagOf = async (effect: Effect.Effect<unknown, StorageError>) => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return undefined
  const error = exit.cause.reasons.find((r) => r._tag === "Fail")
  return error?._tag === "Fail" ? (error.error as StorageError).reason._tag : "Die"
}

describe("the merge's string order", () => {
  it("is UTF-8 byte order (the server's), not UTF-16 code unit order", () => {
    const corpus = ["", "a", "a:b", "a#1", "a#10", "a#2", "Z", "é", "\u00ff", "\u0800", "\ud7ff", "\ue000", "\uffff"]
    const astral = ["\u{10000}", "\u{1f600}", "\u{10ffff}", "a\u{1f600}", "a\uffff"]
    const all = [...corpus, ...astral]
    const byBytes = [...all].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    expect([...all].sort(compareCodePoints)).toEqual(byBytes)
    // where JavaScript's own order differs: an astral code point after U+FFFF
    expect("\u{1f600}" < "\uffff").toBe(true)
    expect(compareCodePoints("\u{1f600}", "\uffff")).toBeGreaterThan(0)
    expect(compareCodePoints("ab", "ab")).toBe(0)
  })
})

for (const split of [false, true]) {
  await describeBackend("mongo outbox stats", { split }, (backend) => {
    const t = template(`stats-${uuid().slice(0, 8)}`)
    const outbox = () => backend().services.outbox
    const stats = (access: Access, now: string): Promise<OutboxStats> => {
      const figures = outbox().stats
      if (figures === undefined) throw new Error("the mongo outbox has stats")
      return run(figures(access, now))
    }
    const newTenant = async () => {
      const tenantId = uuid()
      await backend().inspect.ensureTenant(tenantId)
      return tenantId
    }
    /** A new instance of `tenantId` committed with messages `ids` (`[suffix, availableAt]`). */
    const queue = async (tenantId: string, ids: ReadonlyArray<readonly [string, string]>) => {
      const instanceId = uuid()
      const [create] = commits(t, progress(t, { instanceId, tenantId, steps: 0 }))
      if (create === undefined) throw new Error("no commit")
      const messages = ids.map(
        ([suffix, availableAt]): OutboxMessage => ({
          schemaVersion: 1,
          id: `${instanceId}:${suffix}`,
          tenantId,
          instanceId,
          sequence: 1,
          kind: "mail",
          payload: { suffix },
          createdAt: instant(0),
          availableAt
        })
      )
      await run(backend().services.workflowStore.commit(tenantAccess(tenantId), { ...create, messages }))
      return instanceId
    }
    const claim = (access: Access, now: string, limit: number, leaseSeconds: number) =>
      run(outbox().claim(access, { owner: "w", now, leaseMs: leaseSeconds * 1000, limit }))

    // first in the file: the system and operator figures are of this database's messages only
    it("the system and operator scopes count every tenant's messages, a tenant only its own", async () => {
      const [a, b] = [await newTenant(), await newTenant()]
      const system = systemAccess("metrics")
      const operator = backend().pg?.operator ?? operatorAccess("ops", uuid())
      const none = { waiting: 0, available: 0, dead: 0 }
      expect(await stats(system, instant(30))).toEqual(none)
      const ia = await queue(a, [
        ["a1", instant(10)],
        ["a2", instant(20)]
      ])
      const ib = await queue(b, [
        ["b1", instant(5)],
        ["b2", instant(40)]
      ])
      const [held] = (await claim(tenantAccess(b), instant(5), 1, 100)) as [ClaimedMessage] // b1, until 105
      expect(held.id).toBe(`${ib}:b1`)
      const all = { waiting: 4, available: 2, oldestAvailableAt: instant(10), dead: 0 }
      expect(await stats(system, instant(30))).toEqual(all)
      expect(await stats(operator, instant(30))).toEqual(all)
      expect(await stats(tenantAccess(a), instant(30))).toEqual({
        waiting: 2,
        available: 2,
        oldestAvailableAt: instant(10),
        dead: 0
      })
      expect(await stats(tenantAccess(b), instant(30))).toEqual({ waiting: 2, available: 0, dead: 0 })
      expect(await stats(tenantAccess(await newTenant()), instant(30))).toEqual(none)
      // b1's lease ends at 105: available again, and the oldest (its availableAt, not its lease end)
      expect(await stats(system, instant(200))).toEqual({
        waiting: 4,
        available: 4,
        oldestAvailableAt: instant(5),
        dead: 0
      })
      await run(outbox().fail(tenantAccess(b), held, { error: "invalid address" }))
      const after = await stats(system, instant(200))
      expect(after).toEqual({ waiting: 3, available: 3, oldestAvailableAt: instant(10), dead: 1 })
      // the same figures, read directly from storage
      const stored = [...(await backend().inspect.outbox(ia)), ...(await backend().inspect.outbox(ib))]
      expect(stored.filter((m) => m.status === "pending" || m.status === "claimed")).toHaveLength(after.waiting)
      expect(stored.filter((m) => m.status === "dead")).toHaveLength(after.dead)
    })

    it("a retried message counts from its retry time, an ended lease from the message's availability", async () => {
      const tenantId = await newTenant()
      const access = tenantAccess(tenantId)
      const id = await queue(tenantId, [
        ["m1", instant(10)],
        ["m2", instant(20)]
      ])
      const byId = (claimed: ReadonlyArray<ClaimedMessage>, suffix: string) =>
        claimed.find((m) => m.id === `${id}:${suffix}`) as ClaimedMessage
      const first = await claim(access, instant(20), 2, 5) // both, until 25
      await run(outbox().fail(access, byId(first, "m1"), { error: "503", retryAt: instant(50) }))
      // m1 waits for 50; m2's lease ended at 25: available, as of its availableAt
      expect(await stats(access, instant(30))).toEqual({
        waiting: 2,
        available: 1,
        oldestAvailableAt: instant(20),
        dead: 0
      })
      expect(await stats(access, instant(50))).toEqual({
        waiting: 2,
        available: 2,
        oldestAvailableAt: instant(20),
        dead: 0
      })
      const second = await claim(access, instant(50), 2, 5) // both again, until 55
      expect(second).toHaveLength(2)
      expect(await stats(access, instant(54))).toEqual({ waiting: 2, available: 0, dead: 0 })
      await run(outbox().complete(access, byId(second, "m2")))
      // m1's lease ended at 55: available as of its retry time
      expect(await stats(access, instant(60))).toEqual({
        waiting: 1,
        available: 1,
        oldestAvailableAt: instant(50),
        dead: 0
      })
      // a retry time before the message's availableAt: available from the availableAt (as claim sees it)
      const [third] = (await claim(access, instant(60), 1, 5)) as [ClaimedMessage]
      await run(outbox().fail(access, third, { error: "503", retryAt: instant(1) }))
      expect(await stats(access, instant(60))).toEqual({
        waiting: 1,
        available: 1,
        oldestAvailableAt: instant(10),
        dead: 0
      })
      const [fourth] = (await claim(access, instant(60), 1, 5)) as [ClaimedMessage]
      await run(outbox().fail(access, fourth, { error: "gone" }))
      expect(await stats(access, instant(60))).toEqual({ waiting: 0, available: 0, dead: 1 })
    })

    it("keeps sub-millisecond instants exact, as claim compares them", async () => {
      const tenantId = await newTenant()
      const access = tenantAccess(tenantId)
      await queue(tenantId, [
        ["ns", "2026-01-01T00:00:10.000000500Z"],
        ["us", "2026-01-01T00:00:11.123456Z"],
        ["s", "2026-01-01T00:00:12Z"]
      ])
      const early = "2026-01-01T00:00:10.0000004Z"
      expect(await stats(access, early)).toEqual({ waiting: 3, available: 0, dead: 0 })
      expect(await claim(access, early, 10, 1)).toEqual([])
      expect(await stats(access, "2026-01-01T00:00:10.0000005Z")).toEqual({
        waiting: 3,
        available: 1,
        oldestAvailableAt: "2026-01-01T00:00:10.000000500Z",
        dead: 0
      })
      expect(await stats(access, "2026-01-01T00:00:12Z")).toMatchObject({ available: 3 })
      const [ns, us] = await claim(access, "2026-01-01T00:00:12Z", 2, 1) // until 13
      await run(outbox().complete(access, ns as ClaimedMessage))
      expect(await stats(access, "2026-01-01T00:00:14Z")).toEqual({
        waiting: 2,
        available: 2,
        oldestAvailableAt: "2026-01-01T00:00:11.123456Z",
        dead: 0
      })
      await run(outbox().fail(access, us as ClaimedMessage, { error: "503", retryAt: "2026-01-01T00:00:20.5Z" }))
      expect(await stats(access, "2026-01-01T00:00:30Z")).toEqual({
        waiting: 2,
        available: 2,
        oldestAvailableAt: "2026-01-01T00:00:12.000Z",
        dead: 0
      })
      expect(await stats(access, "2026-01-01T00:00:20.4Z")).toEqual({
        waiting: 2,
        available: 1,
        oldestAvailableAt: "2026-01-01T00:00:12.000Z",
        dead: 0
      })
    })

    it("merges message ids the server sorts otherwise than JavaScript (astral characters) with their slots", async () => {
      const tenantId = await newTenant()
      const access = tenantAccess(tenantId)
      const suffixes = ["\u{1f600}", "\uffff", "\ue000", "a", "\u00e9", "\u{10000}x", "\uffffx"]
      const id = await queue(
        tenantId,
        suffixes.map((s) => [s, instant(1)] as const)
      )
      const claimed = await claim(access, instant(1), 10, 100)
      expect(claimed).toHaveLength(suffixes.length)
      // the astral ones delivered, U+FFFF dead, the rest held
      for (const m of claimed) {
        const suffix = m.id.slice(id.length + 1)
        if ((suffix.codePointAt(0) ?? 0) > 0xffff) await run(outbox().complete(access, m))
        else if (suffix === "\uffff") await run(outbox().fail(access, m, { error: "refused" }))
      }
      expect(await stats(access, instant(2))).toEqual({ waiting: 4, available: 0, dead: 1 })
      expect(await stats(access, instant(200))).toEqual({
        waiting: 4,
        available: 4,
        oldestAvailableAt: instant(1),
        dead: 1
      })
      const stored = await backend().inspect.outbox(id)
      expect(stored.map((m) => m.status).sort()).toEqual([
        "claimed",
        "claimed",
        "claimed",
        "claimed",
        "dead",
        "done",
        "done"
      ])
    })

    it("refuses a malformed now or scope with InvalidData", async () => {
      const access = tenantAccess(await newTenant())
      const figures = outbox().stats
      if (figures === undefined) throw new Error("the mongo outbox has stats")
      const nows: ReadonlyArray<unknown> = [
        undefined,
        null,
        42,
        "soon",
        "2026-01-01",
        "2026-13-01T00:00:00Z",
        "2026-01-01T00:00:00Z\u0000",
        { $gt: "" },
        new Date(0)
      ]
      for (const now of nows) expect(await tagOf(figures(access, now as never))).toBe("InvalidData")
      for (const scope of [null, {}, { _tag: "Tenant", tenantId: { $ne: null } }, { _tag: "Root" }]) {
        expect(await tagOf(figures(scope as never, instant(0)))).toBe("InvalidData")
      }
    })
  })
}
