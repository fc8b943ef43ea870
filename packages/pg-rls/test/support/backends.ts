/**
 * The two backends every adapter test runs on: the PostgreSQL server (a fresh database per test
 * file, dropped afterwards) and PGlite (one instance per file). Each gives the adapter, a direct
 * superuser client for reading storage around the adapter, and the conformance `Inspect`.
 */
import { randomBytes } from "node:crypto"
import type { PGlite } from "@electric-sql/pglite"
import {
  type Access,
  type IndexEntry,
  IndexEntry as IndexEntrySchema,
  OutboxMessage as OutboxMessageSchema,
  operatorAccess,
  Template as TemplateSchema,
  type WorkflowEvent,
  WorkflowEvent as WorkflowEventSchema,
  type WorkflowState,
  WorkflowState as WorkflowStateSchema
} from "@workflow-manager/core"
import type { InspectedMessage, OutboxInspect } from "@workflow-manager/core/testing"
import { describeWithService, PostgreSQL } from "@workflow-manager/test-utils"
import { Effect, Schema } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe } from "vitest"
import {
  createOperatorOrganisation,
  fromPGlite,
  fromPool,
  make,
  migrate,
  type PGliteLike,
  type PgClient,
  type PgRlsServices,
  type PoolLike
} from "../../src/index.js"
import { migratedPGlite } from "./pglite.js"

export interface Backend {
  readonly name: "postgres" | "pglite"
  /** The adapter's client (connects as a superuser; the adapter switches to workflow_app itself). */
  readonly client: PgClient
  /** Direct reads and writes as the superuser, around the adapter. */
  readonly admin: PgClient
  readonly services: PgRlsServices
  readonly inspect: OutboxInspect
  /** The operator scope of the backend's registered operator organisation. */
  readonly operator: Access
  /** The server's connection URL of this test database (postgres only). */
  readonly url?: string
  /** A second pool on the test database (postgres only), e.g. of 2 connections. */
  readonly newPool?: (max: number) => pg.Pool
}

/** A fresh operator organisation registered by the owner, and the scope of a user of it. */
export const newOperator = async (admin: PgClient, userId = "ops"): Promise<Access> => {
  const id = await Effect.runPromise(
    createOperatorOrganisation(admin, {
      companyName: `Operator ${randomBytes(3).toString("hex")}`,
      vatNumber: `BE${randomBytes(5).toString("hex").toUpperCase()}`
    })
  )
  return operatorAccess(userId, id)
}

export const makeInspect = (admin: PgClient, operator?: () => Promise<Access>): OutboxInspect => {
  const decodeMessage = Schema.decodeUnknownSync(OutboxMessageSchema)
  const decodeEvent = Schema.decodeUnknownSync(WorkflowEventSchema)
  const decodeState = Schema.decodeUnknownSync(WorkflowStateSchema)
  const decodeEntry = Schema.decodeUnknownSync(IndexEntrySchema)
  const decodeTemplate = Schema.decodeUnknownSync(TemplateSchema)
  return {
    events: async (instanceId) =>
      (
        await admin.query<{ event: unknown }>(
          "select event from workflow_events where instance_id = $1 order by sequence",
          [instanceId]
        )
      ).map((row): WorkflowEvent => decodeEvent(row.event)),
    state: async (instanceId) => {
      const rows = await admin.query<{ state: unknown }>(
        "select state from workflow_instances where instance_id = $1",
        [instanceId]
      )
      return rows[0] === undefined ? undefined : (decodeState(rows[0].state) as WorkflowState)
    },
    indexEntry: async (instanceId) => {
      const rows = await admin.query<{ entry: unknown }>(
        "select entry from workflow_instances_index where instance_id = $1",
        [instanceId]
      )
      return rows[0] === undefined ? undefined : (decodeEntry(rows[0].entry) as IndexEntry)
    },
    template: async (id, version) => {
      const rows = await admin.query<{ definition: unknown }>(
        "select definition from workflow_templates where id = $1 and version = $2",
        [id, version]
      )
      return rows[0] === undefined ? undefined : decodeTemplate(rows[0].definition)
    },
    ensureTenant: async (tenantId) => {
      await admin.query(
        `insert into tenants (id, company_name, vat_number, status) values ($1, $2, $3, 'ACTIVE')
         on conflict (id) do nothing`,
        [tenantId, `Company ${tenantId.slice(0, 8)}`, `BE${randomBytes(5).toString("hex").toUpperCase()}`]
      )
    },
    ...(operator === undefined ? {} : { ensureOperator: operator }),
    outbox: async (instanceId) =>
      (
        await admin.query<{ message: unknown; status: InspectedMessage["status"]; attempt: number }>(
          `select message, status, attempt from workflow_outbox where ($1::text is null or instance_id = $1)
            order by sequence, id`,
          [instanceId ?? null]
        )
      ).map((row) => ({ message: decodeMessage(row.message), status: row.status, attempt: row.attempt }))
  }
}

