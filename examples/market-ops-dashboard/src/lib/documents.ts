/**
 * Every GraphQL operation the dashboard sends. Each mutation answers the workflow's new version;
 * every command sends the version the person saw (`expectedVersion`), so the server refuses it
 * with CONFLICT when someone else changed the workflow meanwhile.
 */
export const LOGIN = `mutation Login($email: String!, $password: String!, $organisation: ID) {
  login(email: $email, password: $password, organisation: $organisation) {
    token expiresAt
    me { userId tenantId role permissions tenant { id companyName } }
  }
}`

export const ME = `query Me { me { userId tenantId role permissions tenant { id companyName } } }`

const ROW = `id tenantId tenant { companyName } templateId templateVersion template { name } marketRole status
  currentStepId currentStep { id type name config } version createdAt updatedAt`

export const WORKFLOWS = `query Workflows($filter: WorkflowFilter, $first: Int, $after: String) {
  workflows(filter: $filter, first: $first, after: $after) {
    nodes { ${ROW} }
    pageInfo { hasNextPage endCursor }
  }
}`

export const FILTER_OPTIONS = `query FilterOptions { templates { id version name description marketRole } }`

export const TENANTS = `query Tenants { tenants { id companyName vatNumber eic status createdAt } }`

export const USERS = `query Users($tenantId: ID) { users(tenantId: $tenantId) { id tenantId email role displayName status } }`

export const WORKFLOW = `query Workflow($id: ID!) {
  workflow(id: $id) {
    id tenantId tenant { companyName vatNumber } templateId templateVersion marketRole status currentStepId
    version createdAt updatedAt
    template {
      id version name description marketRole mermaid
      steps { id type name description config formSchema compensation }
    }
    state {
      status currentStepId version createdBy updatedAt submittedBy metadata
      steps { stepId status attempts data startedAt completedAt completedBy error }
    }
    events(first: 100) { sequence type stepId performedBy occurredAt data }
  }
}`

/** The events after the first page (the API answers at most `WM_MAX_PAGE_SIZE`, 100 by default, at once). */
export const EVENTS = `query Events($id: ID!, $from: Int!) {
  workflow(id: $id) { events(from: $from, first: 100) { sequence type stepId performedBy occurredAt data } }
}`

export const STATE_AT = `query StateAt($id: ID!, $at: DateTime, $sequence: Int) {
  workflowStateAt(id: $id, at: $at, sequence: $sequence) {
    status currentStepId version createdBy updatedAt submittedBy metadata
    steps { stepId status attempts data startedAt completedAt completedBy error }
  }
}`

export const ROLLBACK_PLAN = `query RollbackPlan($id: ID!, $toStepId: ID!) {
  rollbackPlan(id: $id, toStepId: $toStepId) {
    toStepId status resuming reset
    compensations { stepId strategy data step { id name type } }
  }
}`

export const VALIDATE = `query Validate($id: ID!) { validateWorkflow(id: $id) { valid issues { path message } } }`

const RESULT = "version workflow { id status currentStepId version }"

export const CREATE = `mutation Create($input: CreateWorkflowInput!) { createWorkflow(input: $input) { ${RESULT} } }`
export const START = `mutation Start($input: CommandInput!) { startWorkflow(input: $input) { ${RESULT} } }`
export const EXECUTE = `mutation Execute($input: ExecuteStepInput!) { executeStep(input: $input) { ${RESULT} } }`
export const PAUSE = `mutation Pause($input: ReasonInput!) { pauseWorkflow(input: $input) { ${RESULT} } }`
export const RESUME = `mutation Resume($input: CommandInput!) { resumeWorkflow(input: $input) { ${RESULT} } }`
export const SUBMIT = `mutation Submit($input: CommentInput!) { submitWorkflow(input: $input) { ${RESULT} } }`
export const APPROVE = `mutation Approve($input: CommentInput!) { approveWorkflow(input: $input) { ${RESULT} } }`
export const REJECT = `mutation Reject($input: RejectInput!) { rejectWorkflow(input: $input) { ${RESULT} } }`
export const ROLLBACK = `mutation Rollback($input: RollbackInput!) { rollbackWorkflow(input: $input) { ${RESULT} } }`
