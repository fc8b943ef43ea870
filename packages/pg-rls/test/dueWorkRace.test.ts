/**
 * Claims of due instances racing on the PostgreSQL server: 4 claimers, each on a connection of its
 * own, over 300 due instances of 3 tenants — each instance is claimed exactly once, by the claimer
 * whose lease it holds; when the leases have ended, the same race over the same instances (the
 * claims now overwrite ended leases) again hands each out exactly once; and claims racing with
 * commits that move the instances' due times never hand out an instance that is no longer due.
 * (PGlite is one connection: its claims cannot race; the conformance suite covers it.)
 */
import { randomUUID } from "node:crypto"
import { type DueItem, entryOf, systemAccess, tenantAccess } from "@workflow-manager/core"
import { Effect } from "effect"
import type pg from "pg"
import { afterAll, beforeAll, expect, it } from "vitest"
import { fromPool, make, type PgRlsServices, type PoolLike } from "../src/index.js"
import { run } from "./support/attacks.js"
import { describeBackends } from "./support/backends.js"
import { dueInstance, instantIn } from "./support/due.js"
import { stateOf } from "./support/fixtures.js"

const CLAIMERS = 4
const INSTANCES = 300

await describeBackends(
  "due work races",
  (backend) => {
    const pools: Array<pg.Pool> = []
    const claimers: Array<PgRlsServices> = []
    const tenants = [randomUUID(), randomUUID(), randomUUID()]
    const seeded = new Set<string>()

    beforeAll(async () => {
      const b = backend()
      for (const tenantId of tenants) await b.inspect.ensureTenant(tenantId)
      // 300 instances due within one minute of 2030, seeded 8 at a time
      const ids = Array.from({ length: INSTANCES }, (_, i) => i)
      for (let i = 0; i < ids.length; i += 8) {
        const made = await Promise.all(
          ids.slice(i, i + 8).map((n) => dueInstance(b.services, tenants[n % 3] as string, instantIn(2030, n % 60)))
        )
        for (const id of made) seeded.add(id)
      }
      for (let k = 0; k < CLAIMERS; k++) {
        const pool = b.newPool?.(1)
        if (pool === undefined) throw new Error("the race needs the server")
        pools.push(pool)
        claimers.push(await Effect.runPromise(make({ client: fromPool(pool as unknown as PoolLike) })))
      }
    })

    afterAll(async () => {
      await Promise.all(pools.map((pool) => pool.end()))
    })

    /** Every claimer claims batches of 7 until it gets none (at most 200 rounds each). */
    const race = async (now: string): Promise<Array<{ owner: string; item: DueItem }>> => {
      const taken: Array<{ owner: string; item: DueItem }> = []
      await Promise.all(
        claimers.map(async (services, k) => {
          const owner = `claimer-${k}`
          for (let round = 0; round < 200; round++) {
            const batch = await run(
              services.dueWork.claim(systemAccess(owner), { owner, now, leaseMs: 60_000, limit: 7 })
            )
            if (batch.length === 0) return
            for (const item of batch) taken.push({ owner, item })
          }
        })
      )
      return taken
    }

    /** The lease rows: instance → owner. */
    const leases = async () =>
      new Map(
        (
          await backend().admin.query<{ instance_id: string; owner: string }>(
            "select instance_id, owner from workflow_due_leases"
          )
        ).map((row) => [row.instance_id, row.owner])
      )

    it(`${CLAIMERS} claimers on ${CLAIMERS} connections over ${INSTANCES} due instances: each claimed exactly once`, async () => {
      const now = instantIn(2030, 100)
      const taken = await race(now)
      expect(taken).toHaveLength(INSTANCES)
      expect(new Set(taken.map((t) => t.item.instanceId))).toEqual(seeded)
      const held = await leases()
      for (const { owner, item } of taken) expect(held.get(item.instanceId), item.instanceId).toBe(owner)
      expect(await run(backend().services.dueWork.stats(systemAccess("stats"), now))).toEqual({
        due: INSTANCES,
        leased: INSTANCES,
        oldestDueAt: instantIn(2030, 0)
      })
      // while the leases run, nobody gets anything
      expect(await race(instantIn(2030, 159))).toEqual([])
    })

    it("when the leases have ended, the same race hands each instance out exactly once again", async () => {
      const taken = await race(instantIn(2030, 160))
      expect(taken).toHaveLength(INSTANCES)
      expect(new Set(taken.map((t) => t.item.instanceId))).toEqual(seeded)
      const held = await leases()
      for (const { owner, item } of taken) expect(held.get(item.instanceId), item.instanceId).toBe(owner)
    })

    it("claims racing with commits that move the due times never hand out an instance no longer due", async () => {
      const b = backend()
      // every instance's entry moves to 2031 (version 4), while the claimers race at a 2030 instant
      // after the leases above ended
      const now = instantIn(2030, 300)
      const ids = [...seeded]
      const moved = new Set<string>()
      const moving = (async () => {
        for (let i = 0; i < ids.length; i += 10) {
          await Promise.all(
            ids.slice(i, i + 10).map(async (instanceId) => {
              const rows = await b.admin.query<{ tenant_id: string }>(
                "select tenant_id from wm_instance_owners where instance_id = $1",
                [instanceId]
              )
              const tenantId = rows[0]?.tenant_id as string
              const entry = { ...entryOf(stateOf({ instanceId, tenantId }, 2)), version: 4 }
              await run(
                b.services.workflowIndex.upsert(tenantAccess(tenantId), { ...entry, nextDueAt: instantIn(2031, 0) })
              )
              moved.add(instanceId)
            })
          )
        }
      })()
      const [taken] = await Promise.all([race(now), moving])
      // each instance at most once; one claimed at version 4 would have been claimed while no longer due
      expect(new Set(taken.map((t) => t.item.instanceId)).size).toBe(taken.length)
      for (const { item } of taken) {
        expect(item.version, item.instanceId).toBe(3)
        expect(item.dueAt.startsWith("2030-"), item.instanceId).toBe(true)
      }
      expect(moved.size).toBe(INSTANCES)
      expect(await race(now)).toEqual([])
    })
  },
  { only: "postgres" }
)
