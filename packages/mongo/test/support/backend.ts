/**
 * The real services the tests run on: a fresh database on the MongoDB-wire server at
 * `MONGODB_URL` (FerretDB here) per test file, dropped afterwards, with the tenant-scoping audit on
 * for every command the adapter sends; and, for the split, a fresh PostgreSQL database migrated
 * for pg-rls. Each gives the services, the conformance `Inspect` (direct reads with the drivers,
 * never through the adapter) and a raw handle.
 */
import { randomBytes } from "node:crypto"
import {
  type Access,
  type IndexEntry,
  IndexEntry as IndexEntrySchema,
  OutboxMessage as OutboxMessageSchema,
  operatorAccess,
  type Template,
  Template as TemplateSchema,
  type WorkflowEvent,
  WorkflowEvent as WorkflowEventSchema,
  type WorkflowState,
  WorkflowState as WorkflowStateSchema
} from "@workflow-manager/core"
import type { InspectedMessage, OutboxInspect } from "@workflow-manager/core/testing"
import {
  createOperatorOrganisation,
  fromPool,
  make as makePg,
  migrate,
  type PgClient,
  type PgRlsServices,
  type PoolLike
} from "@workflow-manager/pg-rls"
import { describeWithServices, FerretDB, PostgreSQL } from "@workflow-manager/test-utils"
import { Effect, Schema } from "effect"
import { type Db, MongoClient } from "mongodb"
import pg from "pg"
import { afterAll, beforeAll, expect } from "vitest"
import { ensureIndexes } from "../../src/index.js"
import { type Context, makeContext } from "../../src/internal/context.js"
import { unescapeKeys } from "../../src/internal/escape.js"
import { assemble, type MongoServices } from "../../src/Mongo.js"
import type { Faults } from "../../src/MongoWorkflowStore.js"
import { type AuditLog, audit } from "./audit.js"

const decodeEvent = Schema.decodeUnknownSync(WorkflowEventSchema)
const decodeState = Schema.decodeUnknownSync(WorkflowStateSchema)
const decodeEntry = Schema.decodeUnknownSync(IndexEntrySchema)
const decodeTemplate = Schema.decodeUnknownSync(TemplateSchema)
const decodeMessage = Schema.decodeUnknownSync(OutboxMessageSchema)

/** How a message stands after the newest of its slots (read here without the adapter's code). */
const standing = (last: { readonly r: string; readonly n: number } | undefined): Omit<InspectedMessage, "message"> => {
  if (last === undefined) return { status: "pending", attempt: 0 }
  const status = last.r === "claim" ? "claimed" : last.r === "retry" ? "pending" : (last.r as "done" | "dead")
  return { status, attempt: last.n }
}

export interface Backend {
  /** The database, through the adapter's (audited) client. */
  readonly db: Db
  /** The same database through a client of its own, for direct reads around the adapter. */
  readonly raw: Db
  readonly ctx: Context
  readonly services: MongoServices
  readonly inspect: OutboxInspect
  /** The split's PostgreSQL half (absent for MongoDB only). */
  readonly pg?: { readonly services: PgRlsServices; readonly admin: PgClient; readonly operator: Access }
  /** Builds the services again over the same databases, with test hooks. */
  readonly withFaults: (faults: Faults) => MongoServices
  readonly audit: () => AuditLog
}

/** Direct reads of the MongoDB collections. */
const mongoInspect = (db: Db): Omit<OutboxInspect, "ensureTenant"> => ({
  outbox: async (instanceId) => {
    const docs = await db
      .collection("workflow_outbox")
      .find(instanceId === undefined ? {} : { i: instanceId })
      .sort({ ak: 1, s: 1, m: 1 })
      .toArray()
    const slots = await db
      .collection("workflow_outbox_claims")
      .find({ m: { $in: docs.map((d) => d.m as string) } })
      .toArray()
    const last = new Map<string, { r: string; n: number; k: number }>()
    for (const slot of slots) {
      const known = last.get(slot.m as string)
      if (known === undefined || (slot.k as number) > known.k) {
        last.set(slot.m as string, { r: slot.r as string, n: slot.n as number, k: slot.k as number })
      }
    }
    return docs.map((d) => ({ message: decodeMessage(unescapeKeys(d.d)), ...standing(last.get(d.m as string)) }))
  },
  events: async (instanceId) => {
    const docs = await db.collection("workflow_events").find({ i: instanceId }).sort({ f: 1 }).toArray()
    return docs.flatMap((d) => (d.ev as ReadonlyArray<unknown>).map((e): WorkflowEvent => decodeEvent(unescapeKeys(e))))
  },
  state: async (instanceId) => {
    const [logged, cached] = await Promise.all([
      db.collection("workflow_events").findOne({ i: instanceId, st: { $exists: true } }, { sort: { f: -1 } }),
      db.collection("workflow_instances").findOne({ i: instanceId }, { sort: { v: -1 } })
    ])
    const states = [logged, cached]
      .filter((d) => d !== null)
      .map((d): WorkflowState => decodeState(unescapeKeys(d?.st)))
      .sort((a, b) => b.version - a.version)
    return states[0]
  },
  indexEntry: async (instanceId) => {
    const doc = await db.collection("workflow_index").findOne({ i: instanceId }, { sort: { v: -1 } })
    return doc === null ? undefined : (decodeEntry(doc.e) as IndexEntry)
  },
  template: async (id, version) => {
    const doc = await db.collection("workflow_templates").findOne({ _id: `${id}#${version}` as never })
    return doc === null ? undefined : (decodeTemplate(unescapeKeys(doc.d)) as Template)
  }
})

