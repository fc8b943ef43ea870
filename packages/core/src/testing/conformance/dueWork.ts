/**
 * Conformance of the `DueWork` port: due instances are claimed oldest due first, within the scope,
 * one claimer at a time while the lease runs (8 racing claimers take 60 due instances once each),
 * taken over when the lease ends, released early only by their owner; the queue's figures; and
 * malformed requests refused with `InvalidData`.
 */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { type Access, systemAccess, tenantAccess } from "../../Access.js"
import { type DueItem, DueWork, type DueWorkService } from "../../DueWork.js"
import { entryOf, type IndexEntry, WorkflowIndex } from "../../WorkflowIndex.js"
import { instant } from "../fixtures.js"
import { failureTag, type Harness } from "./context.js"

export const dueWorkCases = (h: Harness): void => {
  const due = <A, X>(f: (d: DueWorkService) => Effect.Effect<A, X>) => h.run(Effect.flatMap(DueWork, f))
  const dueExit = <A, X>(f: (d: DueWorkService) => Effect.Effect<A, X>) => h.exit(Effect.flatMap(DueWork, f))

  /** A committed instance of `tenantId` whose index entry says it is due at `at` seconds (or not due). */
  const dueInstance = async (tenantId: string, at: number | undefined): Promise<IndexEntry> => {
    const seeded = await h.seedCommitted(tenantId, 1, (at ?? 0) - 1000)
    const { nextDueAt: _, ...entry } = entryOf(seeded.state)
    const next: IndexEntry =
      at === undefined
        ? { ...entry, version: entry.version + 1 }
        : { ...entry, version: entry.version + 1, nextDueAt: instant(at) }
    await h.run(Effect.flatMap(WorkflowIndex, (s) => s.upsert(tenantAccess(tenantId), next)))
    return next
  }

  const claim = (access: Access, owner: string, now: number, limit = 100, leaseSeconds = 60) =>
    due((d) => d.claim(access, { owner, now: instant(now), leaseMs: leaseSeconds * 1000, limit }))

  const ids = (items: ReadonlyArray<DueItem>) => items.map((i) => i.instanceId)

  describe("DueWork", () => {
    it("claims due instances oldest first, within the tenant, once while the lease runs", async () => {
      const a = await h.newTenant()
      const b = await h.newTenant()
      const late = await dueInstance(a, 2_000)
      const early = await dueInstance(a, 1_000)
      await dueInstance(a, undefined)
      await dueInstance(b, 1_000)
      const asA = tenantAccess(a)
      expect(await claim(asA, "w1", 999)).toEqual([])
      const first = await claim(asA, "w1", 2_000)
      expect(first).toEqual([
        { tenantId: a, instanceId: early.instanceId, version: early.version, dueAt: instant(1_000) },
        { tenantId: a, instanceId: late.instanceId, version: late.version, dueAt: instant(2_000) }
      ])
      // held: another claimer (or the same one) gets nothing until the lease ends
      expect(await claim(asA, "w2", 2_059)).toEqual([])
      expect(await claim(asA, "w1", 2_059)).toEqual([])
      expect(ids(await claim(asA, "w2", 2_060, 1))).toEqual([early.instanceId])
      expect(ids(await claim(asA, "w3", 2_060))).toEqual([late.instanceId])
    })

    it("release ends only the owner's own leases", async () => {
      const a = await h.newTenant()
      const one = await dueInstance(a, 3_000)
      const two = await dueInstance(a, 3_001)
      const asA = tenantAccess(a)
      expect(ids(await claim(asA, "w1", 3_010))).toEqual([one.instanceId, two.instanceId])
      await due((d) => d.release(asA, { owner: "intruder", instanceIds: [one.instanceId, two.instanceId] }))
      expect(await claim(asA, "w2", 3_011)).toEqual([])
      await due((d) => d.release(asA, { owner: "w1", instanceIds: [two.instanceId, "no-such-instance"] }))
      expect(ids(await claim(asA, "w2", 3_012))).toEqual([two.instanceId])
      // another tenant cannot release a tenant's lease, even naming the owner
      const stranger = tenantAccess(await h.newTenant())
      await due((d) => d.release(stranger, { owner: "w2", instanceIds: [two.instanceId] }))
      expect(await claim(asA, "w3", 3_013)).toEqual([])
    })

    it("8 concurrent claimers take 60 due instances, each once", async () => {
      const a = await h.newTenant()
      const seeded = new Set<string>()
      for (let i = 0; i < 60; i++) seeded.add((await dueInstance(a, 4_000 + (i % 7))).instanceId)
      const asA = tenantAccess(a)
      const taken: Array<string> = []
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          for (let round = 0; round < 60; round++) {
            const batch = await claim(asA, `worker-${w}`, 4_100, 3, 600)
            if (batch.length === 0) return
            taken.push(...ids(batch))
          }
        })
      )
      expect(taken).toHaveLength(60)
      expect(new Set(taken)).toEqual(seeded)
    })

    it("the system scope claims every tenant's due instances; the figures count due and leased ones", async () => {
      // instants of the year 2000, which no other case uses: the system scope sees every tenant
      const base = -820_000_000
      const a = await h.newTenant()
      const b = await h.newTenant()
      const first = await dueInstance(a, base)
      const second = await dueInstance(b, base + 5)
      await dueInstance(b, base + 100)
      const system = systemAccess("conformance")
      const stats = (now: number) => due((d) => d.stats(system, instant(now)))
      expect(await stats(base - 1)).toEqual({ due: 0, leased: 0 })
      expect(await stats(base + 10)).toEqual({ due: 2, leased: 0, oldestDueAt: instant(base) })
      expect(ids(await claim(system, "w", base + 10, 1))).toEqual([first.instanceId])
      expect(await stats(base + 10)).toEqual({ due: 2, leased: 1, oldestDueAt: instant(base) })
      expect(await due((d) => d.stats(tenantAccess(b), instant(base + 10)))).toEqual({
        due: 1,
        leased: 0,
        oldestDueAt: instant(base + 5)
      })
      expect(ids(await claim(system, "w", base + 10))).toEqual([second.instanceId])
    })

    it("refuses malformed claims, releases and instants with InvalidData", async () => {
      const a = await h.newTenant()
      const held = await dueInstance(a, 5_000)
      const asA = tenantAccess(a)
      expect(ids(await claim(asA, "w", 5_000))).toEqual([held.instanceId])
      const requests: ReadonlyArray<unknown> = [
        null,
        "x",
        [],
        { owner: "w", now: instant(5_000), leaseMs: 1000 },
        { owner: "", now: instant(5_000), leaseMs: 1000, limit: 1 },
        { owner: "w".repeat(201), now: instant(5_000), leaseMs: 1000, limit: 1 },
        { owner: "w", now: "soon", leaseMs: 1000, limit: 1 },
        { owner: "w", now: instant(5_000), leaseMs: 0, limit: 1 },
        { owner: "w", now: instant(5_000), leaseMs: 86_400_001, limit: 1 },
        { owner: "w", now: instant(5_000), leaseMs: 1000, limit: 0 },
        { owner: "w", now: instant(5_000), leaseMs: 1000, limit: 501 },
        { owner: "w", now: instant(5_000), leaseMs: 1000, limit: 1.5 }
      ]
      for (const request of requests) {
        expect(failureTag(await dueExit((d) => d.claim(asA, request as never)))).toBe("InvalidData")
      }
      for (const release of [
        null,
        { owner: "w" },
        { owner: "w", instanceIds: "x" },
        { owner: "", instanceIds: [] },
        { owner: "w", instanceIds: Array.from({ length: 501 }, (_, i) => `i${i}`) }
      ]) {
        expect(failureTag(await dueExit((d) => d.release(asA, release as never)))).toBe("InvalidData")
      }
      expect(failureTag(await dueExit((d) => d.stats(asA, "yesterday")))).toBe("InvalidData")
      // the lease is still held
      expect(await claim(asA, "other", 5_001)).toEqual([])
    })
  })
}
