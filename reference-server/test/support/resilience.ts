/**
 * What the crash and outage tests share: a database prepared for a server started as a child
 * process (operator user, one participant, a template whose second step is a webhook notice), a
 * GraphQL client that survives a server that is down (every request bounded in time), the
 * workload of many concurrent workflows that records every acknowledged mutation, and direct reads
 * of the stores (event log tail, state, index, outbox) to check what survived.
 */
import { operatorAccess, runPromise, type Template } from "@workflow-manager/core"
import { MongoClient } from "mongodb"
import pg from "pg"
import { hashPassword } from "../../src/auth/index.ts"
import { loadConfig } from "../../src/config.ts"
import { openStorage } from "../../src/storage.ts"

export const PASSWORD = "resilience-password-2026"
export const OPERATOR_EMAIL = "ops@resilience.example"
/** The name of the webhook endpoint the template's notice posts to (the server maps it to the peer's URL). */
export const WEBHOOK_ENDPOINT = "peer"

/** A form, then a webhook notice to the deployer's endpoint {@link WEBHOOK_ENDPOINT} (automatic: the worker runs it). */
export const webhookTemplate: Template = {
  schemaVersion: 1,
  id: "resilience-webhook",
  version: 1,
  name: "Details, then a webhook",
  marketRole: "BRP",
  steps: [
    {
      id: "details",
      type: "form",
      name: "Details",
      config: { fields: { reference: { type: "string", label: "Reference", required: true, min: 1, max: 50 } } }
    },
    {
      id: "notify",
      type: "notification",
      name: "Tell the peer",
      config: {
        channel: "webhook",
        endpoint: WEBHOOK_ENDPOINT,
        body: { instance: "{{instance.id}}", reference: "{{steps.details.data.reference}}" }
      }
    }
  ]
}

/**
 * The environment of a server started by these tests: loopback on `port`, fixed secrets (so that
 * tokens and keyed ids survive a restart), no demo data, the worker in process with short polls and
 * a 5 s lease (a killed server's claims end soon), the webhook endpoint {@link WEBHOOK_ENDPOINT} at
 * `peerUrl`, then `storage` (`DATABASE_URL`, `MONGODB_URL`, ...).
 */
export const serverEnv = (options: {
  readonly port: number
  readonly dataDir: string
  readonly peerUrl: string
  readonly workerName: string
  readonly storage: Readonly<Record<string, string>>
}): Record<string, string> => ({
  HOST: "127.0.0.1",
  PORT: String(options.port),
  LOG_LEVEL: "warn",
  WM_DATA_DIR: options.dataDir,
  WM_DEMO_DATA: "false",
  WM_KEY_SECRET: "resilience-key-secret-2026",
  AUTH_JWT_SECRET: "resilience-jwt-secret-2026-at-least-32-bytes",
  WM_WORKER: "on",
  WM_WORKER_NAME: options.workerName,
  WM_WORKER_POLL_MS: "200",
  WM_WORKER_LEASE_MS: "5000",
  WM_NOTIFY_INTERVAL_MS: "200",
  [`WM_WEBHOOK_${WEBHOOK_ENDPOINT.toUpperCase()}_URL`]: options.peerUrl,
  ...options.storage
})

/** What {@link prepareDatabase} made. */
export interface Prepared {
  readonly operatorId: string
  readonly tenantId: string
}

/**
 * Migrates the PostgreSQL database at `databaseUrl` (through the server's own storage opening),
 * registers the operator organisation, adds a market-ops user, a BRP participant and the webhook
 * template. Tenants, users and templates live in PostgreSQL on the split too.
 */
export const prepareDatabase = async (databaseUrl: string): Promise<Prepared> => {
  const storage = await openStorage(
    loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: "silent", DATABASE_POOL_MAX: "2" })
  )
  try {
    const { services } = storage
    const operator = operatorAccess("resilience-test", storage.operatorId)
    const tenant = await runPromise(
      services.tenants.create(operator, {
        companyName: "Resilience Demo NV",
        vatNumber: "BE0403170701",
        eic: "22XENGIE-BE----P",
        status: "ACTIVE"
      })
    )
    await runPromise(
      services.marketRoles.assign(operator, {
        tenantId: tenant.id,
        role: "BRP",
        status: "ACTIVE",
        contractReference: "BRP-2026-RES"
      })
    )
    await runPromise(
      services.users.create(operator, {
        tenantId: storage.operatorId,
        email: OPERATOR_EMAIL,
        role: "market_ops",
        passwordHash: await hashPassword(PASSWORD),
        displayName: "Resilience Ops"
      })
    )
    await runPromise(services.templateStore.publish(webhookTemplate))
    return { operatorId: storage.operatorId, tenantId: tenant.id }
  } finally {
    await storage.close()
  }
}

