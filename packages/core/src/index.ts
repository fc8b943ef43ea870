/**
 * `@workflow-manager/core` — the pure model and the engine of Workflow Manager.
 *
 * @packageDocumentation
 */

export * as Access from "./Access.js"
export { Actor, MARKET_OPS } from "./Actor.js"
export * as Command from "./Command.js"
export { Change, compose, mergeConfig, TemplateExtension } from "./Composition.js"
export { type Comparison, Condition, evaluate as evaluateCondition, readPath } from "./Condition.js"
export { type Decision, decide, isAllowed, type NoInstance, type Transition, transitions } from "./Decide.js"
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
export {
  type CommandResult,
  type CreateInput,
  Engine,
  type EngineError,
  type EngineOptions,
  type EngineRequirements,
  type EngineService,
  type InstanceCommand,
  type InstanceQuery,
  keyedInstanceId,
  layer as engineLayer,
  make as makeEngine
} from "./Engine.js"
export * as Event from "./Event.js"
export { decodeEvent, type EventType, StepError, WorkflowEvent } from "./Event.js"
export { EventStore, type EventStoreService, type SequenceRange } from "./EventStore.js"
export { evolve, fold, rebuildState, type Until } from "./Evolve.js"
export {
  IdGenerator,
  type IdGeneratorService,
  layerSequential as idLayerSequential,
  layerUuid as idLayerUuid
} from "./IdGenerator.js"
export { InstanceStore, type InstanceStoreService } from "./InstanceStore.js"
export { Identifier, Instant, Json, JsonObject } from "./Json.js"
export { layerMemory, type MemoryStorage, make as makeMemoryStorage } from "./Memory.js"
export { statusMachineMermaid, toMermaid } from "./Mermaid.js"
export { defaultPolicy, type Operation, Policy, type PolicyService, reviewerOperations } from "./Policy.js"
export { type CreateEngineOptions, createEngine, type PromiseEngine, type Stores } from "./Promise.js"
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
  Conflict,
  InvalidData,
  NotFound,
  StorageError,
  type StorageErrorReason,
  storageError,
  TenantViolation,
  Unavailable
} from "./StorageError.js"
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
  TEMPLATE_SCHEMA_ID,
  Template,
  TemplateRef,
  templateJsonSchema
} from "./Template.js"
export { TemplateStore, type TemplateStoreService, type TemplateSummary } from "./TemplateStore.js"
export type { Inspect } from "./testing/Inspect.js"
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
  layerFromPorts as workflowStoreFromPorts,
  WorkflowStore,
  type WorkflowStoreService
} from "./WorkflowStore.js"
