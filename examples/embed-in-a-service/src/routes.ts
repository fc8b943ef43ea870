/**
 * The service's JSON routes over the engine's Promise API. Each route decodes its input, calls one
 * engine operation with the caller's actor, and returns the result; errors are thrown and mapped to
 * HTTP by `errorResponse`.
 */
import {
  type Actor,
  type CommandResult,
  Identifier,
  Instant,
  JsonObject,
  type PromiseEngine,
  WorkflowStatus
} from "@workflow-manager/core"
import { Schema } from "effect"
import { decode } from "./http/decode.ts"
import type { Param, Reply, Route } from "./http/router.ts"

/** What every route receives besides its path parameters. */
export interface RequestContext {
  readonly actor: Actor
  /** The parsed JSON body (`{}` when empty). */
  readonly body: () => Promise<unknown>
  readonly query: URLSearchParams
  /** The `Idempotency-Key` header: a repeated request with the same key returns the original result. */
  readonly idempotencyKey: string | undefined
}

const Version = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const Count = Schema.NumberFromString.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(1))

const CreateBody = Schema.Struct({
  templateId: Schema.String,
  // Optional: default, an id derived from the Idempotency-Key (so a repeat finds it) or a new UUID.
  instanceId: Schema.optionalKey(Identifier),
  templateVersion: Schema.optionalKey(Schema.Int),
  tenantId: Schema.optionalKey(Schema.String),
  marketRole: Schema.optionalKey(Schema.String),
  metadata: Schema.optionalKey(JsonObject)
})
const VersionBody = Schema.Struct({ expectedVersion: Version })
const StepBody = Schema.Struct({ expectedVersion: Version, input: Schema.Unknown })
const CommentBody = Schema.Struct({ expectedVersion: Version, comment: Schema.optionalKey(Schema.String) })
const PauseBody = Schema.Struct({ expectedVersion: Version, reason: Schema.optionalKey(Schema.String) })
const RejectBody = Schema.Struct({
  expectedVersion: Version,
  reason: Schema.String,
  toStepId: Schema.optionalKey(Schema.String)
})
const RollbackBody = Schema.Struct({ expectedVersion: Version, toStepId: Schema.String })

const ListQuery = Schema.Struct({
  status: Schema.optionalKey(Schema.Array(WorkflowStatus)),
  tenantId: Schema.optionalKey(Schema.String),
  marketRole: Schema.optionalKey(Schema.String),
  currentStepId: Schema.optionalKey(Schema.String),
  templateId: Schema.optionalKey(Schema.String),
  updatedSince: Schema.optionalKey(Instant),
  limit: Schema.optionalKey(Count.check(Schema.isLessThanOrEqualTo(100))),
  cursor: Schema.optionalKey(Schema.String)
})
const StateQuery = Schema.Struct({ atSequence: Schema.optionalKey(Count), at: Schema.optionalKey(Instant) })
const EventsQuery = Schema.Struct({
  from: Schema.optionalKey(Count),
  to: Schema.optionalKey(Count),
  limit: Schema.optionalKey(Count.check(Schema.isLessThanOrEqualTo(1000)))
})

/** The query string as an object; `status` may repeat or hold a comma-separated list. */
const queryObject = (query: URLSearchParams): Record<string, unknown> => {
  const object: Record<string, unknown> = Object.fromEntries(query)
  if (query.has("status")) object.status = query.getAll("status").flatMap((s) => s.split(","))
  return object
}

const ok = (body: unknown): Reply => ({ status: 200, body })
const key = (context: RequestContext) =>
  context.idempotencyKey === undefined ? {} : { idempotencyKey: context.idempotencyKey }

/** A command on one workflow: decode the body, run the operation, answer its state and events. */
const command =
  <S extends Schema.Decoder<unknown>>(
    schema: S,
    run: (context: RequestContext, instanceId: string, body: S["Type"], param: Param) => Promise<CommandResult>
  ) =>
  async (context: RequestContext, param: Param): Promise<Reply> =>
    ok(await run(context, param("id"), decode(schema, await context.body(), "body"), param))

