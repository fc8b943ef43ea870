/**
 * The commands without a handler run — create, start, pause, resume, submit (after running every
 * completed step's `validate`), approve, reject and fail — and the `validate` query.
 */
import { createHash, createHmac } from "node:crypto"
import { Effect, Result, type Schema } from "effect"
import { accessOf } from "../../Access.js"
import type { Command } from "../../Command.js"
import { decide } from "../../Decide.js"
import { InvalidCommand, type Issue, ValidationFailed } from "../../DomainError.js"
import {
  CommentInput,
  CreateInput,
  FailInput,
  InstanceCommand,
  InstanceQuery,
  PauseInput,
  RejectInput
} from "../../Inputs.js"
import type { Operation } from "../../Policy.js"
import { Conflict, storageError } from "../../StorageError.js"
import type { Template } from "../../Template.js"
import { commitDecision, envelope, replayOnConflict, runCommand } from "./commit.js"
import { authorize, type EngineContext, nowIso, policyContext } from "./context.js"
import { validateSteps } from "./handlers.js"
import { decodeInput, fingerprint as fingerprintOf } from "./input.js"
import { loadInstance, loadTemplate, replayResult, sameCommand } from "./load.js"

/** How many derived ids a keyed create tries before it reports the key's ids as taken. */
export const KEYED_ID_ATTEMPTS = 4

/**
 * The instance id of a create command carrying an idempotency key but no instance id: a UUID
 * (version 8, name-based) of HMAC-SHA-256(secret; tenant, key, attempt), or of SHA-256 without a
 * secret, so that repeating the command finds the instance.
 */
