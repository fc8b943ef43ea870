/**
 * The in-memory adapter: every storage port in one process, for tests, examples and embedded
 * prototypes. It keeps what it stores as JSON text, exactly like a database would, so a caller can
 * never mutate stored data through a returned object, and it enforces the same rules as the
 * database adapters (expected versions, tenant scopes, version-guarded projections, immutable
 * templates). It passes the conformance suite.
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { type Access, covers } from "./Access.js"
import type { WorkflowEvent } from "./Event.js"
import { EventStore, type EventStoreService } from "./EventStore.js"
import { InstanceStore, type InstanceStoreService } from "./InstanceStore.js"
import type { WorkflowState } from "./State.js"
import { Conflict, InvalidData, storageError, TenantViolation } from "./StorageError.js"
import type { Template } from "./Template.js"
import { TemplateStore, type TemplateStoreService } from "./TemplateStore.js"
import type { Inspect } from "./testing/Inspect.js"
import {
  decodeCursor,
  encodeCursor,
  entryOf,
  type IndexEntry,
  WorkflowIndex,
  type WorkflowIndexService
} from "./WorkflowIndex.js"
import { WorkflowStore, type WorkflowStoreService } from "./WorkflowStore.js"

/**
 * An in-memory storage: its layer (all five ports) and direct reads for the conformance suite.
 *
 * @since 0.1.0
 * @category memory
 */
export interface MemoryStorage {
  readonly layer: Layer.Layer<EventStore | InstanceStore | WorkflowIndex | TemplateStore | WorkflowStore>
  readonly inspect: Inspect
}

const parse = <A>(text: string): A => JSON.parse(text) as A

/**
 * Creates an empty in-memory storage.
 *
 * @since 0.1.0
 * @category memory
 */
