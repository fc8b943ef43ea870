/**
 * The approval step handler (`type: "approval"`): a decision inside the `IN_PROGRESS` flow,
 * recorded as step data. Each decision is a contribution (`STEP_CONTRIBUTED`, with its comment);
 * the step completes when the quorum of distinct eligible approvers is reached, or at once on a
 * `reject` or a `request_changes`, with an output whose `outcome` the template routes on.
 *
 * @since 0.1.0
 */
import { defineStepHandler, type Issue, type Json, type StepContext, StepHandlerError } from "@workflow-manager/core"
import { Effect, Schema } from "effect"
import { ApprovalConfig } from "./ApprovalConfig.js"
import { ApprovalInput } from "./ApprovalInput.js"
import { ApprovalOutput, type ApprovalRevocation } from "./ApprovalRecord.js"
import { decide } from "./internal/decide.js"
import { isActor, isConfig, isInput, whenReadable } from "./internal/readable.js"
import { settingsOf } from "./internal/settings.js"
import { approvalStepIssues } from "./internal/stepIssues.js"

/**
 * The step type the approval handler serves.
 *
 * @since 0.1.0
 * @category handler
 */
export const APPROVAL_TYPE = "approval"

const isOutput = Schema.is(ApprovalOutput)

const inputIssues = (config: ApprovalConfig, input: ApprovalInput): ReadonlyArray<Issue> => {
  const settings = settingsOf(config)
  const issues: Array<Issue> = []
  if (input.decision === "delegate") {
    if (!settings.delegation.allowed) issues.push({ path: "decision", message: "this step does not allow delegation" })
    else if (input.to === undefined) issues.push({ path: "to", message: "a delegation names the user it is handed to" })
  } else if (input.to !== undefined) {
    issues.push({ path: "to", message: "only a delegation names a delegate" })
  }
  const needsComment = input.decision === "reject" || input.decision === "request_changes"
  if (needsComment && settings.requireComment && (input.comment ?? "").trim() === "") {
    issues.push({ path: "comment", message: `a comment is required to ${input.decision.replace("_", " ")}` })
  }
  return issues
}

const revocation = (output: unknown, context: StepContext) => {
  const c = context as Partial<StepContext> | null | undefined
  if (typeof c?.at !== "string" || !isActor(c.actor)) {
    return Effect.fail(
      new StepHandlerError({ message: "compensate was called without a readable context", retryable: false })
    )
  }
  const revoked: ApprovalRevocation = isOutput(output)
    ? { revoked: output.decisions, outcome: output.outcome, revokedAt: c.at, revokedBy: c.actor.userId }
    : { revoked: [], outcome: null, revokedAt: c.at, revokedBy: c.actor.userId }
  return Effect.succeed(revoked as unknown as Json)
}

/**
 * The approval step handler. Register it, and give the engine `approvalPolicy` so that a
 * non-approver is refused before the handler runs.
 *
 * - `checkStep` — when the template is validated (published, composed): `approves` names steps of
 *   the template that come before this one (some path of the template leads from them here), and
 *   the routes send every `rejected` and every `changes_requested` outcome somewhere — issues at
 *   `config.approves[i]` and `routes`;
 * - `checkInput` — `to` only with (and required for) `delegate`, delegation allowed by the config,
 *   a comment for `reject` / `request_changes` when `requireComment` (the default);
 * - `execute` — refuses (`StepRefused`, nothing recorded) an actor who is neither an eligible
 *   approver nor a delegate (`forbidden`), who fails four-eyes (`forbidden`), who already decided in
 *   this round (`invalid`), a delegate delegating again (`forbidden`); records an approval below the
 *   quorum as a contribution; completes with an `ApprovalOutput` otherwise;
 * - `validate` — at submission, an approval step whose outcome is not `approved` is an issue (the
 *   second line of defence behind `checkStep`: a rejection routed to `"$end"` ends here);
 * - `compensate` — revokes the recorded decisions and returns them (who, when, what).
 *
 * @example
 * ```ts
 * import { createEngine, makeMemoryStorage, makeRegistry } from "@workflow-manager/core"
 * import { approvalHandler, approvalPolicy } from "@workflow-manager/handler-approval"
 *
 * const engine = await createEngine({
 *   stores: makeMemoryStorage().layer,
 *   handlers: makeRegistry([approvalHandler]),
 *   policy: approvalPolicy()
 * })
 * ```
 *
 * @since 0.1.0
 * @category handler
 */
export const approvalHandler = defineStepHandler({
  type: APPROVAL_TYPE,
  description: "Approval by a quorum of eligible approvers, with four-eyes, delegation and request for changes",
  configSchema: ApprovalConfig,
  inputSchema: ApprovalInput,
  checkStep: (args) => approvalStepIssues(args),
  checkInput: ({ config, input }) =>
    Effect.succeed(
      isConfig(config) && isInput(input)
        ? inputIssues(config, input)
        : [{ path: "", message: "the approval handler was called with a config or input it cannot read" }]
    ),
  execute: (args) => whenReadable(args, () => decide(settingsOf(args.config), args.input, args.context)),
  validate: ({ output }) =>
    Effect.succeed(
      isOutput(output) && output.outcome === "approved"
        ? []
        : [
            {
              path: "outcome",
              message: isOutput(output)
                ? `the approval ended ${output.outcome.replace("_", " ")}, not approved`
                : "the approval has no decision"
            }
          ]
    ),
  compensate: ({ output, context }) => revocation(output, context)
})
