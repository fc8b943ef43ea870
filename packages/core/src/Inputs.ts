/**
 * The inputs of the engine's operations, as schemas. Every operation decodes its whole input with
 * its schema first — after a bounded walk that refuses non-JSON values, cycles and anything too
 * deep or too large — and fails with `InvalidInput` naming each bad field; nothing is read or
 * written before that. The types are the schemas' decoded types.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Actor } from "./Actor.js"
import { Identifier, Instant, JsonObject } from "./Json.js"
import { WorkflowStatus } from "./Status.js"

const Version = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 2_147_483_647 }))
const Sequence = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 2_147_483_647 }))
const Text = (min: number, max: number) => Schema.String.check(Schema.isMinLength(min), Schema.isMaxLength(max))

/**
 * An idempotency key: 1 to 200 characters.
 *
 * @since 0.1.0
 * @category inputs
 */
export const IdempotencyKey = Text(1, 200)

const envelope = {
  actor: Actor,
  instanceId: Identifier,
  /** The instance version the caller last saw; a different current version is a `Conflict`. */
  expectedVersion: Version,
  /** Makes the command safe to repeat: a repeat returns the original result. */
  idempotencyKey: Schema.optionalKey(IdempotencyKey)
}

/**
 * Input of `create`. `templateVersion` defaults to the latest published version, `tenantId` to
 * the actor's tenant (`market_ops` creates for another tenant by naming it), `marketRole` to the
 * template's, `instanceId` to a new id (or, with an idempotency key, one derived from the tenant
 * and the key so that a repeat finds it).
 *
 * @since 0.1.0
 * @category inputs
 */
export const CreateInput = Schema.Struct({
  actor: Actor,
  templateId: Identifier,
  templateVersion: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 2_147_483_647 }))),
  tenantId: Schema.optionalKey(Identifier),
  marketRole: Schema.optionalKey(Text(1, 100)),
  metadata: Schema.optionalKey(JsonObject),
  instanceId: Schema.optionalKey(Identifier),
  idempotencyKey: Schema.optionalKey(IdempotencyKey)
})

/** @since 0.1.0 @category inputs */
export type CreateInput = typeof CreateInput.Type

/**
 * The fields every command on an existing instance carries: actor, instance, expected version and
 * an optional idempotency key. Input of `start` and `resume`.
 *
 * @since 0.1.0
 * @category inputs
 */
export const InstanceCommand = Schema.Struct(envelope)

/** @since 0.1.0 @category inputs */
export type InstanceCommand = typeof InstanceCommand.Type

/**
 * Input of `executeStep`: the step to run (the current one) and the input its handler decodes.
 *
 * @since 0.1.0
 * @category inputs
 */
export const ExecuteStepInput = Schema.Struct({ ...envelope, stepId: Identifier, input: Schema.Unknown })

/** @since 0.1.0 @category inputs */
export type ExecuteStepInput = typeof ExecuteStepInput.Type

/** Input of `pause`. @since 0.1.0 @category inputs */
export const PauseInput = Schema.Struct({ ...envelope, reason: Schema.optionalKey(Text(0, 4000)) })

/** @since 0.1.0 @category inputs */
export type PauseInput = typeof PauseInput.Type

/** Input of `submit` and `approve`. @since 0.1.0 @category inputs */
export const CommentInput = Schema.Struct({ ...envelope, comment: Schema.optionalKey(Text(0, 4000)) })

/** @since 0.1.0 @category inputs */
export type CommentInput = typeof CommentInput.Type

/** Input of `reject`: why, and the step to send the workflow back to (default: the last). @since 0.1.0 @category inputs */
export const RejectInput = Schema.Struct({
  ...envelope,
  reason: Text(1, 4000),
  toStepId: Schema.optionalKey(Identifier)
})

/** @since 0.1.0 @category inputs */
export type RejectInput = typeof RejectInput.Type

/** Input of `rollback`: the completed step to go back to. @since 0.1.0 @category inputs */
export const RollbackInput = Schema.Struct({ ...envelope, toStepId: Identifier })

/** @since 0.1.0 @category inputs */
export type RollbackInput = typeof RollbackInput.Type

/** Input of `fail`. @since 0.1.0 @category inputs */
export const FailInput = Schema.Struct({ ...envelope, reason: Text(1, 4000) })

/** @since 0.1.0 @category inputs */
export type FailInput = typeof FailInput.Type

/**
 * Input of the system's operations, `fireDueTimers` and `runAutomaticStep`: the expected version
 * is optional (a worker usually has the version from the index, but need not), and `leaseMs`
 * (default 60 000) is how long a deferred attempt is claimed for.
 *
 * @since 0.1.0
 * @category inputs
 */
export const SystemCommand = Schema.Struct({
  actor: Actor,
  instanceId: Identifier,
  expectedVersion: Schema.optionalKey(Version),
  leaseMs: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 86_400_000 })))
})

/** @since 0.1.0 @category inputs */
export type SystemCommand = typeof SystemCommand.Type

/** Input of `get` and `validate`. @since 0.1.0 @category inputs */
export const InstanceQuery = Schema.Struct({ actor: Actor, instanceId: Identifier })

/** @since 0.1.0 @category inputs */
export type InstanceQuery = typeof InstanceQuery.Type

/**
 * Input of `list`: filters (see `IndexFilter`) and a page (`limit` 1 to 500, default 50).
 *
 * @since 0.1.0
 * @category inputs
 */
export const ListInput = Schema.Struct({
  actor: Actor,
  filter: Schema.optionalKey(
    Schema.Struct({
      tenantId: Schema.optionalKey(Identifier),
      status: Schema.optionalKey(Schema.Array(WorkflowStatus).check(Schema.isMaxLength(8))),
      marketRole: Schema.optionalKey(Text(1, 100)),
      currentStepId: Schema.optionalKey(Identifier),
      templateId: Schema.optionalKey(Identifier),
      updatedSince: Schema.optionalKey(Instant),
      dueBy: Schema.optionalKey(Instant)
    })
  ),
  page: Schema.optionalKey(
    Schema.Struct({
      limit: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 500 })),
      cursor: Schema.optionalKey(Text(1, 1000))
    })
  )
})

/** @since 0.1.0 @category inputs */
export type ListInput = typeof ListInput.Type

/**
 * Input of `events`: sequences `from` (default 1) to `to` (inclusive, default the last), at most
 * `limit` (1 to 1000, default 1000) at a time.
 *
 * @since 0.1.0
 * @category inputs
 */
export const EventsInput = Schema.Struct({
  actor: Actor,
  instanceId: Identifier,
  from: Schema.optionalKey(Sequence),
  to: Schema.optionalKey(Sequence),
  limit: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 1000 })))
})

/** @since 0.1.0 @category inputs */
export type EventsInput = typeof EventsInput.Type

/**
 * Input of `stateAt`: up to a sequence, or up to an instant (an ISO-8601 string or a `Date`).
 *
 * @since 0.1.0
 * @category inputs
 */
export const StateAtInput = Schema.Struct({
  actor: Actor,
  instanceId: Identifier,
  until: Schema.Union([
    Schema.Struct({ untilSequence: Sequence }),
    Schema.Struct({ untilTime: Schema.Union([Instant, Schema.Date]) })
  ])
})

/** @since 0.1.0 @category inputs */
export type StateAtInput = typeof StateAtInput.Type