/** One answer, or why there was none. */
export type Outcome =
  | {
      readonly kind: "answer"
      readonly status: number
      readonly body: {
        readonly data?: Record<string, unknown> | null
        readonly errors?: ReadonlyArray<{ readonly message: string; readonly extensions?: Record<string, unknown> }>
      }
      readonly text: string
    }
  | { readonly kind: "network"; readonly message: string }
  | { readonly kind: "timeout" }

/** POSTs a GraphQL operation, bounded by `timeoutMs`; never throws. */
export const request = async (
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token: string | undefined,
  timeoutMs = 15_000
): Promise<Outcome> => {
  try {
    const response = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json",
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` })
      },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs)
    })
    const text = await response.text()
    let body: Extract<Outcome, { kind: "answer" }>["body"] = {}
    try {
      body = JSON.parse(text) as typeof body
    } catch {
      // not JSON: the status and the text say what happened
    }
    return { kind: "answer", status: response.status, body, text }
  } catch (error) {
    if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
      return { kind: "timeout" }
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause
    return { kind: "network", message: String(cause?.code ?? cause?.message ?? error) }
  }
}

/** A short label of an outcome, for the tallies: `ack`, `network`, `timeout`, `<status> <code>`. */
export const labelOf = (outcome: Outcome, field: string): string => {
  if (outcome.kind !== "answer") return outcome.kind
  const value = outcome.body.data?.[field]
  if (outcome.status === 200 && value !== undefined && value !== null && outcome.body.errors === undefined) return "ack"
  const codes = [...new Set((outcome.body.errors ?? []).map((e) => String(e.extensions?.code ?? "NO_CODE")))]
  return `${outcome.status} ${codes.join(",") || "NO_ERRORS"}`
}

/** Signs the operator in (retrying while the server is down, bounded). */
export const signIn = async (url: () => string, deadline: number): Promise<string> => {
  let last = ""
  // bounded by the deadline
  while (Date.now() < deadline) {
    const outcome = await request(
      url(),
      "mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token } }",
      { email: OPERATOR_EMAIL, password: PASSWORD },
      undefined
    )
    const token =
      outcome.kind === "answer" ? (outcome.body.data?.login as { token?: string } | null | undefined)?.token : undefined
    if (token !== undefined) return token
    last = outcome.kind === "answer" ? outcome.text.slice(0, 300) : outcome.kind
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`could not sign in: ${last}`)
}

/** An acknowledged mutation: HTTP 200 with its data. */
export interface Ack {
  readonly workflow: number
  readonly field: string
  readonly instanceId: string
  readonly version: number
  readonly events: ReadonlyArray<{ readonly sequence: number; readonly type: string; readonly stepId: string | null }>
}

/** What {@link runWorkflows} saw. */
export interface WorkloadReport {
  readonly acks: ReadonlyArray<Ack>
  /** Every outcome of every try, by {@link labelOf}'s label. */
  readonly tally: ReadonlyMap<string, number>
  /** Workflows that could not finish their mutations (with the last outcome's label). */
  readonly unfinished: ReadonlyArray<{ readonly workflow: number; readonly last: string }>
  /** Answers that are neither an acknowledgement nor a typed retryable refusal: the things that must not happen. */
  readonly unexpected: ReadonlyArray<{ readonly workflow: number; readonly field: string; readonly text: string }>
}

const RESULT = "workflow { id } version events { sequence type stepId }"

/**
 * Drives up to `count` workflows through create → start → `details` over HTTP, `concurrency` at a
 * time (default: all at once), each mutation with an idempotency key: a try without an answer (the
 * server is down or was killed) or with `UNAVAILABLE` is repeated with the same key and version
 * until it is acknowledged or `deadline` passes. Every acknowledgement is recorded (and reported to
 * `onAck`), every outcome to `onOutcome`. A repeat of a command the server applied before it died
 * answers the original result, so no try is ever lost or doubled. No new workflow begins once
 * `stop()` says so.
 */
export const runWorkflows = async (options: {
  readonly url: () => string
  readonly token: () => string
  readonly tenantId: string
  readonly count: number
  readonly concurrency?: number
  /** A run label in the idempotency keys, so that two runs on one database do not meet. */
  readonly run: string
  readonly deadline: number
  readonly stop?: () => boolean
  readonly onAck?: (ack: Ack, total: number) => void
  /** Every try's outcome, with how long it took (ms). */
  readonly onOutcome?: (label: string, field: string, ms: number) => void
  /** Pause between the tries of one mutation (ms, default 150). */
  readonly retryMs?: number
  /** The bound of one request (ms, default 15 000); a request past it counts as `timeout` and is tried again. */
  readonly requestTimeoutMs?: number
}): Promise<WorkloadReport> => {
  const acks: Array<Ack> = []
  const tally = new Map<string, number>()
  const unfinished: Array<{ workflow: number; last: string }> = []
  const unexpected: Array<{ workflow: number; field: string; text: string }> = []
  const retryMs = options.retryMs ?? 150

  /** One mutation until acknowledged; the last outcome's label when it could not be. */
  const until = async (
    workflow: number,
    field: string,
    inputType: string,
    input: Record<string, unknown>
  ): Promise<Ack | string> => {
    let last = "none"
    // bounded by the deadline
    while (Date.now() < options.deadline) {
      const began = Date.now()
      const outcome = await request(
        options.url(),
        `mutation ($input: ${inputType}!) { ${field}(input: $input) { ${RESULT} } }`,
        { input },
        options.token(),
        options.requestTimeoutMs
      )
      last = labelOf(outcome, field)
      tally.set(last, (tally.get(last) ?? 0) + 1)
      options.onOutcome?.(last, field, Date.now() - began)
      if (last === "ack" && outcome.kind === "answer") {
        const result = outcome.body.data?.[field] as {
          workflow: { id: string }
          version: number
          events: Ack["events"]
        }
        const ack: Ack = {
          workflow,
          field,
          instanceId: result.workflow.id,
          version: result.version,
          events: result.events
        }
        acks.push(ack)
        options.onAck?.(ack, acks.length)
        return ack
      }
      if (!isRetryable(outcome, last)) {
        if (outcome.kind === "answer") unexpected.push({ workflow, field, text: outcome.text.slice(0, 1_000) })
        return last
      }
      await new Promise((r) => setTimeout(r, retryMs * (0.5 + Math.random())))
    }
    return last
  }

  const one = async (workflow: number) => {
    const key = `${options.run}-${workflow}`
    const created = await until(workflow, "createWorkflow", "CreateWorkflowInput", {
      templateId: webhookTemplate.id,
      tenantId: options.tenantId,
      marketRole: "BRP",
      idempotencyKey: `${key}-create`
    })
    if (typeof created === "string") return unfinished.push({ workflow, last: created })
    const started = await until(workflow, "startWorkflow", "CommandInput", {
      workflowId: created.instanceId,
      expectedVersion: created.version,
      idempotencyKey: `${key}-start`
    })
    if (typeof started === "string") return unfinished.push({ workflow, last: started })
    const details = await until(workflow, "executeStep", "ExecuteStepInput", {
      workflowId: created.instanceId,
      expectedVersion: started.version,
      stepId: "details",
      input: { reference: key.slice(-50) },
      idempotencyKey: `${key}-details`
    })
    if (typeof details === "string") return unfinished.push({ workflow, last: details })
    return undefined
  }

  let next = 0
  const lane = async () => {
    // bounded by count (and by the deadline inside each mutation)
    while (next < options.count && options.stop?.() !== true && Date.now() < options.deadline) {
      const workflow = next++
      await one(workflow)
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? options.count, options.count) }, lane))
  return { acks, tally, unfinished, unexpected }
}

/** An outcome a client may retry with the same key: no answer, or a typed `UNAVAILABLE`. */
export const isRetryable = (outcome: Outcome, label = labelOf(outcome, "")): boolean =>
  outcome.kind !== "answer" || ((outcome.status === 503 || outcome.status === 200) && label.endsWith(" UNAVAILABLE"))

/** One instance as the stores hold it: the log's tail, the state, the index entry. */
export interface InstanceView {
  readonly instanceId: string
  /** The sequence of the last event in the log. */
  readonly tail: number
  /** The state after the last event (the truth: the log's). */
  readonly state: { readonly version: number; readonly status: string; readonly currentStepId: string | null }
  /** The index entry, if any. */
  readonly index:
    | { readonly version: number; readonly status: string; readonly currentStepId: string | null }
    | undefined
  /** Every event's (sequence, type, stepId) in order. */
  readonly events: ReadonlyArray<{ readonly sequence: number; readonly type: string; readonly stepId: string | null }>
}

/** The outbox as stored: every message id with its delivery status when the store keeps one there. */
export interface OutboxView {
  readonly ids: ReadonlyArray<string>
  /** PostgreSQL only: ids not `done`, with their status. */
  readonly notDone: ReadonlyArray<{ readonly id: string; readonly status: string }>
}

const indexOf = async (admin: pg.Client) => {
  const rows = await admin.query<{
    instance_id: string
    version: number
    status: string
    current_step_id: string | null
  }>("select instance_id, version, status, current_step_id from workflow_instances_index")
  return new Map(
    rows.rows.map((r) => [r.instance_id, { version: r.version, status: r.status, currentStepId: r.current_step_id }])
  )
}

/** Reads every instance of a PostgreSQL-only database directly (as the owner, past row-level security). */
export const inspectPostgres = async (
  databaseUrl: string
): Promise<{ instances: ReadonlyArray<InstanceView>; outbox: OutboxView }> => {
  const admin = new pg.Client({ connectionString: databaseUrl })
  // a connection ended by the server (the database dropped at the end of a test) is reported by the query
  admin.on("error", () => {})
  await admin.connect()
  try {
    const index = await indexOf(admin)
    const events = await admin.query<{ instance_id: string; sequence: number; type: string; step_id: string | null }>(
      "select instance_id, sequence, type, step_id from workflow_events order by instance_id, sequence"
    )
    const states = await admin.query<{ instance_id: string; version: number; status: string; current: string | null }>(
      "select instance_id, version, state->>'status' as status, state->>'currentStepId' as current from workflow_instances"
    )
    const stateOf = new Map(states.rows.map((r) => [r.instance_id, r]))
    const byInstance = new Map<string, Array<InstanceView["events"][number]>>()
    for (const e of events.rows) {
      const list = byInstance.get(e.instance_id) ?? []
      list.push({ sequence: e.sequence, type: e.type, stepId: e.step_id })
      byInstance.set(e.instance_id, list)
    }
    const instances = [...byInstance].map(([instanceId, list]): InstanceView => {
      const state = stateOf.get(instanceId)
      return {
        instanceId,
        tail: (list.at(-1) as { sequence: number }).sequence,
        state: {
          version: state?.version ?? 0,
          status: state?.status ?? "MISSING",
          currentStepId: state?.current ?? null
        },
        index: index.get(instanceId),
        events: list
      }
    })
    const outbox = await admin.query<{ id: string; status: string }>(
      "select id, status from workflow_outbox order by id"
    )
    return {
      instances,
      outbox: { ids: outbox.rows.map((r) => r.id), notDone: outbox.rows.filter((r) => r.status !== "done") }
    }
  } finally {
    await admin.end()
  }
}

interface StoredCommit {
  readonly i: string
  readonly l: number
  readonly ev: ReadonlyArray<{ readonly sequence: number; readonly type: string; readonly stepId?: string }>
  readonly st?: { readonly version: number; readonly status: string; readonly currentStepId?: string | null }
  readonly ms?: ReadonlyArray<{ readonly id: string }>
}

/**
 * Reads every instance of the split directly: the log and the state after each commit from
 * MongoDB's commit documents (the truth), the index from PostgreSQL, the outbox's messages from the
 * commits that queued them.
 */
export const inspectSplit = async (
  databaseUrl: string,
  mongoUrl: string,
  database: string
): Promise<{ instances: ReadonlyArray<InstanceView>; outbox: OutboxView }> => {
  const admin = new pg.Client({ connectionString: databaseUrl })
  // a connection ended by the server (the database dropped at the end of a test) is reported by the query
  admin.on("error", () => {})
  await admin.connect()
  const mongo = await new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 10_000 }).connect()
  try {
    const index = await indexOf(admin)
    const commits = (await mongo
      .db(database)
      .collection("workflow_events")
      .find({}, { projection: { i: 1, l: 1, ev: 1, st: 1, ms: 1 } })
      .toArray()) as unknown as ReadonlyArray<StoredCommit>
    const byInstance = new Map<string, Array<StoredCommit>>()
    for (const c of commits) byInstance.set(c.i, [...(byInstance.get(c.i) ?? []), c])
    const instances = [...byInstance].map(([instanceId, list]): InstanceView => {
      const sorted = [...list].sort((a, b) => a.l - b.l)
      const last = sorted.at(-1) as StoredCommit
      return {
        instanceId,
        tail: last.l,
        state: {
          version: last.st?.version ?? 0,
          status: last.st?.status ?? "MISSING",
          currentStepId: last.st?.currentStepId ?? null
        },
        index: index.get(instanceId),
        events: sorted.flatMap((c) =>
          c.ev.map((e) => ({ sequence: e.sequence, type: e.type, stepId: e.stepId ?? null }))
        )
      }
    })
    return { instances, outbox: { ids: commits.flatMap((c) => (c.ms ?? []).map((m) => m.id)).sort(), notDone: [] } }
  } finally {
    await mongo.close()
    await admin.end()
  }
}

/** The instances whose index entry differs from the state after the log's last event (or is missing). */
export const indexMismatches = (instances: ReadonlyArray<InstanceView>): ReadonlyArray<string> =>
  instances.flatMap((v) => {
    const ok =
      v.state.version === v.tail &&
      v.index !== undefined &&
      v.index.version === v.tail &&
      v.index.status === v.state.status &&
      v.index.currentStepId === v.state.currentStepId
    return ok
      ? []
      : [`${v.instanceId}: log ${v.tail}, state ${JSON.stringify(v.state)}, index ${JSON.stringify(v.index)}`]
  })

/** The acknowledged events that are not in the log as acknowledged (same sequence, type and step). */
export const missingAcks = (
  acks: ReadonlyArray<Ack>,
  instances: ReadonlyArray<InstanceView>
): ReadonlyArray<string> => {
  const logged = new Map(instances.map((v) => [v.instanceId, new Map(v.events.map((e) => [e.sequence, e]))]))
  return acks.flatMap((ack) =>
    ack.events.flatMap((e) => {
      const found = logged.get(ack.instanceId)?.get(e.sequence)
      return found !== undefined && found.type === e.type && found.stepId === e.stepId
        ? []
        : [`${ack.field} of workflow ${ack.workflow} (${ack.instanceId}): event ${e.sequence} ${e.type}`]
    })
  )
}

/**
 * Why the stores and the peer are not settled yet: every instance's notice completed, its message
 * delivered at the peer (by idempotency key) and, where the store keeps it, marked done, and the
 * index equal to the state. Empty when settled.
 */
export const unsettled = (
  view: { readonly instances: ReadonlyArray<InstanceView>; readonly outbox: OutboxView },
  delivered: ReadonlyMap<string, number>,
  expected: number
): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const notified = view.instances.filter((v) =>
    v.events.some((e) => e.type === "STEP_COMPLETED" && e.stepId === "notify")
  )
  if (view.instances.length !== expected) problems.push(`${view.instances.length} instances of ${expected}`)
  if (notified.length !== view.instances.length)
    problems.push(`${view.instances.length - notified.length} notices not run`)
  if (view.outbox.ids.length !== notified.length)
    problems.push(`${view.outbox.ids.length} messages for ${notified.length} notices`)
  const undelivered = view.outbox.ids.filter((id) => !delivered.has(id))
  if (undelivered.length > 0) problems.push(`${undelivered.length} messages not delivered`)
  if (view.outbox.notDone.length > 0) problems.push(`${view.outbox.notDone.length} messages not done`)
  const mismatches = indexMismatches(view.instances)
  if (mismatches.length > 0) problems.push(`${mismatches.length} index entries differ from the state`)
  return problems
}
