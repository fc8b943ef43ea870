/**
 * The outbox beyond core's conformance suite, on FerretDB (MongoDB only, and the split): a crash
 * between the commit insert and any later outbox write loses no message (the reconciler queues it,
 * once); a message id queued by an earlier commit stays as it was; the system scope claims across
 * tenants while a tenant claims and settles only its own; operator-injection payloads through every
 * string argument are typed errors; and the claim and settlement documents are what ADR 0008 says.
 */
import {
  type ClaimedMessage,
  type OutboxMessage,
  type StorageError,
  systemAccess,
  tenantAccess
} from "@workflow-manager/core"
import { Effect, Exit } from "effect"
import { expect, it } from "vitest"
import type { CrashPoint } from "../src/MongoWorkflowStore.js"
import { describeBackend } from "./support/backend.js"
import { commits, instant, progress, template, uuid } from "./support/fixtures.js"

const run = <A>(effect: Effect.Effect<A, StorageError>): Promise<A> => Effect.runPromise(effect)
const tagOf = async (effect: Effect.Effect<unknown, StorageError>) => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return undefined
  const error = exit.cause.reasons.find((r) => r._tag === "Fail")
  return error?._tag === "Fail" ? (error.error as StorageError).reason._tag : "Die"
}

const message = (tenantId: string, instanceId: string, n: number, kind = "mail"): OutboxMessage => ({
  schemaVersion: 1,
  id: `${instanceId}:m${n}`,
  tenantId,
  instanceId,
  sequence: 1,
  kind,
  payload: { n, "a.b": { $c: "%" } },
  createdAt: instant(0),
  availableAt: instant(0)
})

