/**
 * The market roles of each tenant (BRP, BSP, GU, ACH, CRM, ESP, DSO, ...): status and contract
 * reference. A tenant reads its own; granting, suspending and terminating a role is an operator
 * (`market_ops`) action.
 *
 * @since 0.1.0
 */
import { type Access, Instant, type StorageError } from "@workflow-manager/core"
import { Context, Effect, Schema } from "effect"
import { attempt } from "./internal/query.js"
import { instant } from "./internal/rows.js"
import { checkScope, checkText, checkUuid, invalid } from "./internal/validate.js"
import { withTenant } from "./Scope.js"
import type { StoreConfig } from "./StoreConfig.js"

/**
 * The market roles of the Belgian electricity market this product onboards.
 *
 * @since 0.1.0
 * @category market roles
 */
export const MARKET_ROLES: ReadonlyArray<string> = ["BRP", "BSP", "GU", "ACH", "CRM", "ESP", "DSO"]

/**
 * The lifecycle of a tenant's market role.
 *
 * @since 0.1.0
 * @category market roles
 */
export const MarketRoleStatus = Schema.Literals(["REQUESTED", "ACTIVE", "SUSPENDED", "TERMINATED"])

/**
 * A market role status.
 *
 * @since 0.1.0
 * @category market roles
 */
export type MarketRoleStatus = typeof MarketRoleStatus.Type

/**
 * A market role of a tenant.
 *
 * @since 0.1.0
 * @category market roles
 */
export const MarketRoleAssignment = Schema.Struct({
  tenantId: Schema.String,
  role: Schema.String,
  status: MarketRoleStatus,
  contractReference: Schema.NullOr(Schema.String),
  createdAt: Instant,
  updatedAt: Instant
})

/**
 * A market role assignment.
 *
 * @since 0.1.0
 * @category market roles
 */
export type MarketRoleAssignment = typeof MarketRoleAssignment.Type

/**
 * What assigning a role takes (`status` defaults to `REQUESTED`).
 *
 * @since 0.1.0
 * @category market roles
 */
export interface AssignMarketRole {
  readonly tenantId: string
  /** Upper-case letters, digits and `_`, 2 to 16 characters (e.g. `BRP`). */
  readonly role: string
  readonly status?: MarketRoleStatus
  readonly contractReference?: string | null
}

/**
 * The market roles repository.
 *
 * @since 0.1.0
 * @category market roles
 */
export interface MarketRolesService {
  /** Creates or updates the assignment of a role to a tenant (operator only). */
  readonly assign: (access: Access, assignment: AssignMarketRole) => Effect.Effect<MarketRoleAssignment, StorageError>
  /** One assignment, or `undefined` (also when outside `access`). */
  readonly get: (
    access: Access,
    tenantId: string,
    role: string
  ) => Effect.Effect<MarketRoleAssignment | undefined, StorageError>
  /** The assignments visible in `access`, optionally of one tenant, by tenant then role. */
  readonly list: (
    access: Access,
    filter?: { readonly tenantId?: string; readonly role?: string }
  ) => Effect.Effect<ReadonlyArray<MarketRoleAssignment>, StorageError>
}

/**
 * The market roles repository service.
 *
 * @since 0.1.0
 * @category market roles
 */
export class MarketRoles extends Context.Service<MarketRoles, MarketRolesService>()(
  "@workflow-manager/pg-rls/MarketRoles"
) {}

const COLUMNS = "tenant_id, role, status, contract_reference, created_at, updated_at"

interface Row {
  readonly tenant_id: string
  readonly role: string
  readonly status: MarketRoleStatus
  readonly contract_reference: string | null
  readonly created_at: unknown
  readonly updated_at: unknown
}

const toAssignment = (row: Row): MarketRoleAssignment => ({
  tenantId: row.tenant_id,
  role: row.role,
  status: row.status,
  contractReference: row.contract_reference,
  createdAt: instant(row.created_at),
  updatedAt: instant(row.updated_at)
})

const ROLE_PATTERN = /^[A-Z][A-Z0-9_]{1,15}$/
const isStatus = Schema.is(MarketRoleStatus)

const checkRole = (operation: string, value: unknown) =>
  typeof value === "string" && ROLE_PATTERN.test(value)
    ? Effect.succeed(value)
    : Effect.fail(invalid(operation, "a market role is 2 to 16 capitals, digits or '_', e.g. BRP"))

/**
 * Builds the market roles repository over a client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMarketRoles = (config: StoreConfig): MarketRolesService => {
  const { client } = config
  return {
    assign: (access, assignment) =>
      Effect.gen(function* () {
        const operation = "MarketRoles.assign"
        yield* checkScope(operation, access)
        const tenantId = yield* checkUuid(operation, "tenant id", assignment.tenantId)
        const role = yield* checkRole(operation, assignment.role)
        const status = assignment.status ?? "REQUESTED"
        if (!isStatus(status))
          return yield* Effect.fail(invalid(operation, `unknown market role status ${String(status)}`))
        const reference =
          assignment.contractReference === undefined || assignment.contractReference === null
            ? null
            : yield* checkText(operation, "contractReference", assignment.contractReference, 200)
        const rows = yield* attempt(
          operation,
          () =>
            withTenant(client, access, (tx) =>
              tx.query<Row>(
                `insert into tenant_market_roles as t (tenant_id, role, status, contract_reference)
               values ($1, $2, $3, $4)
               on conflict (tenant_id, role) do update
                 set status = excluded.status, contract_reference = excluded.contract_reference, updated_at = now()
               returning ${COLUMNS}`,
                [tenantId, role, status, reference]
              )
            ),
          { tenantId }
        )
        return toAssignment(rows[0] as Row)
      }),
    get: (access, tenantId, role) =>
      Effect.gen(function* () {
        const operation = "MarketRoles.get"
        yield* checkScope(operation, access)
        const id = yield* checkUuid(operation, "tenant id", tenantId)
        const marketRole = yield* checkRole(operation, role)
        const rows = yield* attempt(operation, () =>
          withTenant(client, access, (tx) =>
            tx.query<Row>(`select ${COLUMNS} from tenant_market_roles where tenant_id = $1 and role = $2`, [
              id,
              marketRole
            ])
          )
        )
        return rows[0] === undefined ? undefined : toAssignment(rows[0])
      }),
    list: (access, filter) =>
      Effect.gen(function* () {
        const operation = "MarketRoles.list"
        yield* checkScope(operation, access)
        const tenantId =
          filter?.tenantId === undefined ? null : yield* checkUuid(operation, "tenant id", filter.tenantId)
        const role = filter?.role === undefined ? null : yield* checkRole(operation, filter.role)
        const rows = yield* attempt(operation, () =>
          withTenant(client, access, (tx) =>
            tx.query<Row>(
              `select ${COLUMNS} from tenant_market_roles
                where ($1::uuid is null or tenant_id = $1) and ($2::text is null or role = $2)
                order by tenant_id, role`,
              [tenantId, role]
            )
          )
        )
        return rows.map(toAssignment)
      })
  }
}
