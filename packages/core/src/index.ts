/**
 * `@workflow-manager/core` — the pure model and the engine of Workflow Manager.
 *
 * @packageDocumentation
 */
export { Actor, MARKET_OPS } from "./Actor.js"
export * as Command from "./Command.js"
export { type Comparison, Condition, evaluate as evaluateCondition, readPath } from "./Condition.js"
export { Change, compose, mergeConfig, TemplateExtension } from "./Composition.js"
export { decide, isAllowed, type NoInstance, type Transition, transitions } from "./Decide.js"
export {
  CompensationFailed,
  type DomainError,
  Forbidden,
  IllegalTransition,
  InvalidCommand,
  Issue,
  StepFailed,
  TemplateInvalid,
  UnknownHandler,
  ValidationFailed
} from "./DomainError.js"
export * as Event from "./Event.js"
export { decodeEvent, type EventType, StepError, WorkflowEvent } from "./Event.js"
export { evolve, fold, rebuildState, type Until } from "./Evolve.js"
export { Identifier, Instant, Json, JsonObject } from "./Json.js"
export { statusMachineMermaid, toMermaid } from "./Mermaid.js"
export { type PlannedCompensation, planRollback, type RollbackPlan } from "./Saga.js"
export { PendingRollback, StepState, StepStatus, WorkflowState } from "./State.js"
export { allStatuses, isTerminal, WorkflowStatus } from "./Status.js"
export {
  type AnyStepHandler,
  defineStepHandler,
  type HandlerRegistry,
  type HandlerServices,
  makeRegistry,
  type StepContext,
  type StepHandler,
  StepHandlerError
} from "./StepHandler.js"
export {
  Compensation,
  END,
  findStep,
  firstStepId,
  nextStepId,
  RetryPolicy,
  Route,
  Step,
  successors,
  Template,
  TemplateRef
} from "./Template.js"
export { graphIssues, validateTemplate } from "./Validation.js"
