/**
 * The queries: `get` (one store call), `list` (the index, one page), `events` (one page of the
 * log) and `stateAt` (time travel). Another tenant's instance answers exactly like a missing one.
 */
import { Effect } from "effect"
import { accessOf } from "../../Access.js"
import { InvalidInput } from "../../DomainError.js"
import type { WorkflowEvent } from "../../Event.js"
import { rebuildState } from "../../Evolve.js"
import { EventsInput, InstanceQuery, ListInput, StateAtInput } from "../../Inputs.js"
import type { IndexFilter } from "../../WorkflowIndex.js"
import { authorize, type EngineContext, notFound, policyContext } from "./context.js"
import { decodeInput } from "./input.js"
import { loadInstance } from "./load.js"

const MAX_EVENTS_PAGE = 1000

/**
 * A page of an instance's events, and the sequence the next page starts at (`undefined` on the
 * last page).
 *
 * @since 0.1.0
 * @category engine
 */
export interface EventPage {
  readonly items: ReadonlyArray<WorkflowEvent>
  readonly nextFrom: number | undefined
}

export const get = <R>(ctx: EngineContext<R>, raw: unknown) =>
  Effect.gen(function* () {
    const input = yield* decodeInput("get", InstanceQuery, raw, ctx.limits)
    const { state } = yield* loadInstance(ctx, accessOf(input.actor), input.instanceId, "get")
    yield* authorize(input.actor, "get", policyContext(state))
    return state
  })

export const list = <R>(ctx: EngineContext<R>, raw: unknown) =>
  Effect.gen(function* () {
    const input = yield* decodeInput("list", ListInput, raw, ctx.limits)
    const tenantId = input.filter?.tenantId ?? input.actor.tenantId
    yield* authorize(input.actor, "list", { tenantId })
    return yield* ctx.index.query(
      accessOf(input.actor),
      (input.filter ?? {}) as IndexFilter,
      input.page ?? { limit: 50 }
    )
  })

export const events = <R>(ctx: EngineContext<R>, raw: unknown) =>
  Effect.gen(function* () {
    const input = yield* decodeInput("events", EventsInput, raw, ctx.limits)
    const access = accessOf(input.actor)
    const limit = input.limit ?? MAX_EVENTS_PAGE
    const from = Math.max(1, input.from ?? 1)
    const to = Math.min(input.to ?? Number.MAX_SAFE_INTEGER, from + limit - 1)
    // the state says whose instance it is and where the log ends, so the policy runs before any event is read
    const { state } = yield* loadInstance(ctx, access, input.instanceId, "events")
    yield* authorize(input.actor, "events", policyContext(state))
    const last = Math.min(to, state.version)
    const items = from > last ? [] : yield* ctx.events.read(access, input.instanceId, { from, to: last })
    const end = Math.min(input.to ?? state.version, state.version)
    return { items, nextFrom: last < end ? last + 1 : undefined } satisfies EventPage
  })

export const stateAt = <R>(ctx: EngineContext<R>, raw: unknown) =>
  Effect.gen(function* () {
    const input = yield* decodeInput("stateAt", StateAtInput, raw, ctx.limits, { allowDate: true })
    const access = accessOf(input.actor)
    const until = input.until
    let events: ReadonlyArray<WorkflowEvent>
    if ("untilTime" in until) {
      const ms = typeof until.untilTime === "string" ? Date.parse(until.untilTime) : until.untilTime.getTime()
      if (Number.isNaN(ms)) {
        return yield* new InvalidInput({
          operation: "stateAt",
          issues: [{ path: "until.untilTime", message: "is not a valid date" }]
        })
      }
      events = yield* ctx.events.readUntil(access, input.instanceId, new Date(ms).toISOString())
    } else {
      events = yield* ctx.events.read(access, input.instanceId, { to: until.untilSequence })
    }
    const state = rebuildState(events)
    if (state === undefined) return yield* notFound("stateAt", input.instanceId)
    yield* authorize(input.actor, "stateAt", policyContext(state))
    return state
  })
