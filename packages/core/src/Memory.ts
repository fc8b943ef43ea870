/**
 * The in-memory adapter: every storage port in one process, for tests, examples and embedded
 * prototypes. It keeps what it stores as JSON text, exactly like a database would, so a caller can
 * never mutate stored data through a returned object, and it enforces the same rules as the
 * database adapters: expected versions, tenant scopes, version-guarded projections, immutable
 * templates, stored shapes checked against core's schemas and a size limit on every document
 * (`InvalidData`). It writes events, state, index and outbox messages atomically, reads in one
 * call, and passes the conformance suites.
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { type Access, covers } from "./Access.js"
import { DueWork } from "./DueWork.js"
import type { WorkflowEvent } from "./Event.js"
import { EventStore, type EventStoreService } from "./EventStore.js"
import { fold } from "./Evolve.js"
import { InstanceStore, type InstanceStoreService } from "./InstanceStore.js"
import { isEntry, isEvent, isMessage, isState, serializer } from "./internal/memory/documents.js"
import { makeMemoryDueWork } from "./internal/memory/dueWork.js"
import { makeMemoryOutbox, type Slot } from "./internal/memory/outbox.js"
import { queryEntries } from "./internal/memory/query.js"
import { makeMemoryTemplates } from "./internal/memory/templates.js"
import { defaultLimits } from "./Limits.js"
import { Outbox, type OutboxMessage } from "./Outbox.js"
import type { WorkflowState } from "./State.js"
import { Conflict, InvalidData, type StorageError, storageError, TenantViolation } from "./StorageError.js"
import type { Template } from "./Template.js"
import { TemplateStore } from "./TemplateStore.js"
import { entryOf, type IndexEntry, WorkflowIndex, type WorkflowIndexService } from "./WorkflowIndex.js"
import { type CommitResult, WorkflowStore, type WorkflowStoreService } from "./WorkflowStore.js"

/**
 * How a message stands in the memory outbox.
 *
 * @since 0.1.0
 * @category memory
 */
export interface StoredMessage {
  readonly message: OutboxMessage
  readonly status: "pending" | "claimed" | "done" | "dead"
  readonly attempt: number
  readonly owner?: string
  readonly leaseUntil?: string
  readonly lastError?: string
}

/**
 * Direct reads of what a memory storage holds, exactly as stored (all tenants).
 *
 * @since 0.1.0
 * @category memory
 */
export interface MemoryReads {
  readonly events: (instanceId: string) => Promise<ReadonlyArray<WorkflowEvent>>
  readonly state: (instanceId: string) => Promise<WorkflowState | undefined>
  readonly indexEntry: (instanceId: string) => Promise<IndexEntry | undefined>
  readonly template: (id: string, version: number) => Promise<Template | undefined>
  /** Every outbox message (of one instance, when given), in queue order. */
  readonly outbox: (instanceId?: string) => Promise<ReadonlyArray<StoredMessage>>
}

/**
 * The seven ports of a memory storage.
 *
 * @since 0.1.0
 * @category memory
 */
export type MemoryPorts = EventStore | InstanceStore | WorkflowIndex | TemplateStore | WorkflowStore | Outbox | DueWork

/**
 * An in-memory storage: its layer (all six ports) and direct reads.
 *
 * @since 0.1.0
 * @category memory
 */
export interface MemoryStorage {
  readonly layer: Layer.Layer<MemoryPorts>
  readonly inspect: MemoryReads
}

/**
 * Options of {@link makeMemoryStorage}.
 *
 * @since 0.1.0
 * @category memory
 */
export interface MemoryOptions {
  /** The largest JSON document stored (an event, a state, an index entry, a template, a message); default 1 MiB. */
  readonly maxDocumentBytes?: number
}

const parse = <A>(text: string): A => JSON.parse(text) as A

const bad = (operation: string, message: string): StorageError => storageError(operation, new InvalidData({ message }))

/**
 * Creates an empty in-memory storage.
 *
 * @example
 * ```ts
 * import { createEngine, makeMemoryStorage } from "@workflow-manager/core"
 *
 * const storage = makeMemoryStorage()
 * const engine = await createEngine({ stores: storage.layer, handlers: [] })
 * // ... later, in a test: await storage.inspect.events(instanceId)
 * ```
 *
 * @since 0.1.0
 * @category memory
 */