/** The routes of the workflow API. */
export const routes = (engine: PromiseEngine): ReadonlyArray<Route<RequestContext>> => [
  {
    method: "POST",
    path: "/workflows",
    handle: async (context) => {
      const body = decode(CreateBody, await context.body(), "body")
      const result = await engine.create({ ...body, actor: context.actor, ...key(context) })
      return {
        status: 201,
        body: result,
        headers: { location: `/workflows/${encodeURIComponent(result.state.instanceId)}` }
      }
    }
  },
  {
    method: "GET",
    path: "/workflows",
    handle: async ({ actor, query }) => {
      const { limit, cursor, ...filter } = decode(ListQuery, queryObject(query), "query")
      return ok(
        await engine.list({ actor, filter, page: { limit: limit ?? 20, ...(cursor === undefined ? {} : { cursor }) } })
      )
    }
  },
  {
    method: "GET",
    path: "/workflows/:id",
    handle: async ({ actor, query }, param) => {
      const instanceId = param("id")
      const { atSequence, at } = decode(StateQuery, queryObject(query), "query")
      if (atSequence !== undefined)
        return ok(await engine.stateAt({ actor, instanceId, until: { untilSequence: atSequence } }))
      if (at !== undefined) return ok(await engine.stateAt({ actor, instanceId, until: { untilTime: at } }))
      return ok(await engine.get({ actor, instanceId }))
    }
  },
  {
    method: "GET",
    path: "/workflows/:id/events",
    // One page of the log: { items, nextFrom } (nextFrom: the `from` of the next page, absent on the last).
    handle: async ({ actor, query }, param) => {
      const page = decode(EventsQuery, queryObject(query), "query")
      return ok(await engine.events({ ...page, actor, instanceId: param("id") }))
    }
  },
  {
    method: "GET",
    path: "/workflows/:id/validation",
    handle: async ({ actor }, param) => ok({ issues: await engine.validate({ actor, instanceId: param("id") }) })
  },
  {
    method: "POST",
    path: "/workflows/:id/start",
    handle: command(VersionBody, (c, instanceId, body) =>
      engine.start({ ...body, instanceId, actor: c.actor, ...key(c) })
    )
  },
  {
    method: "POST",
    path: "/workflows/:id/steps/:stepId",
    handle: command(StepBody, (c, instanceId, body, param) =>
      engine.executeStep({ ...body, instanceId, stepId: param("stepId"), actor: c.actor, ...key(c) })
    )
  },
  {
    method: "POST",
    path: "/workflows/:id/pause",
    handle: command(PauseBody, (c, instanceId, body) =>
      engine.pause({ ...body, instanceId, actor: c.actor, ...key(c) })
    )
  },
  {
    method: "POST",
    path: "/workflows/:id/resume",
    handle: command(VersionBody, (c, instanceId, body) =>
      engine.resume({ ...body, instanceId, actor: c.actor, ...key(c) })
    )
  },
  {
    method: "POST",
    path: "/workflows/:id/submit",
    handle: command(CommentBody, (c, instanceId, body) =>
      engine.submit({ ...body, instanceId, actor: c.actor, ...key(c) })
    )
  },
  {
    method: "POST",
    path: "/workflows/:id/approve",
    handle: command(CommentBody, (c, instanceId, body) =>
      engine.approve({ ...body, instanceId, actor: c.actor, ...key(c) })
    )
  },
  {
    method: "POST",
    path: "/workflows/:id/reject",
    handle: command(RejectBody, (c, instanceId, body) =>
      engine.reject({ ...body, instanceId, actor: c.actor, ...key(c) })
    )
  },
  {
    method: "POST",
    path: "/workflows/:id/rollback",
    handle: command(RollbackBody, (c, instanceId, body) =>
      engine.rollback({ ...body, instanceId, actor: c.actor, ...key(c) })
    )
  }
]
