/**
 * Conformance: the `WorkflowIndex` port — version-guarded upserts, filters (the due filter too) within the tenant, keyset pages without gaps or duplicates.
 */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { type Access, tenantAccess } from "../../Access.js"
import type { WorkflowState } from "../../State.js"
import { entryOf, type IndexEntry, WorkflowIndex } from "../../WorkflowIndex.js"
import { instant } from "../fixtures.js"
import { failureTag, type Harness } from "./context.js"

export const workflowIndexCases = (h: Harness): void => {
  describe("WorkflowIndex", () => {
    it("upserts version-guarded: racing versions leave the highest", async () => {
      const tenantId = await h.newTenant()
      const { state } = await h.seedCommitted(tenantId, 0)
      const access = tenantAccess(tenantId)
      const versions = Array.from({ length: 20 }, (_, i) => ({
        ...entryOf(state),
        version: state.version + i + 1,
        updatedAt: instant(500 + i)
      }))
      const results = await Promise.all(
        [...versions].reverse().map((entry) => h.run(Effect.flatMap(WorkflowIndex, (s) => s.upsert(access, entry))))
      )
      expect(results[0]).toBe(true)
      expect(await h.inspect.indexEntry(state.instanceId)).toEqual(versions[19])
      const stale = await h.run(Effect.flatMap(WorkflowIndex, (s) => s.upsert(access, versions[3] as IndexEntry)))
      expect(stale).toBe(false)
      expect(await h.inspect.indexEntry(state.instanceId)).toEqual(versions[19])
    })

    it("filters by status, role, current step, template and updated-since, within the tenant", async () => {
      const a = await h.newTenant()
      const b = await h.newTenant()
      const seeded = [
        await h.seedCommitted(a, 0, 10_000),
        await h.seedCommitted(a, 1, 10_100),
        await h.seedCommitted(a, 3, 10_200),
        await h.seedCommitted(b, 1, 10_300)
      ]
      const query = (access: Access, filter: object) =>
        h.run(
          Effect.flatMap(WorkflowIndex, (s) =>
            s.query(access, { templateId: h.template.id, ...filter }, { limit: 100 })
          )
        )
      const ids = (page: { readonly items: ReadonlyArray<IndexEntry> }) => page.items.map((e) => e.instanceId)
      const [a0, a1, a3, b1] = seeded.map((s) => s.instanceId) as [string, string, string, string]
      const asA = tenantAccess(a)
      expect(ids(await query(asA, {}))).toEqual([a0, a1, a3])
      expect(ids(await query(asA, { status: ["AWAITING_VALIDATION"] }))).toEqual([a3])
      expect(ids(await query(asA, { status: ["IN_PROGRESS", "DRAFT"] }))).toEqual([a0, a1])
      expect(ids(await query(asA, { currentStepId: "two" }))).toEqual([a1])
      expect(ids(await query(asA, { marketRole: "BRP" }))).toEqual([a0, a1, a3])
      expect(ids(await query(asA, { marketRole: "BSP" }))).toEqual([])
      expect(ids(await query(asA, { updatedSince: seeded[1]?.state.updatedAt }))).toEqual([a1, a3])
      expect((await query(asA, {})).items[0]).toEqual(entryOf(seeded[0]?.state as WorkflowState))
      // Tenant A never sees B, whatever the filter says.
      expect(ids(await query(asA, { tenantId: b }))).toEqual([])
      expect(ids(await query(asA, { currentStepId: "two", status: ["IN_PROGRESS"] }))).toEqual([a1])
      expect(ids(await query(tenantAccess(b), {}))).toEqual([b1])
      expect(await h.run(Effect.flatMap(WorkflowIndex, (s) => s.get(asA, b1)))).toBeUndefined()
      const ops = await h.operator()
      expect(ids(await query(ops, {})).filter((id) => [a0, a1, a3, b1].includes(id))).toEqual([a0, a1, a3, b1])
      expect(ids(await query(ops, { tenantId: b }))).toEqual([b1])
      const forged = { ...entryOf(seeded[3]?.state as WorkflowState), version: 99 }
      const violation = await h.exit(Effect.flatMap(WorkflowIndex, (s) => s.upsert(asA, forged)))
      expect(failureTag(violation)).toBe("TenantViolation")
      expect(await h.inspect.indexEntry(b1)).toEqual(entryOf(seeded[3]?.state as WorkflowState))
    })

    it("stores nextDueAt as given and filters by it (dueBy), within the tenant", async () => {
      const a = await h.newTenant()
      const b = await h.newTenant()
      const access = tenantAccess(a)
      const [early, late, none, other] = [
        await h.seedCommitted(a, 1, 50_000),
        await h.seedCommitted(a, 1, 50_100),
        await h.seedCommitted(a, 1, 50_200),
        await h.seedCommitted(b, 1, 50_300)
      ]
      const due = (seeded: { state: WorkflowState }, at: number | undefined): IndexEntry => {
        const { nextDueAt: _, ...entry } = entryOf(seeded.state)
        return at === undefined
          ? { ...entry, version: entry.version + 1 }
          : { ...entry, version: entry.version + 1, nextDueAt: instant(at) }
      }
      const upserts: ReadonlyArray<[Access, IndexEntry]> = [
        [access, due(early, 60_000)],
        [access, due(late, 70_000)],
        [access, due(none, undefined)],
        [tenantAccess(b), due(other, 60_000)]
      ]
      for (const [scope, entry] of upserts) await h.run(Effect.flatMap(WorkflowIndex, (s) => s.upsert(scope, entry)))
      expect(await h.inspect.indexEntry(early.instanceId)).toEqual(due(early, 60_000))
      expect((await h.inspect.indexEntry(none.instanceId))?.nextDueAt).toBeUndefined()
      const dueBy = async (scope: Access, at: number) =>
        (
          await h.run(
            Effect.flatMap(WorkflowIndex, (s) =>
              s.query(scope, { templateId: h.template.id, dueBy: instant(at) }, { limit: 100 })
            )
          )
        ).items.map((e) => e.instanceId)
      expect(await dueBy(access, 59_999)).toEqual([])
      expect(await dueBy(access, 60_000)).toEqual([early.instanceId])
      expect(await dueBy(access, 80_000)).toEqual([early.instanceId, late.instanceId])
      const ops = (await dueBy(await h.operator(), 80_000)).filter((id) =>
        [early.instanceId, late.instanceId, none.instanceId, other.instanceId].includes(id)
      )
      expect(ops).toEqual([early.instanceId, late.instanceId, other.instanceId])
    })

    it("paginates without gaps or duplicates while entries are inserted and updated", async () => {
      const tenantId = await h.newTenant()
      const access = tenantAccess(tenantId)
      const original: Array<string> = []
      for (let i = 0; i < 23; i++) original.push((await h.seedCommitted(tenantId, i % 3, 20_000 + i)).instanceId)
      const seen: Array<string> = []
      let cursor: string | undefined
      let pages = 0
      do {
        const page = await h.run(
          Effect.flatMap(WorkflowIndex, (s) =>
            s.query(access, { templateId: h.template.id }, cursor === undefined ? { limit: 5 } : { limit: 5, cursor })
          )
        )
        seen.push(...page.items.map((e) => e.instanceId))
        cursor = page.nextCursor
        pages++
        // Concurrent writers: new instances (some sorting before the cursor) and updates of seen ones.
        await Promise.all([h.seedCommitted(tenantId, 0, 19_000 + pages), h.seedCommitted(tenantId, 1, 30_000 + pages)])
        const first = page.items[0]
        if (first !== undefined) {
          await h.run(
            Effect.flatMap(WorkflowIndex, (s) =>
              s.upsert(access, { ...first, version: first.version + 100, updatedAt: instant(40_000 + pages) })
            )
          )
        }
      } while (cursor !== undefined && pages < 50)
      expect(new Set(seen).size).toBe(seen.length)
      for (const id of original) expect(seen).toContain(id)
    })

    it("rejects a bad page request with InvalidData", async () => {
      const access = tenantAccess(await h.newTenant())
      for (const page of [{ limit: 0 }, { limit: 501 }, { limit: 2.5 }, { limit: 10, cursor: "not a cursor" }]) {
        const result = await h.exit(Effect.flatMap(WorkflowIndex, (s) => s.query(access, {}, page)))
        expect(failureTag(result)).toBe("InvalidData")
      }
    })
  })
}
