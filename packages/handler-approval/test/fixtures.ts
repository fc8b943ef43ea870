/**
 * Test fixtures: a `record` data step (what a form would be), a BRP onboarding template with an
 * approval step (quorum 2, delegation, request for changes routed back to the portfolio, rejection
 * routed to a closing step), the actors, and a Promise engine on core's memory storage.
 */
import {
  type Actor,
  createEngine,
  defineStepHandler,
  makeMemoryStorage,
  makeRegistry,
  type PolicyService,
  type PromiseEngine,
  sequentialIdsLayer,
  type Template,
  type WorkflowEvent,
  type WorkflowState
} from "@workflow-manager/core"
import { Effect, Schema } from "effect"
import { ApprovalOutput, approvalHandler, approvalRoutes } from "../src/index.js"

/** A data step: records what it is given (strings), compensation clears it. */
export const recordHandler = defineStepHandler({
  type: "record",
  configSchema: Schema.Struct({}),
  inputSchema: Schema.Record(Schema.String, Schema.String),
  execute: ({ input }) => Effect.succeed(input),
  compensate: () => Effect.succeed({ cleared: true })
})

/** The approval step's config in {@link onboarding}. */
export const approvalConfig = {
  approverRoles: ["market_ops", "approver"],
  quorum: 2,
  approves: ["company-info", "portfolio"],
  delegation: { allowed: true, roles: ["approver", "deputy"] }
}

/** company-info → portfolio → approval → activation; changes → portfolio, rejected → closing. */
export const onboarding: Template = {
  schemaVersion: 1,
  id: "brp-onboarding",
  version: 1,
  name: "BRP onboarding",
  marketRole: "BRP",
  steps: [
    { id: "company-info", type: "record", config: {} },
    { id: "portfolio", type: "record", config: {} },
    {
      id: "approval",
      type: "approval",
      config: approvalConfig,
      routes: approvalRoutes({ changesRequested: "portfolio", rejected: "closing" }),
      next: "activation",
      compensation: { strategy: "handler" }
    },
    { id: "activation", type: "record", config: {}, next: "$end" },
    { id: "closing", type: "record", config: {} }
  ]
}

const tenantUser = (userId: string, role: string): Actor => ({
  userId,
  tenantId: "engie-be",
  role,
  permissions: ["workflow:read", "workflow:execute"]
})

const operator = (userId: string): Actor => ({
  userId,
  tenantId: "tso",
  role: "market_ops",
  permissions: ["workflow:*", "workflow:review"]
})

/** The BRP's administrator: creates the instance and enters the data. */
export const bob = tenantUser("u-bob", "brp_admin")
/** The BRP's own approvers. */
export const ann = tenantUser("u-ann", "approver")
export const ava = tenantUser("u-ava", "approver")
/** Deputies: may decide only when delegated to. */
export const dan = tenantUser("u-dan", "deputy")
export const deb = tenantUser("u-deb", "deputy")
/** A viewer (no approver or delegate role). */
export const vic = tenantUser("u-vic", "brp_viewer")
/** The operator's market ops. */
export const alice = operator("mo-alice")
export const carol = operator("mo-carol")

/** An engine on a fresh memory storage with the record and approval handlers, {@link onboarding} published. */
export const makeEngine = async (
  options: {
    readonly policy?: PolicyService
    readonly templates?: ReadonlyArray<Template>
    readonly handlers?: ReadonlyArray<typeof recordHandler | typeof approvalHandler>
  } = {}
) => {
  const storage = makeMemoryStorage()
  const engine = await createEngine({
    stores: storage.layer,
    handlers: makeRegistry(options.handlers ?? [recordHandler, approvalHandler]),
    ids: sequentialIdsLayer("wf"),
    templates: options.templates ?? [onboarding],
    ...(options.policy === undefined ? {} : { policy: options.policy })
  })
  return { engine, storage }
}

/** The value a Promise rejected with (`undefined` when it resolved). */
export const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (e: unknown) => e
  )

/** A driver of one instance: runs commands at the current version and keeps the state. */
export const instance = async (engine: PromiseEngine, creator: Actor = bob, templateId = onboarding.id) => {
  let state: WorkflowState = (await engine.create({ actor: creator, templateId })).state
  state = (await engine.start({ actor: creator, instanceId: state.instanceId, expectedVersion: state.version })).state
  const run = async (actor: Actor, stepId: string, input: unknown) => {
    const result = await engine.executeStep({
      actor,
      instanceId: state.instanceId,
      expectedVersion: state.version,
      stepId,
      input
    })
    state = result.state
    return result
  }
  return {
    get state() {
      return state
    },
    set state(next: WorkflowState) {
      state = next
    },
    id: state.instanceId,
    run,
    decide: (actor: Actor, input: unknown) => run(actor, "approval", input),
    /** Fills company-info and portfolio as `author`. */
    fill: async (author: Actor = bob) => {
      await run(author, "company-info", { companyName: "Engie Belgium", vat: "BE0403170701" })
      await run(author, "portfolio", { accessPoints: "541449000000000001" })
    }
  }
}

/** The types of events, in order. */
export const types = (events: ReadonlyArray<WorkflowEvent>): ReadonlyArray<string> => events.map((e) => e.type)

/** The decoded output of a state's approval step (throws when it has none). */
export const outputOf = (state: WorkflowState, stepId = "approval"): ApprovalOutput =>
  Schema.decodeUnknownSync(ApprovalOutput)(state.stepStates[stepId]?.data)
