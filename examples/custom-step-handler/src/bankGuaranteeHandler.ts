/**
 * The `bank-guarantee` step: a market participant lodges a bank guarantee as collateral (a BRP or
 * BSP must before it may trade). The handler checks the guarantee against the step's config
 * (amount, validity, accepted banks), then against the {@link GuaranteeRegister} — the bank must
 * have registered and confirmed it, for this participant, with the same details — and pledges it to
 * the workflow; at submission it checks the guarantee is still good; a rollback releases the pledge.
 *
 * @since 0.1.0
 */
import {
  completeStep,
  defineStepHandler,
  type Issue,
  type Json,
  type NewMessage,
  type StepContext,
  StepHandlerError,
  StepRefused
} from "@workflow-manager/core"
import { Effect, Option, Schema } from "effect"
import { GuaranteeRegister } from "./GuaranteeRegister.js"
import { addDays, dayOf } from "./internal/dates.js"
import { BankGuaranteeConfig, BankGuaranteeInput, BankGuaranteeOutput } from "./schemas.js"

/** What `checkInput` and `execute` get: the decoded config and input, and the step's context. */
interface Run {
  readonly config: BankGuaranteeConfig
  readonly input: BankGuaranteeInput
  readonly context: StepContext
}

/** What `validate` and `compensate` get: the step's recorded input and output, as JSON. */
interface Recorded {
  readonly config: BankGuaranteeConfig
  readonly input: Json | undefined
  readonly output: Json | undefined
  readonly context: StepContext
}

// #region check-input
/** Checks the input against the config — no I/O, nothing recorded when it finds issues. */
const checkInput = ({ config, input, context }: Run): Effect.Effect<ReadonlyArray<Issue>> => {
  const issues: Array<Issue> = []
  if (input.amountEur < config.minimumAmountEur) {
    issues.push({ path: "input.amountEur", message: `must be at least ${config.minimumAmountEur} EUR` })
  }
  const runsUntil = addDays(dayOf(context.at), config.minimumValidityDays)
  if (input.expiresOn < runsUntil) {
    issues.push({ path: "input.expiresOn", message: `the guarantee must run until ${runsUntil} at least` })
  }
  if (config.acceptedBanks !== undefined && !config.acceptedBanks.includes(input.bic)) {
    issues.push({ path: "input.bic", message: `guarantees of ${input.bic} are not accepted` })
  }
  return Effect.succeed(issues)
}
// #endregion check-input

// #region execute
/** Checks the guarantee at the register and pledges it to this workflow, under the attempt's key. */
const execute = ({ config, input, context }: Run) =>
  Effect.gen(function* () {
    const register = yield* GuaranteeRegister
    const guarantee = yield* register.find(input.reference)
    const fail = (code: string, message: string, retryable = false) =>
      new StepHandlerError({ code, message, retryable })
    if (guarantee === undefined) {
      return yield* fail("unknown-guarantee", `no guarantee ${input.reference} is registered`)
    }
    if (guarantee.principal !== context.tenantId) {
      // Refused, not recorded: nobody lodges another participant's guarantee.
      return yield* new StepRefused({ reason: "forbidden", message: `${input.reference} covers another participant` })
    }
    const differing = (["bic", "amountEur", "expiresOn"] as const).filter((field) => guarantee[field] !== input[field])
    if (differing.length > 0) {
      return yield* fail("mismatch", `the bank registered another ${differing.join(", ")} for ${input.reference}`)
    }
    if (guarantee.status === "revoked") return yield* fail("revoked", `${input.reference} was revoked by its bank`)
    if (guarantee.status === "pending") {
      // The bank may confirm it later: another attempt may succeed.
      return yield* fail("not-confirmed", `${input.reference} is not confirmed by its bank yet`, true)
    }
    const pledge = yield* register
      .pledge(
        { reference: input.reference, tenantId: context.tenantId, instanceId: context.instanceId },
        context.idempotencyKey
      )
      .pipe(
        Effect.catchTag("AlreadyPledged", () =>
          Effect.fail(
            new StepRefused({
              reason: "invalid",
              message: `${input.reference} is lodged with another workflow`,
              issues: [{ path: "input.reference", message: "is lodged with another workflow" }]
            })
          )
        )
      )
    const output: BankGuaranteeOutput = { ...input, pledgeId: pledge.pledgeId }
    return completeStep(output, { messages: messagesOf(config, output, context) })
  })

