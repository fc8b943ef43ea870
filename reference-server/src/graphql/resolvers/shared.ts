/**
 * What the resolvers share: running a call with its errors mapped, the workflow node a list entry
 * or a state becomes, and dropping absent arguments.
 *
 * @since 0.1.0
 */
import type { CommandResult, IndexEntry, WorkflowEvent, WorkflowState } from "@workflow-manager/core"
import type { GraphQLFieldResolver } from "graphql"
import type { ApiContext } from "../context.ts"
import { type Subject, toGraphQLError } from "../errors.ts"

/**
 * A resolver of this API.
 *
 * @since 0.1.0
 * @category resolvers
 */
export type Resolver<Source = unknown, Args = Record<string, unknown>> = GraphQLFieldResolver<Source, ApiContext, Args>

/**
 * A workflow as the `Workflow` type resolves it: the index fields, and the state when it is known.
 *
 * @since 0.1.0
 * @category resolvers
 */
export interface WorkflowNode extends Omit<IndexEntry, "schemaVersion" | "instanceId" | "nextDueAt"> {
  readonly id: string
  readonly state?: WorkflowState
}

/**
 * The node of an index entry.
 *
 * @since 0.1.0
 * @category resolvers
 */
export const nodeOfEntry = (entry: IndexEntry): WorkflowNode => ({
  id: entry.instanceId,
  tenantId: entry.tenantId,
  templateId: entry.templateId,
  templateVersion: entry.templateVersion,
  marketRole: entry.marketRole,
  status: entry.status,
  currentStepId: entry.currentStepId,
  version: entry.version,
  createdAt: entry.createdAt,
  updatedAt: entry.updatedAt
})

/**
 * The node of a state.
 *
 * @since 0.1.0
 * @category resolvers
 */
export const nodeOfState = (state: WorkflowState): WorkflowNode => ({
  id: state.instanceId,
  tenantId: state.tenantId,
  templateId: state.templateId,
  templateVersion: state.templateVersion,
  marketRole: state.marketRole,
  status: state.status,
  currentStepId: state.currentStepId,
  version: state.version,
  createdAt: state.createdAt,
  updatedAt: state.updatedAt,
  state
})

/**
 * The `CommandResult` of the API.
 *
 * @since 0.1.0
 * @category resolvers
 */
export const commandResult = (
  result: CommandResult
): { workflow: WorkflowNode; version: number; events: ReadonlyArray<WorkflowEvent> } => ({
  workflow: nodeOfState(result.state),
  version: result.state.version,
  events: result.events
})

/**
 * Runs a call, turning whatever it throws into the API's GraphQL error (see `errors.ts`).
 *
 * @since 0.1.0
 * @category resolvers
 */
export const attempt = async <A>(
  context: ApiContext,
  subject: Subject | undefined,
  call: () => Promise<A>
): Promise<A> => {
  try {
    return await call()
  } catch (error) {
    throw toGraphQLError(error, subject, (unexpected) => context.log.error({ err: unexpected }, "unexpected error"))
  }
}

/**
 * The object without its `null` and `undefined` values (GraphQL's absent arguments), so that core
 * decodes an absent optional field as absent.
 *
 * @since 0.1.0
 * @category resolvers
 */
export const present = <A extends Record<string, unknown>>(
  value: A
): { [K in keyof A]?: Exclude<A[K], null | undefined> } =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as {
    [K in keyof A]?: Exclude<A[K], null | undefined>
  }