export const keyedInstanceId = (
  tenantId: string,
  idempotencyKey: string,
  options: { readonly secret?: string | undefined; readonly attempt?: number } = {}
): string => {
  const attempt = options.attempt ?? 0
  const name =
    attempt === 0 ? `${tenantId}\u0000${idempotencyKey}` : `${tenantId}\u0000${idempotencyKey}\u0000${attempt}`
  const h = (options.secret === undefined ? createHash("sha256") : createHmac("sha256", options.secret))
    .update(name)
    .digest("hex")
  const variant = ((Number.parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** The issue of an engine's `keySecret` option, if any. */
export const checkKeySecret = (secret: unknown): Issue | undefined =>
  secret === undefined || (typeof secret === "string" && secret.length >= 16 && secret.length <= 1024)
    ? undefined
    : { path: "keySecret", message: "must be a string of 16 to 1024 characters" }

export const create = Effect.fnUntraced(function* <R>(ctx: EngineContext<R>, raw: unknown) {
  const input = yield* decodeInput("create", CreateInput, raw, ctx.limits)
  const { actor, idempotencyKey: key } = input
  const tenantId = input.tenantId ?? actor.tenantId
  const access = accessOf(actor)
  const template = yield* loadTemplate(ctx, input.templateId, input.templateVersion, "create")
  const marketRole = input.marketRole ?? template.marketRole
  yield* authorize(actor, "create", {
    tenantId,
    templateId: template.id,
    templateVersion: template.version,
    ...(marketRole === undefined ? {} : { marketRole })
  })
  const args = {
    templateId: input.templateId,
    templateVersion: input.templateVersion ?? null,
    tenantId,
    marketRole: input.marketRole ?? null,
    metadata: input.metadata ?? null
  }
  const attemptAt = (knownId: string | undefined) => {
    const fingerprint = key === undefined ? undefined : fingerprintOf("create", knownId ?? "", actor, args)
    return createAt(ctx, { input, access, template, marketRole, tenantId, knownId, fingerprint })
  }
  if (input.instanceId !== undefined || key === undefined) return yield* attemptAt(input.instanceId)
  // A keyed create without an instance id gets an id derived from (tenant, key), so a repeat finds
  // it. An id held by another instance (another tenant may have computed and taken it) is skipped
  // for the next derived id: a repeat walks the same ids and finds its own instance.
  for (let attempt = 0; attempt < KEYED_ID_ATTEMPTS; attempt++) {
    const id = keyedInstanceId(tenantId, key, { secret: ctx.keySecret, attempt })
    const result = yield* attemptAt(id).pipe(
      Effect.map((done) => ({ done })),
      Effect.catchIf(isTaken, () => Effect.succeed(undefined))
    )
    if (result !== undefined) return result.done
  }
  return yield* Effect.fail(
    storageError(
      "create",
      new Conflict({
        message: `the ${KEYED_ID_ATTEMPTS} instance ids derived from idempotency key ${key} are held by other instances (set the engine's keySecret, or pass an instanceId)`,
        expectedVersion: 0
      })
    )
  )
})

/** One create at a known id (or a generated one). */
const createAt = Effect.fnUntraced(function* <R>(
  ctx: EngineContext<R>,
  at: {
    readonly input: typeof CreateInput.Type
    readonly access: ReturnType<typeof accessOf>
    readonly template: Template
    readonly marketRole: string | undefined
    readonly tenantId: string
    readonly knownId: string | undefined
    readonly fingerprint: string | undefined
  }
) {
  const { input, access, template, marketRole, tenantId, knownId, fingerprint } = at
  const { actor, idempotencyKey: key } = input
  if (knownId !== undefined) {
    const existing = yield* ctx.store.load(access, knownId, key)
    if (existing.state !== undefined) {
      if (key !== undefined && existing.prior.length > 0) {
        yield* sameCommand(existing.prior, fingerprint, "create", knownId, key)
        return yield* replayResult(ctx, access, existing.state, existing.prior)
      }
      return yield* taken(knownId)
    }
  }
  if (marketRole === undefined) {
    return yield* new InvalidCommand({
      command: "CreateWorkflow",
      reason: `template ${template.id} has no market role; pass one`
    })
  }
  const instanceId = knownId ?? (yield* ctx.ids.next)
  const now = yield* nowIso
  const command: Command = {
    _tag: "CreateWorkflow",
    ...envelope({ actor, expectedVersion: 0, ...(key === undefined ? {} : { idempotencyKey: key }) }, now, fingerprint),
    instanceId,
    tenantId,
    templateId: template.id,
    templateVersion: template.version,
    marketRole,
    ...(input.metadata === undefined ? {} : { metadata: input.metadata })
  }
  return yield* commitDecision(ctx, access, "create", undefined, { command }, template).pipe(
    // an id another tenant holds answers exactly like one this tenant holds: it is taken
    Effect.catchIf(
      (error) => error._tag === "StorageError" && error.reason._tag === "Conflict",
      () => Effect.fail(taken(instanceId))
    ),
    replayOnConflict(ctx, access, "create", instanceId, key, fingerprint)
  )
})

/** The errors {@link taken} made: a create whose id is held by another instance (no message matching). */
const takenErrors = new WeakSet<object>()

/** Whether a create failed because its id is held by another instance. */
const isTaken = (error: unknown): boolean => typeof error === "object" && error !== null && takenErrors.has(error)

/** The error of a create whose instance id exists, whoever holds it. */
const taken = (instanceId: string) => {
  const error = storageError(
    "create",
    new Conflict({ message: `workflow ${instanceId} already exists`, expectedVersion: 0 })
  )
  takenErrors.add(error)
  return error
}

/** The decider command's own fields (its envelope comes from the input). */
type Fields = { readonly _tag: Command["_tag"] } & Record<string, unknown>

/** Present `value` under `key`, or nothing (optional fields are absent, never `undefined`). */
const optional = <K extends string>(key: K, value: string | undefined) =>
  (value === undefined ? {} : { [key]: value }) as { readonly [P in K]?: string }

/**
 * A command that runs no handler: its decider command is the envelope plus `fields` of the input,
 * which are also what makes two commands under one key the same command.
 */
const plain =
  <S extends Schema.Decoder<InstanceCommand>>(operation: Operation, schema: S, fields: (input: S["Type"]) => Fields) =>
  <R>(ctx: EngineContext<R>, raw: unknown) =>
    Effect.flatMap(decodeInput(operation, schema, raw, ctx.limits), (input: InstanceCommand) => {
      const { _tag, ...args } = fields(input)
      return runCommand(ctx, {
        operation,
        input,
        args,
        build: (_, __, at, fp) => Effect.succeed({ command: { _tag, ...args, ...envelope(input, at, fp) } as Command })
      })
    })

export const start = plain("start", InstanceCommand, () => ({ _tag: "StartWorkflow" }))

export const resume = plain("resume", InstanceCommand, () => ({ _tag: "ResumeWorkflow" }))

export const pause = plain("pause", PauseInput, (input) => ({
  _tag: "PauseWorkflow",
  ...optional("reason", input.reason)
}))

export const approve = plain("approve", CommentInput, (input) => ({
  _tag: "ApproveWorkflow",
  ...optional("comment", input.comment)
}))

export const reject = plain("reject", RejectInput, (input) => ({
  _tag: "RejectWorkflow",
  reason: input.reason,
  ...optional("toStepId", input.toStepId)
}))

export const fail = plain("fail", FailInput, (input) => ({ _tag: "FailWorkflow", reason: input.reason }))

export const submit = <R>(ctx: EngineContext<R>, raw: unknown) =>
  Effect.flatMap(decodeInput("submit", CommentInput, raw, ctx.limits), (input) =>
    runCommand(ctx, {
      operation: "submit",
      input,
      args: { comment: input.comment ?? null },
      build: (state, template, at, fp) =>
        Effect.gen(function* () {
          const command: Command = {
            _tag: "SubmitWorkflow",
            ...envelope(input, at, fp),
            ...(input.comment === undefined ? {} : { comment: input.comment })
          }
          const precheck = decide(state, command, template, ctx.decideOptions)
          if (Result.isFailure(precheck)) return yield* precheck.failure
          const issues = yield* validateSteps(ctx, state, template, input.actor, at)
          if (issues.length > 0) return yield* new ValidationFailed({ issues })
          return { command }
        })
    })
  )

export const validate = <R>(ctx: EngineContext<R>, raw: unknown) =>
  Effect.gen(function* () {
    const input = yield* decodeInput("validate", InstanceQuery, raw, ctx.limits)
    const { state } = yield* loadInstance(ctx, accessOf(input.actor), input.instanceId, "validate")
    const template = yield* loadTemplate(ctx, state.templateId, state.templateVersion, "validate")
    yield* authorize(input.actor, "validate", policyContext(state))
    return yield* validateSteps(ctx, state, template, input.actor, yield* nowIso)
  })