/** Registers `body` on a fresh MongoDB database (and a PostgreSQL one for `split`); `backend()` is ready in hooks and tests. */
export const describeBackend = async (
  name: string,
  options: { readonly split: boolean },
  body: (backend: () => Backend) => void
): Promise<void> => {
  await describeWithServices(
    options.split ? [FerretDB, PostgreSQL] : [FerretDB],
    `${name} [${options.split ? "split: FerretDB + PostgreSQL" : "FerretDB"}]`,
    ([mongoUrl, pgUrl]) => {
      const url = mongoUrl as string
      const register = (pgUrl: string | undefined) => {
        let backend: Backend | undefined
        let client: MongoClient | undefined
        let reader: MongoClient | undefined
        let audited: ReturnType<typeof audit> | undefined
        let pools: Array<pg.Pool> = []
        const database = `wm_test_${randomBytes(6).toString("hex")}`

        beforeAll(async () => {
          client = new MongoClient(url, { monitorCommands: true, maxPoolSize: 16 })
          audited = audit(client)
          await client.connect()
          // the inspect reads with a client of its own: the audit covers the adapter's commands only
          reader = await new MongoClient(url).connect()
          const db = client.db(database)
          await ensureIndexes(db)
          const ctx = makeContext({ db })
          const base = mongoInspect(reader.db(database))
          if (pgUrl === undefined) {
            backend = {
              db,
              raw: (reader as MongoClient).db(database),
              ctx,
              services: assemble(ctx, undefined),
              inspect: { ...base, ensureTenant: async () => {} },
              withFaults: (faults) => assemble(makeContext({ db }), undefined, faults),
              audit: (audited as ReturnType<typeof audit>).log
            }
            return
          }
          const server = new pg.Client({ connectionString: pgUrl })
          await server.connect()
          await server.query(`create database ${database}`)
          await server.end()
          const dbUrl = new URL(pgUrl)
          dbUrl.pathname = `/${database}`
          const admin = new pg.Pool({ connectionString: dbUrl.toString(), max: 4 })
          const app = new pg.Pool({ connectionString: dbUrl.toString(), max: 8 })
          for (const p of [admin, app]) p.on("error", () => {})
          pools = [admin, app]
          const adminClient = fromPool(admin as unknown as PoolLike)
          await Effect.runPromise(migrate(adminClient))
          const pgServices = await Effect.runPromise(makePg({ client: fromPool(app as unknown as PoolLike) }))
          const operatorId = await Effect.runPromise(
            createOperatorOrganisation(adminClient, {
              companyName: `Operator ${randomBytes(3).toString("hex")}`,
              vatNumber: `BE${randomBytes(5).toString("hex").toUpperCase()}`
            })
          )
          const operator = operatorAccess("ops", operatorId)
          const ports = { index: pgServices.workflowIndex, templates: pgServices.templateStore }
          backend = {
            db,
            raw: (reader as MongoClient).db(database),
            ctx,
            services: assemble(ctx, ports),
            inspect: {
              ...base,
              indexEntry: async (instanceId) => {
                const rows = await adminClient.query<{ entry: unknown }>(
                  "select entry from workflow_instances_index where instance_id = $1",
                  [instanceId]
                )
                return rows[0] === undefined ? undefined : (decodeEntry(rows[0].entry) as IndexEntry)
              },
              template: async (id, version) => {
                const rows = await adminClient.query<{ definition: unknown }>(
                  "select definition from workflow_templates where id = $1 and version = $2",
                  [id, version]
                )
                return rows[0] === undefined ? undefined : decodeTemplate(rows[0].definition)
              },
              ensureTenant: async (tenantId) => {
                await adminClient.query(
                  `insert into tenants (id, company_name, vat_number, status) values ($1, $2, $3, 'ACTIVE')
                 on conflict (id) do nothing`,
                  [tenantId, `Company ${tenantId.slice(0, 8)}`, `BE${randomBytes(5).toString("hex").toUpperCase()}`]
                )
              },
              ensureOperator: async () => operator
            },
            pg: { services: pgServices, admin: adminClient, operator },
            withFaults: (faults) => assemble(makeContext({ db }), ports, faults),
            audit: (audited as ReturnType<typeof audit>).log
          }
        })
        afterAll(async () => {
          // the audit holds for every command the file's tests sent through the adapter
          const log = backend?.audit()
          if (process.env.MONGO_PROFILE === "1") console.log(audited?.profile())
          await client?.close()
          // collections, not the database: FerretDB 1.24 deletes a database's SQLite file, and a query
          // still running on it then crashes the server (SIGBUS)
          for (const collection of (await reader?.db(database).collections()) ?? []) {
            await collection.drop().catch(() => undefined)
          }
          await reader?.close()
          for (const p of pools) await p.end()
          if (pgUrl !== undefined) {
            const server = new pg.Client({ connectionString: pgUrl })
            await server.connect()
            await server.query(`drop database if exists ${database} with (force)`)
            await server.end()
          }
          expect(log?.violations ?? []).toEqual([])
        })
        body(() => {
          if (backend === undefined) throw new Error("the backend is not ready")
          return backend
        })
      }
      register(pgUrl)
    }
  )
}