const build = async (name: Backend["name"], client: PgClient, admin: PgClient, extra: Partial<Backend> = {}) => {
  await Effect.runPromise(migrate(admin))
  const services = await Effect.runPromise(make({ client }))
  const operator = await newOperator(admin)
  const inspect = makeInspect(admin, async () => operator)
  return { name, client, admin, services, inspect, operator, ...extra } satisfies Backend
}

/** A pool whose idle connections may be terminated (the database is dropped with FORCE) without crashing the run. */
const quiet = (pool: pg.Pool): pg.Pool => {
  pool.on("error", () => {})
  return pool
}

/** Registers `body` once per backend; `backend()` is ready inside hooks and tests. */
export const describeBackends = async (
  name: string,
  body: (backend: () => Backend) => void,
  options: { readonly only?: Backend["name"] } = {}
): Promise<void> => {
  if (options.only !== "pglite") {
    await describeWithService(PostgreSQL, `${name} [postgres]`, (url) => {
      let backend: Backend | undefined
      let adminPool: pg.Pool | undefined
      let appPool: pg.Pool | undefined
      const database = `wm_test_${randomBytes(6).toString("hex")}`
      const serverUrl = new URL(url)
      const dbUrl = new URL(url)
      dbUrl.pathname = `/${database}`
      beforeAll(async () => {
        const server = new pg.Client({ connectionString: serverUrl.toString() })
        await server.connect()
        await server.query(`create database ${database}`)
        await server.end()
        adminPool = quiet(new pg.Pool({ connectionString: dbUrl.toString(), max: 4 }))
        appPool = quiet(new pg.Pool({ connectionString: dbUrl.toString(), max: 8 }))
        backend = await build(
          "postgres",
          fromPool(appPool as unknown as PoolLike),
          fromPool(adminPool as unknown as PoolLike),
          {
            url: dbUrl.toString(),
            newPool: (max) => quiet(new pg.Pool({ connectionString: dbUrl.toString(), max }))
          }
        )
      })
      afterAll(async () => {
        await appPool?.end()
        await adminPool?.end()
        const server = new pg.Client({ connectionString: serverUrl.toString() })
        await server.connect()
        await server.query(`drop database if exists ${database} with (force)`)
        await server.end()
      })
      body(() => {
        if (backend === undefined) throw new Error("the postgres backend is not ready")
        return backend
      })
    })
  }
  if (options.only !== "postgres") {
    describe(`${name} [pglite]`, () => {
      let backend: Backend | undefined
      let db: PGlite | undefined
      beforeAll(async () => {
        db = await migratedPGlite()
        const client = fromPGlite(db as unknown as PGliteLike)
        backend = await build("pglite", client, client)
      })
      afterAll(async () => {
        await db?.close()
      })
      body(() => {
        if (backend === undefined) throw new Error("the pglite backend is not ready")
        return backend
      })
    })
  }
}
