/**
 * Deliberately broken adapters, each wrapping the memory adapter with one realistic bug. They are
 * tests of the conformance suite: each must make it fail.
 */
import { Effect, Layer } from "effect"
import {
  DueWork,
  EventStore,
  InstanceStore,
  type MemoryReads,
  makeMemoryStorage,
  Outbox,
  operatorAccess,
  storageError,
  type TemplateStore,
  Unavailable,
  WorkflowIndex,
  WorkflowStore
} from "../../src/index.js"

const ops = operatorAccess("broken-adapter", "00000000-0000-4000-8000-0000000000b0")

/** Ignores expected versions: appends at whatever version the instance is at. */
export const ignoresExpectedVersions = () => {
  const storage = makeMemoryStorage()
  const layer = Layer.effect(EventStore)(
    Effect.gen(function* () {
      const inner = yield* EventStore
      return {
        ...inner,
        append: (access, events, _expected) =>
          Effect.gen(function* () {
            const first = events[0]
            if (first === undefined) return
            const current = (yield* inner.read(ops, first.instanceId)).length
            yield* inner.append(
              access,
              events.map((e, i) => ({ ...e, sequence: current + i + 1 })),
              current
            )
          })
      }
    })
  ).pipe(Layer.provideMerge(storage.layer))
  return { layer, inspect: inspectMemory(storage) }
}

/** Forgets the tenant on reads: returns other tenants' rows. */
export const leaksTenants = () => {
  const storage = makeMemoryStorage()
  const layer = Layer.mergeAll(
    Layer.effect(EventStore)(
      Effect.map(EventStore, (inner) => ({
        ...inner,
        read: (_access, id, range) => inner.read(ops, id, range),
        readUntil: (_access, id, at) => inner.readUntil(ops, id, at)
      }))
    ),
    Layer.effect(InstanceStore)(
      Effect.map(InstanceStore, (inner) => ({
        ...inner,
        get: (_access, id) => inner.get(ops, id),
        getMany: (_access, ids) => inner.getMany(ops, ids)
      }))
    ),
    Layer.effect(WorkflowIndex)(
      Effect.map(WorkflowIndex, (inner) => ({
        ...inner,
        get: (_access, id) => inner.get(ops, id),
        query: (_access, filter, page) => inner.query(ops, filter, page)
      }))
    )
  ).pipe(Layer.provideMerge(storage.layer))
  return { layer, inspect: inspectMemory(storage) }
}

/** Stores every event as performed by `system`, losing the actor: the direct reads catch it. */
export const storesTheWrongThing = () => {
  const storage = makeMemoryStorage()
  const layer = Layer.effect(EventStore)(
    Effect.map(EventStore, (inner) => ({
      ...inner,
      append: (access, events, expected) =>
        inner.append(
          access,
          events.map((e) => ({ ...e, performedBy: "system" })),
          expected
        )
    }))
  ).pipe(Layer.provideMerge(storage.layer))
  return { layer, inspect: inspectMemory(storage) }
}

/** Builds in 600 ms (an embedded database starting): the suite's timeout must reach its hooks. */
export const slowLayer = () => {
  const storage = makeMemoryStorage()
  const layer = Layer.unwrap(
    Effect.as(
      Effect.promise(() => new Promise((r) => setTimeout(r, 600))),
      storage.layer
    )
  )
  return { layer, inspect: inspectMemory(storage) }
}

/** Its one-call load forgets the command id: a keyed repeat finds no prior result. */
export const ignoresCommandIds = () => {
  const storage = makeMemoryStorage()
  const layer = Layer.effect(WorkflowStore)(
    Effect.map(WorkflowStore, (inner) => ({ ...inner, load: (access, id) => inner.load(access, id) }))
  ).pipe(Layer.provideMerge(storage.layer))
  return { layer, inspect: inspectMemory(storage) }
}