export const make = (): MemoryStorage => {
  const events = new Map<string, Array<string>>()
  const eventTenants = new Map<string, string>()
  const states = new Map<string, { tenantId: string; version: number; json: string }>()
  const entries = new Map<string, { entry: IndexEntry; json: string }>()
  const templates = new Map<string, string>()

  const visible = (access: Access, tenantId: string | undefined) => tenantId !== undefined && covers(access, tenantId)

  const checkBatch = (
    operation: string,
    access: Access,
    batch: ReadonlyArray<WorkflowEvent>,
    expectedVersion: number
  ) => {
    const first = batch[0]
    if (first === undefined) {
      return storageError(operation, new InvalidData({ message: "no events to append" }))
    }
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
      return storageError(operation, new InvalidData({ message: `invalid expected version ${expectedVersion}` }))
    }
    for (const [i, event] of batch.entries()) {
      if (event.instanceId !== first.instanceId || event.tenantId !== first.tenantId) {
        return storageError(operation, new InvalidData({ message: "a batch must hold events of one instance" }))
      }
      if (event.sequence !== expectedVersion + i + 1) {
        return storageError(
          operation,
          new InvalidData({ message: `event ${i} has sequence ${event.sequence}, expected ${expectedVersion + i + 1}` })
        )
      }
    }
    if (!covers(access, first.tenantId)) {
      return storageError(
        operation,
        new TenantViolation({ message: `events of tenant ${first.tenantId} outside the access scope` })
      )
    }
    const owner = eventTenants.get(first.instanceId)
    if (owner !== undefined && owner !== first.tenantId) {
      return storageError(
        operation,
        new TenantViolation({ message: `instance ${first.instanceId} belongs to another tenant` })
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
    return undefined
  }

  const appendNow = (batch: ReadonlyArray<WorkflowEvent>) => {
    const first = batch[0] as WorkflowEvent
    const log = events.get(first.instanceId) ?? []
    for (const event of batch) log.push(JSON.stringify(event))
    events.set(first.instanceId, log)
    eventTenants.set(first.instanceId, first.tenantId)
  }

  const readLog = (access: Access, instanceId: string): ReadonlyArray<WorkflowEvent> =>
    visible(access, eventTenants.get(instanceId))
      ? (events.get(instanceId) ?? []).map((e) => parse<WorkflowEvent>(e))
      : []

  const saveNow = (state: WorkflowState): boolean => {
    const stored = states.get(state.instanceId)
    if (stored !== undefined && stored.version >= state.version) return false
    states.set(state.instanceId, { tenantId: state.tenantId, version: state.version, json: JSON.stringify(state) })
    return true
  }

  const upsertNow = (entry: IndexEntry): boolean => {
    const stored = entries.get(entry.instanceId)
    if (stored !== undefined && stored.entry.version >= entry.version) return false
    entries.set(entry.instanceId, { entry, json: JSON.stringify(entry) })
    return true
  }

  const guardTenant = (operation: string, access: Access, tenantId: string, instanceId: string) => {
    if (!covers(access, tenantId)) {
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
        const error = checkBatch("EventStore.append", access, batch, expectedVersion)
        if (error) return Effect.fail(error)
        appendNow(batch)
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

  const instanceStore: InstanceStoreService = {
    save: (access, state) =>
      Effect.suspend(() => {
        const error = guardTenant("InstanceStore.save", access, state.tenantId, state.instanceId)
        return error ? Effect.fail(error) : Effect.succeed(saveNow(state))
      }),
    get: (access, instanceId) =>
      Effect.sync(() => {
        const stored = states.get(instanceId)
        return stored !== undefined && covers(access, stored.tenantId) ? parse<WorkflowState>(stored.json) : undefined
      }),
    getMany: (access, instanceIds) =>
      Effect.sync(() =>
        [...new Set(instanceIds)].flatMap((id) => {
          const stored = states.get(id)
          return stored !== undefined && covers(access, stored.tenantId) ? [parse<WorkflowState>(stored.json)] : []
        })
      )
  }

  const workflowIndex: WorkflowIndexService = {
    upsert: (access, entry) =>
      Effect.suspend(() => {
        const error = guardTenant("WorkflowIndex.upsert", access, entry.tenantId, entry.instanceId)
        return error ? Effect.fail(error) : Effect.succeed(upsertNow(entry))
      }),
    get: (access, instanceId) =>
      Effect.sync(() => {
        const stored = entries.get(instanceId)
        return stored !== undefined && covers(access, stored.entry.tenantId)
          ? parse<IndexEntry>(stored.json)
          : undefined
      }),
    query: (access, filter, page) =>
      Effect.suspend(() => {
        if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > 500) {
          return Effect.fail(
            storageError(
              "WorkflowIndex.query",
              new InvalidData({ message: `page limit must be 1 to 500, got ${page.limit}` })
            )
          )
        }
        const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor)
        if (page.cursor !== undefined && after === undefined) {
          return Effect.fail(storageError("WorkflowIndex.query", new InvalidData({ message: "malformed page cursor" })))
        }
        const since = filter.updatedSince === undefined ? undefined : Date.parse(filter.updatedSince)
        const matching = [...entries.values()]
          .map((s) => s.entry)
          .filter(
            (e) =>
              covers(access, e.tenantId) &&
              (filter.tenantId === undefined || e.tenantId === filter.tenantId) &&
              (filter.status === undefined || filter.status.includes(e.status)) &&
              (filter.marketRole === undefined || e.marketRole === filter.marketRole) &&
              (filter.currentStepId === undefined || e.currentStepId === filter.currentStepId) &&
              (filter.templateId === undefined || e.templateId === filter.templateId) &&
              (since === undefined || Date.parse(e.updatedAt) >= since) &&
              (after === undefined ||
                e.createdAt > after.createdAt ||
                (e.createdAt === after.createdAt && e.instanceId > after.instanceId))
          )
          .sort((a, b) =>
            a.createdAt < b.createdAt
              ? -1
              : a.createdAt > b.createdAt
                ? 1
                : a.instanceId < b.instanceId
                  ? -1
                  : a.instanceId > b.instanceId
                    ? 1
                    : 0
          )
        const items = matching.slice(0, page.limit).map((e) => parse<IndexEntry>(JSON.stringify(e)))
        const last = items[items.length - 1]
        return Effect.succeed({
          items,
          nextCursor: matching.length > page.limit && last !== undefined ? encodeCursor(last) : undefined
        })
      })
  }

  const templateStore: TemplateStoreService = {
    publish: (template) =>
      Effect.suspend(() => {
        const key = `${template.id}@${template.version}`
        const json = JSON.stringify(template)
        const stored = templates.get(key)
        if (stored !== undefined && stored !== json) {
          return Effect.fail(
            storageError(
              "TemplateStore.publish",
              new Conflict({ message: `template ${key} is already published with another definition` })
            )
          )
        }
        templates.set(key, json)
        return Effect.void
      }),
    get: (id, version) =>
      Effect.sync(() => {
        const stored = templates.get(`${id}@${version}`)
        return stored === undefined ? undefined : parse<Template>(stored)
      }),
    getLatest: (id) =>
      Effect.sync(() => {
        let latest: Template | undefined
        for (const json of templates.values()) {
          const t = parse<Template>(json)
          if (t.id === id && (latest === undefined || t.version > latest.version)) latest = t
        }
        return latest
      }),
    list: (filter) =>
      Effect.sync(() =>
        [...templates.values()]
          .map((json) => parse<Template>(json))
          .filter((t) => filter?.marketRole === undefined || t.marketRole === filter.marketRole)
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.version - b.version))
          .map((t) => ({ id: t.id, version: t.version, name: t.name, marketRole: t.marketRole }))
      )
  }

  const workflowStore: WorkflowStoreService = {
    capabilities: { atomicCommit: true },
    commit: (access, batch) =>
      Effect.suspend(() => {
        const error =
          checkBatch("WorkflowStore.commit", access, batch.events, batch.expectedVersion) ??
          guardTenant("WorkflowStore.commit", access, batch.state.tenantId, batch.state.instanceId)
        if (error) return Effect.fail(error)
        appendNow(batch.events)
        saveNow(batch.state)
        upsertNow(entryOf(batch.state))
        return Effect.void
      })
  }

  const layer = Layer.mergeAll(
    Layer.succeed(EventStore)(eventStore),
    Layer.succeed(InstanceStore)(instanceStore),
    Layer.succeed(WorkflowIndex)(workflowIndex),
    Layer.succeed(TemplateStore)(templateStore),
    Layer.succeed(WorkflowStore)(workflowStore)
  )

  const inspect: Inspect = {
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
    ensureTenant: async () => {}
  }

  return { layer, inspect }
}

/**
 * A fresh in-memory storage as a layer of all five ports (each use of the layer value builds the
 * same storage; call `makeMemoryStorage` for one you can inspect).
 *
 * @since 0.1.0
 * @category memory
 */
export const layerMemory = (): Layer.Layer<
  EventStore | InstanceStore | WorkflowIndex | TemplateStore | WorkflowStore
> => make().layer