export const makeMemoryStorage = (options: MemoryOptions = {}): MemoryStorage => {
  const maxBytes = options.maxDocumentBytes ?? defaultLimits.maxDocumentBytes
  const events = new Map<string, Array<string>>()
  const eventTenants = new Map<string, string>()
  const states = new Map<string, { tenantId: string; version: number; json: string }>()
  const entries = new Map<string, { entry: IndexEntry; json: string }>()
  const templates = new Map<string, string>()
  const outbox = new Map<string, Slot>()

  const serialize = serializer(maxBytes)

  const visible = (access: Access, tenantId: string | undefined) => tenantId !== undefined && covers(access, tenantId)
  // the system scope reads every tenant but writes no instance data (only outbox progress)
  const writable = (access: Access, tenantId: string) => access._tag !== "System" && covers(access, tenantId)

  const checkBatch = (
    operation: string,
    access: Access,
    batch: ReadonlyArray<WorkflowEvent>,
    expectedVersion: number
  ): StorageError | ReadonlyArray<string> => {
    if (!Array.isArray(batch)) return bad(operation, "events must be an array")
    const first = batch[0]
    if (first === undefined) return bad(operation, "no events to append")
    if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
      return bad(operation, `invalid expected version ${String(expectedVersion)}`)
    }
    const texts: Array<string> = []
    for (const [i, event] of batch.entries()) {
      const json = serialize(operation, `event ${i}`, event, isEvent)
      if (typeof json !== "string") return json
      if (event.instanceId !== first.instanceId || event.tenantId !== first.tenantId) {
        return bad(operation, "a batch must hold events of one instance")
      }
      if (event.sequence !== expectedVersion + i + 1) {
        return bad(operation, `event ${i} has sequence ${event.sequence}, expected ${expectedVersion + i + 1}`)
      }
      texts.push(json)
    }
    if (!writable(access, first.tenantId)) {
      return storageError(
        operation,
        new TenantViolation({ message: `events of tenant ${first.tenantId} outside the access scope` })
      )
    }
    const owner = eventTenants.get(first.instanceId)
    if (owner !== undefined && owner !== first.tenantId) {
      // like a database, where the other tenant's rows are invisible and the key is simply taken
      return storageError(
        operation,
        new Conflict({ message: `instance ${first.instanceId} already has events`, expectedVersion })
      )
    }
    const stored = events.get(first.instanceId)?.length ?? 0
    if (stored !== expectedVersion) {
      return storageError(
        operation,
        new Conflict({
          message: `expected version ${expectedVersion} but the workflow is at version ${stored}`,
          expectedVersion,
          actualVersion: stored
        })
      )
    }
    return texts
  }

  const appendNow = (instanceId: string, tenantId: string, texts: ReadonlyArray<string>) => {
    const log = events.get(instanceId)
    if (log === undefined) events.set(instanceId, [...texts])
    else log.push(...texts)
    eventTenants.set(instanceId, tenantId)
  }

  const readLog = (access: Access, instanceId: string): ReadonlyArray<WorkflowEvent> =>
    visible(access, eventTenants.get(instanceId))
      ? (events.get(instanceId) ?? []).map((e) => parse<WorkflowEvent>(e))
      : []

  const saveNow = (state: WorkflowState, json: string): boolean => {
    const stored = states.get(state.instanceId)
    if (stored !== undefined && stored.version >= state.version) return false
    states.set(state.instanceId, { tenantId: state.tenantId, version: state.version, json })
    return true
  }

  const upsertNow = (entry: IndexEntry, json: string): boolean => {
    const stored = entries.get(entry.instanceId)
    if (stored !== undefined && stored.entry.version >= entry.version) return false
    entries.set(entry.instanceId, { entry: parse<IndexEntry>(json), json })
    return true
  }

  const guardTenant = (operation: string, access: Access, tenantId: string, instanceId: string) => {
    if (!writable(access, tenantId)) {
      return storageError(operation, new TenantViolation({ message: `tenant ${tenantId} is outside the access scope` }))
    }
    const owner =
      eventTenants.get(instanceId) ?? states.get(instanceId)?.tenantId ?? entries.get(instanceId)?.entry.tenantId
    if (owner !== undefined && owner !== tenantId) {
      return storageError(
        operation,
        new TenantViolation({ message: `instance ${instanceId} belongs to another tenant` })
      )
    }
    return undefined
  }

  const eventStore: EventStoreService = {
    append: (access, batch, expectedVersion) =>
      Effect.suspend(() => {
        const checked = checkBatch("EventStore.append", access, batch, expectedVersion)
        if (!Array.isArray(checked)) return Effect.fail(checked as StorageError)
        const first = batch[0] as WorkflowEvent
        appendNow(first.instanceId, first.tenantId, checked)
        return Effect.void
      }),
    read: (access, instanceId, range) =>
      Effect.sync(() =>
        readLog(access, instanceId).filter(
          (e) =>
            (range?.from === undefined || e.sequence >= range.from) &&
            (range?.to === undefined || e.sequence <= range.to)
        )
      ),
    readUntil: (access, instanceId, instant) =>
      Effect.sync(() => {
        const limit = Date.parse(instant)
        return readLog(access, instanceId).filter((e) => Date.parse(e.occurredAt) <= limit)
      }),
    readByCommand: (access, instanceId, commandId) =>
      Effect.sync(() => readLog(access, instanceId).filter((e) => e.commandId === commandId))
  }

  const getState = (access: Access, instanceId: string): WorkflowState | undefined => {
    const stored = states.get(instanceId)
    return stored !== undefined && covers(access, stored.tenantId) ? parse<WorkflowState>(stored.json) : undefined
  }

  /** The snapshot, caught up (and repaired) when events were appended around the write path. */
  const currentState = (access: Access, instanceId: string): WorkflowState | undefined => {
    const snapshot = getState(access, instanceId)
    const log = events.get(instanceId)
    if (log === undefined || !visible(access, eventTenants.get(instanceId))) return snapshot
    if (snapshot !== undefined && log.length === snapshot.version) return snapshot
    const newer = log.slice(snapshot?.version ?? 0).map((text) => parse<WorkflowEvent>(text))
    const state = fold(newer, snapshot)
    if (state !== undefined) {
      const json = JSON.stringify(state)
      saveNow(state, json)
      const entry = entryOf(state)
      upsertNow(entry, JSON.stringify(entry))
    }
    return state
  }

  const instanceStore: InstanceStoreService = {
    save: (access, state) =>
      Effect.suspend(() => {
        const json = serialize("InstanceStore.save", "state", state, isState)
        if (typeof json !== "string") return Effect.fail(json)
        const error = guardTenant("InstanceStore.save", access, state.tenantId, state.instanceId)
        return error ? Effect.fail(error) : Effect.succeed(saveNow(state, json))
      }),
    get: (access, instanceId) => Effect.sync(() => getState(access, instanceId)),
    getMany: (access, instanceIds) =>
      Effect.sync(() =>
        [...new Set(instanceIds)].flatMap((id) => {
          const state = getState(access, id)
          return state === undefined ? [] : [state]
        })
      )
  }

  const workflowIndex: WorkflowIndexService = {
    upsert: (access, entry) =>
      Effect.suspend(() => {
        const json = serialize("WorkflowIndex.upsert", "index entry", entry, isEntry)
        if (typeof json !== "string") return Effect.fail(json)
        const error = guardTenant("WorkflowIndex.upsert", access, entry.tenantId, entry.instanceId)
        return error ? Effect.fail(error) : Effect.succeed(upsertNow(entry, json))
      }),
    get: (access, instanceId) =>
      Effect.sync(() => {
        const stored = entries.get(instanceId)
        return stored !== undefined && covers(access, stored.entry.tenantId)
          ? parse<IndexEntry>(stored.json)
          : undefined
      }),
    query: (access, filter, page) =>
      queryEntries(
        [...entries.values()].map((s) => s.entry),
        access,
        filter,
        page
      )
  }

  const templateStore = makeMemoryTemplates(templates, serialize)

  const committed: CommitResult = { pending: [] }

  const workflowStore: WorkflowStoreService = {
    capabilities: { state: "atomic", index: "atomic", outbox: "atomic" },
    load: (access, instanceId, commandId) =>
      Effect.sync(() => ({
        state: currentState(access, instanceId),
        prior:
          commandId === undefined
            ? []
            : visible(access, eventTenants.get(instanceId))
              ? (events.get(instanceId) ?? []).flatMap((text) => {
                  // a cheap pre-filter on the text before parsing: most events carry no key
                  if (!text.includes('"commandId"')) return []
                  const event = parse<WorkflowEvent>(text)
                  return event.commandId === commandId ? [event] : []
                })
              : []
      })),
    commit: (access, batch) =>
      Effect.suspend(() => {
        const operation = "WorkflowStore.commit"
        const checked = checkBatch(operation, access, batch.events, batch.expectedVersion)
        if (!Array.isArray(checked)) return Effect.fail(checked as StorageError)
        const first = batch.events[0] as WorkflowEvent
        const state = serialize(operation, "state", batch.state, isState)
        if (typeof state !== "string") return Effect.fail(state)
        if (
          batch.state.instanceId !== first.instanceId ||
          batch.state.version !== first.sequence + batch.events.length - 1
        ) {
          return Effect.fail(bad(operation, "the state is not the one the events lead to"))
        }
        const error = guardTenant(operation, access, batch.state.tenantId, batch.state.instanceId)
        if (error) return Effect.fail(error)
        const entry = entryOf(batch.state)
        const entryJson = serialize(operation, "index entry", entry, () => true)
        if (typeof entryJson !== "string") return Effect.fail(entryJson)
        const messages: Array<{ id: string; json: string; message: OutboxMessage }> = []
        for (const [i, message] of (batch.messages ?? []).entries()) {
          const json = serialize(operation, `message ${i}`, message, isMessage)
          if (typeof json !== "string") return Effect.fail(json)
          if (message.instanceId !== first.instanceId || message.tenantId !== first.tenantId) {
            return Effect.fail(bad(operation, `message ${i} belongs to another instance than the events`))
          }
          messages.push({ id: message.id, json, message })
        }
        appendNow(first.instanceId, first.tenantId, checked)
        saveNow(batch.state, state)
        upsertNow(entry, entryJson)
        for (const m of messages) {
          if (!outbox.has(m.id)) {
            outbox.set(m.id, { json: m.json, stored: { message: parse(m.json), status: "pending", attempt: 0 } })
          }
        }
        return Effect.succeed(committed)
      }),
    check: Effect.void
  }

  const outboxService = makeMemoryOutbox(outbox)

  const layer = Layer.mergeAll(
    Layer.succeed(EventStore)(eventStore),
    Layer.succeed(InstanceStore)(instanceStore),
    Layer.succeed(WorkflowIndex)(workflowIndex),
    Layer.succeed(TemplateStore)(templateStore),
    Layer.succeed(WorkflowStore)(workflowStore),
    Layer.succeed(Outbox)(outboxService),
    Layer.succeed(DueWork)(makeMemoryDueWork(entries))
  )

  const inspect: MemoryReads = {
    events: async (instanceId) => (events.get(instanceId) ?? []).map((e) => parse<WorkflowEvent>(e)),
    state: async (instanceId) => {
      const stored = states.get(instanceId)
      return stored === undefined ? undefined : parse<WorkflowState>(stored.json)
    },
    indexEntry: async (instanceId) => {
      const stored = entries.get(instanceId)
      return stored === undefined ? undefined : parse<IndexEntry>(stored.json)
    },
    template: async (id, version) => {
      const stored = templates.get(`${id}@${version}`)
      return stored === undefined ? undefined : parse<Template>(stored)
    },
    outbox: async (instanceId) =>
      [...outbox.values()]
        .map((slot) => slot.stored)
        .filter((s) => instanceId === undefined || s.message.instanceId === instanceId)
        .sort((a, b) => a.message.sequence - b.message.sequence || (a.message.id < b.message.id ? -1 : 1))
  }

  return { layer, inspect }
}

/**
 * A fresh in-memory storage as a layer of all six ports (each build of the layer makes a new,
 * empty storage; call {@link makeMemoryStorage} for one you can inspect).
 *
 * @example
 * ```ts
 * import { createEngine, memoryLayer } from "@workflow-manager/core"
 *
 * const engine = await createEngine({ stores: memoryLayer(), handlers: [] })
 * ```
 *
 * @since 0.1.0
 * @category memory
 */
export const memoryLayer = (options: MemoryOptions = {}): Layer.Layer<MemoryPorts> =>
  Layer.unwrap(Effect.sync(() => makeMemoryStorage(options).layer))