/** The collateral desk is told once; a renewal reminder waits until shortly before expiry. */
const messagesOf = (
  config: BankGuaranteeConfig,
  output: BankGuaranteeOutput,
  context: StepContext
): ReadonlyArray<NewMessage> => {
  const payload = { ...output, tenantId: context.tenantId, instanceId: context.instanceId }
  const lodged: NewMessage = { key: "lodged", kind: "collateral.lodged", payload }
  if (config.renewalNoticeDays === undefined) return [lodged]
  const remindAt = `${addDays(output.expiresOn, -config.renewalNoticeDays)}T00:00:00.000Z`
  const renewal: NewMessage = {
    key: "renewal",
    kind: "collateral.renewal-due",
    payload,
    availableAt: remindAt > context.at ? remindAt : context.at
  }
  return [lodged, renewal]
}
// #endregion execute

// #region validate
const decodeOutput = Schema.decodeUnknownOption(BankGuaranteeOutput)

/** At submission: the guarantee is still active, still lodged with this workflow, still long enough. */
const validate = ({ config, output, context }: Recorded) =>
  Effect.gen(function* () {
    const lodged = decodeOutput(output)
    if (Option.isNone(lodged)) return [{ path: "output", message: "is not a lodged bank guarantee" }]
    const { reference, pledgeId, expiresOn } = lodged.value
    const register = yield* GuaranteeRegister
    const issues: Array<Issue> = []
    if ((yield* register.find(reference))?.status !== "active") {
      issues.push({ path: "output.reference", message: `${reference} is no longer active at its bank` })
    }
    if ((yield* register.pledgeOf(reference))?.pledgeId !== pledgeId) {
      issues.push({ path: "output.pledgeId", message: `${reference} is no longer lodged with this workflow` })
    }
    const runsUntil = addDays(dayOf(context.at), config.minimumValidityDays)
    if (expiresOn < runsUntil) {
      issues.push({ path: "output.expiresOn", message: `the guarantee must run until ${runsUntil} at least` })
    }
    return issues
  })
// #endregion validate

// #region compensate
/** On rollback: releases the pledge (once, under the compensation's key). */
const compensate = ({ output, context }: Recorded) =>
  Effect.gen(function* () {
    const lodged = decodeOutput(output)
    if (Option.isNone(lodged)) return { released: null }
    const register = yield* GuaranteeRegister
    const released = yield* register.release(lodged.value.pledgeId, context.idempotencyKey)
    return { released: released ? lodged.value.pledgeId : null }
  })
// #endregion compensate

/**
 * The `bank-guarantee` step handler. It requires the {@link GuaranteeRegister} service.
 *
 * @example
 * ```ts
 * import { createEngine } from "@workflow-manager/core"
 * import { bankGuaranteeHandler, layerMemory, makeMemoryGuaranteeRegister } from "@acme/handler-bank-guarantee"
 *
 * const engine = await createEngine({
 *   handlers: [bankGuaranteeHandler],
 *   services: layerMemory(makeMemoryGuaranteeRegister())
 * })
 * ```
 *
 * @since 0.1.0
 * @category handlers
 */
// #region define
export const bankGuaranteeHandler = defineStepHandler({
  type: "bank-guarantee",
  description: "A bank guarantee lodged as collateral, checked at the guarantee register",
  configSchema: BankGuaranteeConfig,
  inputSchema: BankGuaranteeInput,
  // A function of the decoded config: the template chooses inline or deferred per step.
  deferred: (config) => config.run === "deferred",
  checkInput,
  execute,
  validate,
  compensate
})
// #endregion define
