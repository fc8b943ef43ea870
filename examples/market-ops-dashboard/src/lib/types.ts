/**
 * The shapes the dashboard reads from the reference server's GraphQL API
 * (reference-server/src/schema.graphql) — only the fields it selects.
 */
export type WorkflowStatus =
  | "DRAFT"
  | "IN_PROGRESS"
  | "PAUSED"
  | "AWAITING_VALIDATION"
  | "SUBMITTED"
  | "COMPLETED"
  | "ROLLED_BACK"
  | "FAILED"

export const WORKFLOW_STATUSES: ReadonlyArray<WorkflowStatus> = [
  "DRAFT",
  "IN_PROGRESS",
  "PAUSED",
  "AWAITING_VALIDATION",
  "SUBMITTED",
  "COMPLETED",
  "ROLLED_BACK",
  "FAILED"
]

/** The market roles of the seed's domain. */
export const MARKET_ROLES: ReadonlyArray<string> = ["BRP", "BSP", "GU", "ACH", "CRM", "ESP", "DSO"]

export interface Me {
  readonly userId: string
  readonly tenantId: string
  readonly role: string
  readonly permissions: ReadonlyArray<string>
  readonly tenant: { readonly id: string; readonly companyName: string } | null
}

export interface Tenant {
  readonly id: string
  readonly companyName: string
  readonly vatNumber: string
  readonly eic: string | null
  readonly status: string
  readonly createdAt: string
}

export interface User {
  readonly id: string
  readonly tenantId: string
  readonly email: string
  readonly role: string
  readonly displayName: string | null
  readonly status: string
}

export interface TemplateStep {
  readonly id: string
  readonly type: string
  readonly name: string | null
  readonly description: string | null
  readonly config: Record<string, unknown>
  readonly formSchema: Record<string, unknown> | null
  readonly compensation: string
}

export interface TemplateSummary {
  readonly id: string
  readonly version: number
  readonly name: string
  readonly description: string | null
  readonly marketRole: string | null
}

export interface Template extends TemplateSummary {
  readonly steps: ReadonlyArray<TemplateStep>
  readonly mermaid: string
}

export interface CurrentStep {
  readonly id: string
  readonly type: string
  readonly name: string | null
  readonly config: Record<string, unknown>
}

export interface WorkflowRow {
  readonly id: string
  readonly tenantId: string
  readonly tenant: { readonly companyName: string } | null
  readonly templateId: string
  readonly templateVersion: number
  readonly template: { readonly name: string } | null
  readonly marketRole: string
  readonly status: WorkflowStatus
  readonly currentStepId: string | null
  readonly currentStep: CurrentStep | null
  readonly version: number
  readonly createdAt: string
  readonly updatedAt: string
}

export interface StepState {
  readonly stepId: string
  readonly status: string
  readonly attempts: number
  readonly data: unknown
  readonly startedAt: string | null
  readonly completedAt: string | null
  readonly completedBy: string | null
  readonly error: unknown
}

export interface WorkflowState {
  readonly status: WorkflowStatus
  readonly currentStepId: string | null
  readonly version: number
  readonly createdBy: string
  readonly updatedAt: string
  readonly submittedBy: string | null
  readonly steps: ReadonlyArray<StepState>
  readonly metadata: Record<string, unknown>
}

export interface WorkflowEvent {
  readonly sequence: number
  readonly type: string
  readonly stepId: string | null
  readonly performedBy: string
  readonly occurredAt: string
  readonly data: unknown
}

export interface Workflow extends Omit<WorkflowRow, "currentStep" | "template"> {
  readonly tenant: { readonly companyName: string; readonly vatNumber: string } | null
  readonly template: Template | null
  readonly state: WorkflowState
  readonly events: ReadonlyArray<WorkflowEvent>
}

export interface PlannedCompensation {
  readonly stepId: string
  readonly strategy: string
  readonly data: unknown
  readonly step: { readonly id: string; readonly name: string | null; readonly type: string } | null
}

export interface RollbackPlan {
  readonly toStepId: string
  readonly status: WorkflowStatus
  readonly resuming: boolean
  readonly reset: ReadonlyArray<string>
  readonly compensations: ReadonlyArray<PlannedCompensation>
}
