/**
 * `@workflow-manager/core` — the pure model and the engine of Workflow Manager.
 *
 * Every export is a flat name (see docs/adr/0001-flat-exports.md): schemas and their types share a
 * PascalCase name, services are `make…` and layers `…Layer`.
 *
 * @packageDocumentation
 */

export { type Access, accessOf, covers, operatorAccess, systemAccess, tenantAccess } from "./Access.js"
export { Actor, MARKET_OPS, SYSTEM_ROLE, systemActor } from "./Actor.js"
export { Command, type CommandOf, type CommandTag, StepOutcome } from "./Command.js"
export { Change, compose, mergeConfig, TemplateExtension } from "./Composition.js"
export {
  type Comparison,
  Condition,
  describe as describeCondition,
  evaluate as evaluateCondition,
  readPath
} from "./Condition.js"
export { dueTimers, type StepSchedule, scheduleStep } from "./Deadlines.js"
export {
  type DecideOptions,
  type Decision,
  decide,
  isAllowed,
  type NoInstance,
  type Transition,
  transitions
} from "./Decide.js"
export {
  CompensationFailed,
  type DomainError,
  Forbidden,
  ForbiddenReason,
  IdempotencyKeyReused,
  IllegalTransition,
  InvalidCommand,
  InvalidInput,
  Issue,
  StepFailed,
  TemplateInvalid,
  UnknownHandler,
  ValidationFailed
} from "./DomainError.js"
export { type DueClaimRequest, type DueItem, type DueStats, DueWork, type DueWorkService } from "./DueWork.js"
export { addDuration, Duration } from "./Duration.js"
export {
  type CommandResult,
  Engine,
  type EngineError,
  type EngineOptions,
  type EngineRequirements,
  type EngineService,
  type EventPage,
  engineLayer,
  keyedInstanceId,
  makeEngine,
  type PublishPackInput
} from "./Engine.js"
export {
  decodeEvent,
  type EventOf,
  type EventType,
  eventTypes,
  Lease,
  ScheduledTimer,
  StepError,
  WorkflowEvent
} from "./Event.js"
export { EventStore, type EventStoreService, type SequenceRange } from "./EventStore.js"
export { evolve, fold, rebuildState, type Until } from "./Evolve.js"
export { IdGenerator, type IdGeneratorService, sequentialIdsLayer, uuidIdsLayer } from "./IdGenerator.js"
export {
  CommentInput,
  CreateInput,
  EventsInput,
  ExecuteStepInput,
  FailInput,
  IdempotencyKey,
  InstanceCommand,
  InstanceQuery,
  ListInput,
  PauseInput,
  RejectInput,
  RollbackInput,
  StateAtInput,
  SystemCommand
} from "./Inputs.js"
export { InstanceStore, type InstanceStoreService } from "./InstanceStore.js"
export { Identifier, Instant, Json, JsonObject } from "./Json.js"
export { checkJson, checkLimits, defaultLimits, type Limits } from "./Limits.js"
export {
  type MemoryOptions,
  type MemoryPorts,
  type MemoryReads,
  type MemoryStorage,
  makeMemoryStorage,
  memoryLayer,
  type StoredMessage
} from "./Memory.js"
export { statusMachineMermaid, toMermaid } from "./Mermaid.js"
export {
  type ClaimedMessage,
  type ClaimRef,
  type ClaimRequest,
  Outbox,
  OutboxMessage,
  type OutboxService,
  type OutboxStats
} from "./Outbox.js"
export {
  defaultPolicy,
  forbidden,
  type Operation,
  Policy,
  type PolicyContext,
  type PolicyService,
  type PolicyStep,
  reviewerOperations,
  systemOperations
} from "./Policy.js"
export {
  type CreateEngineOptions,
  createEngine,
  failureOf,
  type PromiseEngine,
  type Promisified,
  promisify,
  runPromise,
  type Stores
} from "./Promise.js"
export { retryDelay } from "./Retry.js"
export { type PlannedCompensation, planRollback, type RollbackPlan } from "./Saga.js"
export {
  Contribution,
  nextDueAt,
  PendingRollback,
  StepEntry,
  StepState,
  StepStatus,
  WorkflowState
} from "./State.js"
export { allStatuses, isTerminal, WorkflowStatus } from "./Status.js"
export {
  type AnyStepHandler,
  completeStep,
  contributeStep,
  defineStepHandler,
  type HandlerRegistry,
  type HandlerServices,
  isAutomatic,
  isDeferred,
  isStepResult,
  makeRegistry,
  NewMessage,
  type StepContext,
  type StepHandler,
  StepHandlerError,
  StepRefused,
  type StepResult,
  StepResultTypeId
} from "./StepHandler.js"
export {
  Conflict,
  InvalidData,
  Misconfigured,
  NotFound,
  StorageError,
  type StorageErrorReason,
  storageError,
  TenantViolation,
  Unavailable
} from "./StorageError.js"
export {
  Compensation,
  Deadline,
  DeadlineAnchor,
  END,
  Escalation,
  findStep,
  firstStepId,
  moves,
  nextStepId,
  RetryPolicy,
  Route,
  Step,
  stepsBefore,
  successors,
  TEMPLATE_SCHEMA_ID,
  Template,
  TemplateRef,
  templateJsonSchema
} from "./Template.js"
export { defineTemplatePack, type TemplatePack } from "./TemplatePack.js"
export { TemplateStore, type TemplateStoreService, type TemplateSummary } from "./TemplateStore.js"
export { graphIssues, validateTemplate } from "./Validation.js"
export {
  decodeCursor,
  encodeCursor,
  entryOf,
  IndexEntry,
  type IndexFilter,
  type Page,
  type PageRequest,
  type Position,
  WorkflowIndex,
  type WorkflowIndexService
} from "./WorkflowIndex.js"
export {
  type Capabilities,
  type CommitBatch,
  type CommitResult,
  composedWorkflowStoreLayer,
  type LoadResult,
  loadFromPorts,
  WorkflowStore,
  type WorkflowStoreService
} from "./WorkflowStore.js"