for (const split of [false, true]) {
  await describeBackend("mongo outbox", { split }, (backend) => {
    const t = template(`outbox-${uuid().slice(0, 8)}`)
    const newTenant = async () => {
      const tenantId = uuid()
      await backend().inspect.ensureTenant(tenantId)
      return tenantId
    }
    /** Every message the scope can claim now, completed (bounded). */
    const drain = async (tenantId: string | undefined, owner: string) => {
      const access = tenantId === undefined ? systemAccess(owner) : tenantAccess(tenantId)
      const out: Array<ClaimedMessage> = []
      for (let round = 0; round < 50; round++) {
        const batch = await run(
          backend().services.outbox.claim(access, { owner, now: instant(10), leaseMs: 60_000, limit: 100 })
        )
        if (batch.length === 0) break
        for (const m of batch) await run(backend().services.outbox.complete(access, m))
        out.push(...batch)
      }
      return out
    }

    it.each(["afterInsert", "afterQueue", "afterIndex"] as const)(
      "a crash %s loses no message: the reconciler queues it, once",
      async (point: CrashPoint) => {
        const tenantId = await newTenant()
        const instanceId = uuid()
        const [create] = commits(t, progress(t, { instanceId, tenantId, steps: 0 }))
        if (create === undefined) throw new Error("no commit")
        const crashing = backend().withFaults({ crash: (p, id) => p === point && id === instanceId })
        const exit = await Effect.runPromiseExit(
          crashing.workflowStore.commit(tenantAccess(tenantId), {
            ...create,
            messages: [message(tenantId, instanceId, 1), message(tenantId, instanceId, 2)]
          })
        )
        expect(Exit.isFailure(exit)).toBe(true) // the process "died" before answering
        // the commit landed with its messages: the command happened
        expect(await backend().inspect.events(instanceId)).toEqual(create.events)
        const queuedBefore = (await backend().inspect.outbox(instanceId)).length
        expect(queuedBefore).toBe(point === "afterInsert" ? 0 : 2)
        const report = await run(backend().services.reconciler.reconcile(tenantId, { graceMs: 0 }))
        expect(report.failed).toEqual([])
        expect(report.queued).toBe(point === "afterInsert" ? 2 : 0)
        const delivered = await drain(tenantId, "w")
        expect(delivered.map((m) => [m.id, m.attempt, m.payload])).toEqual([
          [`${instanceId}:m1`, 1, { n: 1, "a.b": { $c: "%" } }],
          [`${instanceId}:m2`, 1, { n: 2, "a.b": { $c: "%" } }]
        ])
        // a second pass changes nothing, and nothing is delivered twice
        const again = await run(backend().services.reconciler.reconcile(tenantId, { graceMs: 0 }))
        expect([again.scanned, again.queued, again.marked]).toEqual([0, 0, 0])
        expect(await drain(tenantId, "w")).toEqual([])
        expect((await backend().inspect.outbox(instanceId)).map((m) => [m.status, m.attempt])).toEqual([
          ["done", 1],
          ["done", 1]
        ])
      }
    )

    it("a message id queued by an earlier commit stays as it was", async () => {
      const tenantId = await newTenant()
      const instanceId = uuid()
      const [create, start] = commits(t, progress(t, { instanceId, tenantId, steps: 0 }))
      if (create === undefined || start === undefined) throw new Error("no commits")
      const access = tenantAccess(tenantId)
      await run(
        backend().services.workflowStore.commit(access, { ...create, messages: [message(tenantId, instanceId, 1)] })
      )
      const repeated = { ...message(tenantId, instanceId, 1), payload: { changed: true }, sequence: 2 }
      await run(backend().services.workflowStore.commit(access, { ...start, messages: [repeated] }))
      const stored = await backend().inspect.outbox(instanceId)
      expect(stored.map((m) => [m.message.payload, m.message.sequence])).toEqual([[{ n: 1, "a.b": { $c: "%" } }, 1]])
    })

    it("the system scope claims across tenants; a tenant claims and settles only its own", async () => {
      const [a, b] = [await newTenant(), await newTenant()]
      const ids: Array<string> = []
      for (const tenantId of [a, b]) {
        const instanceId = uuid()
        ids.push(`${instanceId}:m1`)
        const [create] = commits(t, progress(t, { instanceId, tenantId, steps: 0 }))
        if (create === undefined) throw new Error("no commit")
        await run(
          backend().services.workflowStore.commit(tenantAccess(tenantId), {
            ...create,
            messages: [message(tenantId, instanceId, 1, `kind-${tenantId.slice(0, 8)}`)]
          })
        )
      }
      const outbox = backend().services.outbox
      const worker = systemAccess("worker")
      const kinds = [`kind-${a.slice(0, 8)}`, `kind-${b.slice(0, 8)}`]
      const claimed = await run(
        outbox.claim(worker, { owner: "worker", now: instant(10), leaseMs: 60_000, limit: 10, kinds })
      )
      expect(claimed.map((m) => m.id).sort()).toEqual([...ids].sort())
      const ofA = claimed.find((m) => m.tenantId === a) as ClaimedMessage
      const ofB = claimed.find((m) => m.tenantId === b) as ClaimedMessage
      // tenant b can neither see nor settle tenant a's claim
      expect(await tagOf(outbox.complete(tenantAccess(b), ofA))).toBe("Conflict")
      expect(await tagOf(outbox.fail(tenantAccess(b), ofA, { error: "x" }))).toBe("Conflict")
      await run(outbox.complete(worker, ofA))
      await run(outbox.complete(tenantAccess(b), ofB))
      expect(await tagOf(outbox.complete(worker, ofA))).toBe("Conflict") // settled once
      const statuses = await Promise.all(
        claimed.map(async (m) => (await backend().inspect.outbox(m.instanceId))[0]?.status)
      )
      expect(statuses).toEqual(["done", "done"])
    })

    it("operator-injection payloads through every string argument are typed errors and match nothing", async () => {
      const tenantId = await newTenant()
      const instanceId = uuid()
      const [create] = commits(t, progress(t, { instanceId, tenantId, steps: 0 }))
      if (create === undefined) throw new Error("no commit")
      const access = tenantAccess(tenantId)
      await run(
        backend().services.workflowStore.commit(access, { ...create, messages: [message(tenantId, instanceId, 1)] })
      )
      const payloads: ReadonlyArray<unknown> = [
        { $ne: null },
        { $gt: "" },
        { $regex: ".*" },
        { $where: "true" },
        { $exists: true },
        { $in: ["w"] },
        ["w"],
        null,
        42,
        "",
        "\u0000",
        "x".repeat(601),
        { toString: () => "w" }
      ]
      const outbox = backend().services.outbox
      const ok = { owner: "w", now: instant(10), leaseMs: 1000, limit: 10 }
      for (const p of payloads) {
        expect(await tagOf(outbox.claim(access, { ...ok, owner: p } as never))).toBe("InvalidData")
        expect(await tagOf(outbox.claim(access, { ...ok, now: p } as never))).toBe("InvalidData")
        expect(await tagOf(outbox.claim(access, { ...ok, kinds: [p] } as never))).toBe("InvalidData")
        expect(await tagOf(outbox.complete(access, { id: p, owner: "w", attempt: 1 } as never))).toBe("InvalidData")
        expect(await tagOf(outbox.complete(access, { id: "x", owner: p, attempt: 1 } as never))).toBe("InvalidData")
        expect(
          await tagOf(outbox.fail(access, { id: "x", owner: "w", attempt: 1 }, { error: "e", retryAt: p } as never))
        ).toBe("InvalidData")
      }
      expect(await tagOf(outbox.claim({ _tag: "Tenant", tenantId: { $ne: null } } as never, ok))).toBe("InvalidData")
      // a malformed message in a commit is refused before anything is written
      const bad = { ...message(tenantId, instanceId, 2), id: { $ne: null } }
      const next = commits(t, progress(t, { instanceId, tenantId, steps: 0 }))[1]
      if (next === undefined) throw new Error("no commit")
      expect(await tagOf(backend().services.workflowStore.commit(access, { ...next, messages: [bad as never] }))).toBe(
        "InvalidData"
      )
      const foreign = { ...message(tenantId, instanceId, 3), instanceId: uuid() }
      expect(await tagOf(backend().services.workflowStore.commit(access, { ...next, messages: [foreign] }))).toBe(
        "InvalidData"
      )
      // nothing was claimed by any of it: the message is still pending
      expect((await backend().inspect.outbox(instanceId)).map((m) => [m.status, m.attempt])).toEqual([["pending", 0]])
    })

    it("stores claims and settlements as insert-only slots keyed <tenant>/<message>#<slot>", async () => {
      const tenantId = await newTenant()
      const instanceId = uuid()
      const [create] = commits(t, progress(t, { instanceId, tenantId, steps: 0 }))
      if (create === undefined) throw new Error("no commit")
      const access = tenantAccess(tenantId)
      await run(
        backend().services.workflowStore.commit(access, { ...create, messages: [message(tenantId, instanceId, 1)] })
      )
      const outbox = backend().services.outbox
      const claim = (now: number) =>
        run(outbox.claim(access, { owner: "w", now: instant(now), leaseMs: 1000, limit: 1 }))
      const [first] = (await claim(0)) as [ClaimedMessage]
      await run(outbox.fail(access, first, { error: "503", retryAt: instant(5) }))
      const [second] = (await claim(5)) as [ClaimedMessage]
      const [third] = (await claim(6)) as [ClaimedMessage] // the lease of the second ended: taken over
      expect(await tagOf(outbox.complete(access, second))).toBe("Conflict")
      await run(outbox.complete(access, third))
      const id = `${instanceId}:m1`
      const slots = await backend()
        .raw.collection("workflow_outbox_claims")
        .find({ m: id }, { projection: { _id: 1, t: 1, r: 1, n: 1 } })
        .sort({ k: 1 })
        .toArray()
      expect(slots.map((s) => [s._id, s.t, s.r, s.n])).toEqual([
        [`${tenantId}/${id}#1`, tenantId, "claim", 1],
        [`${tenantId}/${id}#2`, tenantId, "retry", 1],
        [`${tenantId}/${id}#3`, tenantId, "claim", 2],
        [`${tenantId}/${id}#4`, tenantId, "claim", 3],
        [`${tenantId}/${id}#5`, tenantId, "done", 3]
      ])
      const commit = await backend()
        .raw.collection("workflow_events")
        .findOne({ _id: `${tenantId}/${instanceId}#1` as never })
      expect(((commit?.ms ?? []) as ReadonlyArray<{ id: string }>).map((m) => m.id)).toEqual([id])
    })
  })
}