/** Says it queues messages with the events, and drops them. */
export const dropsMessages = () => {
  const storage = makeMemoryStorage()
  const layer = Layer.effect(WorkflowStore)(
    Effect.map(WorkflowStore, (inner) => ({
      ...inner,
      commit: (access, batch) => inner.commit(access, { ...batch, messages: [] })
    }))
  ).pipe(Layer.provideMerge(storage.layer))
  return { layer, inspect: inspectMemory(storage) }
}

/** Claims without taking a lease: the next claimer gets the same messages. */
export const claimsTwice = () => {
  const storage = makeMemoryStorage()
  const layer = Layer.effect(Outbox)(
    Effect.map(Outbox, (inner) => ({
      ...inner,
      claim: (access, request) =>
        Effect.tap(inner.claim(access, request), (claimed) =>
          Effect.forEach(claimed, (m) => inner.fail(access, m, { error: "released", retryAt: request.now }), {
            discard: true
          })
        )
    }))
  ).pipe(Layer.provideMerge(storage.layer))
  return { layer, inspect: inspectMemory(storage) }
}

/** Hands out due instances without a lease: every claimer gets the same ones. */
export const dueClaimsTwice = () => {
  const storage = makeMemoryStorage()
  const layer = Layer.effect(DueWork)(
    Effect.map(DueWork, (inner) => ({
      ...inner,
      claim: (access, request) =>
        Effect.tap(inner.claim(access, request), (claimed) =>
          inner.release(access, { owner: request.owner, instanceIds: claimed.map((item) => item.instanceId) })
        )
    }))
  ).pipe(Layer.provideMerge(storage.layer))
  return { layer, inspect: inspectMemory(storage) }
}

/** Completes or fails a message for anyone, also a claimer whose lease was taken over (no fencing). */
export const completesAnyClaim = () => {
  const storage = makeMemoryStorage()
  const layer = Layer.effect(Outbox)(
    Effect.map(Outbox, (inner) => {
      const current = (claim: { id: string; owner: string; attempt: number }) =>
        Effect.map(
          Effect.promise(() => storage.inspect.outbox()),
          (all) => all.find((m) => m.message.id === claim.id)
        )
      const asHolder = (claim: { id: string; owner: string; attempt: number }) =>
        Effect.map(current(claim), (m) => ({
          ...claim,
          owner: m?.owner ?? claim.owner,
          attempt: m?.attempt ?? claim.attempt
        }))
      return {
        ...inner,
        complete: (access, claim) => Effect.flatMap(asHolder(claim), (held) => inner.complete(access, held)),
        fail: (access, claim, failure) => Effect.flatMap(asHolder(claim), (held) => inner.fail(access, held, failure))
      }
    })
  ).pipe(Layer.provideMerge(storage.layer))
  return { layer, inspect: inspectMemory(storage) }
}

/** Its check fails (a database it cannot reach, say) while everything else works. */
export const failingCheck = () => {
  const storage = makeMemoryStorage()
  const layer = Layer.effect(WorkflowStore)(
    Effect.map(WorkflowStore, (inner) => ({
      ...inner,
      check: Effect.fail(storageError("WorkflowStore.check", new Unavailable({ message: "connection refused" })))
    }))
  ).pipe(Layer.provideMerge(storage.layer))
  return { layer, inspect: inspectMemory(storage) }
}

/** Its index query ignores `dueBy`. */
export const ignoresDueBy = () => {
  const storage = makeMemoryStorage()
  const layer = Layer.effect(WorkflowIndex)(
    Effect.map(WorkflowIndex, (inner) => ({
      ...inner,
      query: (access, { dueBy: _, ...filter }, page) => inner.query(access, filter, page)
    }))
  ).pipe(Layer.provideMerge(storage.layer))
  return { layer, inspect: inspectMemory(storage) }
}

/** The memory storage's direct reads as the suite's `Inspect`. */
export const inspectMemory = (storage: { readonly inspect: MemoryReads }) => ({
  ...storage.inspect,
  ensureTenant: async () => {}
})

/** The store the broken adapters leave untouched (for the type checker). */
export type Untouched = TemplateStore
