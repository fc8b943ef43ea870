/**
 * A load racing the commit of the command it asks about: whatever it sees of the state, it sees
 * the command's events with it — never a state without them, which a keyed create would take for
 * an id held by another instance (and create its instance at the next derived id).
 */
import { type StorageError, tenantAccess } from "@workflow-manager/core"
import { Effect } from "effect"
import type { Collection, Document } from "mongodb"
import { expect, it } from "vitest"
import { makeContext } from "../src/internal/context.js"
import { makeWorkflowIndex } from "../src/MongoWorkflowIndex.js"
import { makeWriteStore } from "../src/MongoWorkflowStore.js"
import { describeBackend } from "./support/backend.js"
import { commits, progress, template, uuid } from "./support/fixtures.js"

const run = <A>(effect: Effect.Effect<A, StorageError>): Promise<A> => Effect.runPromise(effect)

/** A promise and its resolver. */
const latch = () => {
  let open = () => {}
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { open, opened }
}

await describeBackend("mongo load racing a commit", { split: false }, (backend) => {
  const keyedCreate = (instanceId: string, tenantId: string, key: string) => {
    const t = template("load-race")
    const [create] = progress(t, { instanceId, tenantId, steps: 0 })
    const first = commits(t, [(s) => ({ ...(create as NonNullable<typeof create>)(s), idempotencyKey: key })])[0]
    return { ...(first as NonNullable<typeof first>), messages: [] }
  }

  it("a load whose state read sees a commit landed meanwhile sees the command's events too", async () => {
    const tenantId = uuid()
    const instanceId = uuid()
    const key = "create-key"
    const access = tenantAccess(tenantId)
    const commit = keyedCreate(instanceId, tenantId, key)

    // another process's store whose reads of the log wait until the commit has landed; its reads
    // of command markers go straight through
    const entered = latch()
    const landed = latch()
    const base = makeContext({ db: backend().db })
    const events = new Proxy(base.events, {
      get(target, name, receiver) {
        if (name !== "findOne") return Reflect.get(target, name, receiver)
        return async (...args: Parameters<Collection<Document>["findOne"]>) => {
          entered.open()
          await landed.opened
          return target.findOne(...args)
        }
      }
    })
    const ctx = { ...base, events }
    const reader = makeWriteStore(ctx, makeWorkflowIndex(ctx))
    const writer = backend().withFaults({
      crash: (point) => {
        if (point === "afterInsert") landed.open()
        return false
      }
    }).workflowStore

    const loading = run(reader.load(access, instanceId, key))
    await entered.opened
    // time for a command-id read issued alongside the state read to answer "nothing" (no marker yet)
    await new Promise((resolve) => setTimeout(resolve, 100))
    await run(writer.commit(access, commit))
    const loaded = await loading

    expect(loaded.state?.version).toBe(1)
    expect(loaded.prior).toEqual(commit.events)
  })

  it("after a version-0 conflict the winner's state and its command's events are visible", async () => {
    const tenantId = uuid()
    const instanceId = uuid()
    const key = "create-key"
    const access = tenantAccess(tenantId)
    // 12 processes (stores with caches of their own) commit the same keyed create at once
    const stores = Array.from({ length: 12 }, () => backend().withFaults({ crash: () => false }).workflowStore)
    const exits = await Promise.all(
      stores.map((store) => Effect.runPromiseExit(store.commit(access, keyedCreate(instanceId, tenantId, key))))
    )
    expect(exits.filter((x) => x._tag === "Success")).toHaveLength(1)
    for (const [n, exit] of exits.entries()) {
      if (exit._tag === "Success") continue
      const loaded = await run((stores[n] as (typeof stores)[number]).load(access, instanceId, key))
      expect(loaded.state?.version).toBe(1)
      expect(loaded.prior.map((e) => e.commandId)).toEqual([key])
    }
  })
})
