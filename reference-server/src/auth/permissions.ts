/**
 * The permission matrix: the four roles of the reference server, the permissions each grants, and
 * the permission each engine operation needs. `docs/reference-server-auth.md` shows the same
 * matrix as a table (a test checks that it matches this file).
 *
 * - `market_ops` — the operator's market operations team: every permission, on every tenant. Only
 *   users of the registered operator organisation may hold it (the database refuses it anywhere
 *   else, and so does the policy).
 * - `tenant_admin` — runs its own organisation's workflows end to end (including pause, resume and
 *   rollback) and manages its organisation's users (never giving `market_ops`).
 * - `tenant_user` — fills in its organisation's workflows: create, start, execute steps, validate,
 *   submit, read.
 * - `approver` — reads its organisation's workflows and decides the approval steps whose template
 *   names `approver` among its `approverRoles` (the approval plugin checks that part). Approving or
 *   rejecting a submitted workflow is the operator's review, not the participant's.
 *
 * @since 0.1.0
 */
import type { Operation } from "@workflow-manager/core"

/**
 * The roles a user of the reference server may have.
 *
 * @since 0.1.0
 * @category permissions
 */
export const ROLES = ["market_ops", "tenant_admin", "tenant_user", "approver"] as const

/**
 * A role of the reference server.
 *
 * @since 0.1.0
 * @category permissions
 */
export type Role = (typeof ROLES)[number]

/**
 * Every permission, with what it allows.
 *
 * @since 0.1.0
 * @category permissions
 */
export const PERMISSION_DESCRIPTIONS = {
  "workflow:read": "read workflows, their events and past states (get, list, events, stateAt)",
  "workflow:create": "create and start workflows",
  "workflow:execute": "execute a step that is not an approval step",
  "workflow:submit": "validate and submit a workflow",
  "workflow:pause": "pause and resume a workflow",
  "workflow:rollback": "roll a workflow back to an earlier step (with compensation)",
  "workflow:decide": "decide an approval step (execute it), when the step's approverRoles name the role",
  "workflow:review": "approve, reject or fail a submitted workflow (the operator's review)",
  "workflow:system": "fire due timers and run automatic steps (the worker's operations)",
  "template:read": "list and read the published templates",
  "template:publish": "publish templates",
  "tenant:read": "list and read every tenant",
  "tenant:manage": "create tenants and change them",
  "user:read": "list the users of a tenant",
  "user:manage": "create users and change their role or status (market_ops only by market_ops)"
} as const

/**
 * A permission.
 *
 * @since 0.1.0
 * @category permissions
 */
export type Permission = keyof typeof PERMISSION_DESCRIPTIONS

const ALL = Object.keys(PERMISSION_DESCRIPTIONS) as ReadonlyArray<Permission>

/**
 * The permission matrix: what each role grants (within its own tenant, except `market_ops`, on
 * every tenant).
 *
 * @since 0.1.0
 * @category permissions
 */
export const PERMISSIONS: Readonly<Record<Role, ReadonlyArray<Permission>>> = Object.freeze({
  market_ops: Object.freeze([...ALL]),
  tenant_admin: Object.freeze([
    "workflow:read",
    "workflow:create",
    "workflow:execute",
    "workflow:submit",
    "workflow:pause",
    "workflow:rollback",
    "template:read",
    "user:read",
    "user:manage"
  ] as const),
  tenant_user: Object.freeze([
    "workflow:read",
    "workflow:create",
    "workflow:execute",
    "workflow:submit",
    "template:read"
  ] as const),
  approver: Object.freeze(["workflow:read", "workflow:decide", "template:read"] as const)
})

/**
 * The permission each engine operation needs; `executeStep` needs `workflow:decide` on an approval
 * step and `workflow:execute` on any other.
 *
 * @since 0.1.0
 * @category permissions
 */
export const OPERATION_PERMISSIONS: Readonly<Record<Exclude<Operation, "executeStep">, Permission>> = Object.freeze({
  create: "workflow:create",
  start: "workflow:create",
  pause: "workflow:pause",
  resume: "workflow:pause",
  validate: "workflow:submit",
  submit: "workflow:submit",
  approve: "workflow:review",
  reject: "workflow:review",
  fail: "workflow:review",
  rollback: "workflow:rollback",
  fireDueTimers: "workflow:system",
  runAutomaticStep: "workflow:system",
  get: "workflow:read",
  list: "workflow:read",
  events: "workflow:read",
  stateAt: "workflow:read"
})

/** The step type of the approval plugin (`@workflow-manager/handler-approval`). */
const APPROVAL_STEP = "approval"

/**
 * The permission an operation needs (given the step it acts on, for `executeStep`), or `undefined`
 * for an operation this server does not know.
 *
 * @since 0.1.0
 * @category permissions
 */
export const permissionFor = (operation: string, stepType?: string): Permission | undefined => {
  if (operation === "executeStep") return stepType === APPROVAL_STEP ? "workflow:decide" : "workflow:execute"
  return Object.hasOwn(OPERATION_PERMISSIONS, operation)
    ? OPERATION_PERMISSIONS[operation as keyof typeof OPERATION_PERMISSIONS]
    : undefined
}

/**
 * Whether a value is one of the four roles.
 *
 * @since 0.1.0
 * @category permissions
 */
export const isRole = (value: unknown): value is Role =>
  typeof value === "string" && (ROLES as ReadonlyArray<string>).includes(value)

/**
 * Whether a role grants a permission.
 *
 * @since 0.1.0
 * @category permissions
 */
export const grants = (role: string, permission: Permission): boolean =>
  isRole(role) && PERMISSIONS[role].includes(permission)

/**
 * The matrix as a Markdown table (roles as columns), as `docs/reference-server-auth.md` shows it.
 *
 * @since 0.1.0
 * @category permissions
 */
export const permissionTable = (): string => {
  const header = `| permission | ${ROLES.map((r) => `\`${r}\``).join(" | ")} | allows |`
  const rule = `| --- | ${ROLES.map(() => ":-:").join(" | ")} | --- |`
  const rows = ALL.map(
    (p) =>
      `| \`${p}\` | ${ROLES.map((r) => (PERMISSIONS[r].includes(p) ? "✓" : "")).join(" | ")} | ${PERMISSION_DESCRIPTIONS[p]} |`
  )
  return [header, rule, ...rows].join("\n")
}
