/**
 * Tenants: the market participants (companies) whose data the row-level security keeps apart.
 *
 * A tenant scope reads its own tenant row only; creating and changing tenants is an operator
 * (`market_ops`) action — in a tenant scope the database refuses it (`TenantViolation`). The VAT /
 * enterprise number and the EIC are unique across tenants, which only the operator can probe.
 *
 * @since 0.1.0
 */
import { type Access, Instant, type StorageError } from "@workflow-manager/core"
import { Context, Effect, Schema } from "effect"
import { attempt } from "./internal/query.js"
import { instant, notFound, setList } from "./internal/rows.js"
import { checkScope, checkText, checkUuid, invalid } from "./internal/validate.js"
import type { PgClient } from "./PgClient.js"
import { withTenant } from "./Scope.js"
import type { StoreConfig } from "./StoreConfig.js"

/**
 * The lifecycle of a tenant.
 *
 * @since 0.1.0
 * @category tenants
 */
export const TenantStatus = Schema.Literals(["PENDING", "ACTIVE", "SUSPENDED", "CLOSED"])

/**
 * A tenant status.
 *
 * @since 0.1.0
 * @category tenants
 */
export type TenantStatus = typeof TenantStatus.Type

/**
 * A tenant as stored.
 *
 * @since 0.1.0
 * @category tenants
 */
export const Tenant = Schema.Struct({
  id: Schema.String,
  companyName: Schema.String,
  vatNumber: Schema.String,
  eic: Schema.NullOr(Schema.String),
  status: TenantStatus,
  createdAt: Instant,
  updatedAt: Instant
})

/**
 * A tenant.
 *
 * @since 0.1.0
 * @category tenants
 */
export type Tenant = typeof Tenant.Type

/**
 * What creating a tenant takes (`id` defaults to a random UUID, `status` to `PENDING`).
 *
 * @since 0.1.0
 * @category tenants
 */
export interface NewTenant {
  readonly id?: string
  readonly companyName: string
  /** VAT or enterprise number; spaces, dots and dashes are dropped and letters upper-cased. */
  readonly vatNumber: string
  /** Energy Identification Code (16 characters). */
  readonly eic?: string | null
  readonly status?: TenantStatus
}

/**
 * The fields of a tenant to change (absent = unchanged).
 *
 * @since 0.1.0
 * @category tenants
 */
export interface TenantPatch {
  readonly companyName?: string
  readonly vatNumber?: string
  readonly eic?: string | null
  readonly status?: TenantStatus
}

/**
 * The tenants repository.
 *
 * @since 0.1.0
 * @category tenants
 */
export interface TenantsService {
  /** Creates a tenant (operator only). */
  readonly create: (access: Access, tenant: NewTenant) => Effect.Effect<Tenant, StorageError>
  /** One tenant, or `undefined` (also when outside `access`). */
  readonly get: (access: Access, id: string) => Effect.Effect<Tenant | undefined, StorageError>
  /** The tenants visible in `access` (a tenant: itself; the operator: all), by company name. */
  readonly list: (access: Access) => Effect.Effect<ReadonlyArray<Tenant>, StorageError>
  /** Changes a tenant (operator only); `NotFound` when it is not visible. */
  readonly update: (access: Access, id: string, patch: TenantPatch) => Effect.Effect<Tenant, StorageError>
}

/**
 * The tenants repository service.
 *
 * @since 0.1.0
 * @category tenants
 */
export class Tenants extends Context.Service<Tenants, TenantsService>()("@workflow-manager/pg-rls/Tenants") {}

const COLUMNS = "id, company_name, vat_number, eic, status, created_at, updated_at"

interface TenantRow {
  readonly id: string
  readonly company_name: string
  readonly vat_number: string
  readonly eic: string | null
  readonly status: TenantStatus
  readonly created_at: unknown
  readonly updated_at: unknown
}

const toTenant = (row: TenantRow): Tenant => ({
  id: row.id,
  companyName: row.company_name,
  vatNumber: row.vat_number,
  eic: row.eic,
  status: row.status,
  createdAt: instant(row.created_at),
  updatedAt: instant(row.updated_at)
})

const isStatus = Schema.is(TenantStatus)
const VAT_PATTERN = /^[A-Z]{2}[0-9A-Z]{2,13}$/
const EIC_PATTERN = /^[0-9A-Z-]{16}$/

const checkVat = (operation: string, value: unknown) => {
  const normalized = typeof value === "string" ? value.toUpperCase().replace(/[\s.-]/g, "") : ""
  return VAT_PATTERN.test(normalized)
    ? Effect.succeed(normalized)
    : Effect.fail(invalid(operation, "vatNumber must be a country prefix and 2 to 13 letters or digits"))
}

const checkEic = (operation: string, value: unknown) =>
  value === null || (typeof value === "string" && EIC_PATTERN.test(value))
    ? Effect.succeed(value as string | null)
    : Effect.fail(invalid(operation, "eic must be 16 characters of digits, capitals and '-'"))

const checkStatus = (operation: string, value: unknown) =>
  isStatus(value) ? Effect.succeed(value) : Effect.fail(invalid(operation, `unknown tenant status ${String(value)}`))

/**
 * Builds the tenants repository over a client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTenants = (config: StoreConfig): TenantsService => {
  const { client } = config
  return {
    create: (access, tenant) =>
      Effect.gen(function* () {
        const operation = "Tenants.create"
        yield* checkScope(operation, access)
        const id = tenant.id === undefined ? null : yield* checkUuid(operation, "tenant id", tenant.id)
        const companyName = yield* checkText(operation, "companyName", tenant.companyName, 300)
        const vatNumber = yield* checkVat(operation, tenant.vatNumber)
        const eic = yield* checkEic(operation, tenant.eic ?? null)
        const status = yield* checkStatus(operation, tenant.status ?? "PENDING")
        const rows = yield* attempt(operation, () =>
          withTenant(client, access, (tx) =>
            tx.query<TenantRow>(
              `insert into tenants (id, company_name, vat_number, eic, status)
               values (coalesce($1::uuid, gen_random_uuid()), $2, $3, $4, $5) returning ${COLUMNS}`,
              [id, companyName, vatNumber, eic, status]
            )
          )
        )
        return toTenant(rows[0] as TenantRow)
      }),
    get: (access, id) =>
      Effect.gen(function* () {
        const operation = "Tenants.get"
        yield* checkScope(operation, access)
        const tenantId = yield* checkUuid(operation, "tenant id", id)
        const rows = yield* attempt(operation, () =>
          withTenant(client, access, (tx) =>
            tx.query<TenantRow>(`select ${COLUMNS} from tenants where id = $1`, [tenantId])
          )
        )
        return rows[0] === undefined ? undefined : toTenant(rows[0])
      }),
    list: (access) =>
      Effect.gen(function* () {
        const operation = "Tenants.list"
        yield* checkScope(operation, access)
        const rows = yield* attempt(operation, () =>
          withTenant(client, access, (tx) =>
            tx.query<TenantRow>(`select ${COLUMNS} from tenants order by company_name, id`)
          )
        )
        return rows.map(toTenant)
      }),
    update: (access, id, patch) =>
      Effect.gen(function* () {
        const operation = "Tenants.update"
        yield* checkScope(operation, access)
        const tenantId = yield* checkUuid(operation, "tenant id", id)
        const set = setList(
          [
            [
              "company_name",
              patch.companyName === undefined
                ? undefined
                : yield* checkText(operation, "companyName", patch.companyName, 300)
            ],
            ["vat_number", patch.vatNumber === undefined ? undefined : yield* checkVat(operation, patch.vatNumber)],
            ["eic", patch.eic === undefined ? undefined : yield* checkEic(operation, patch.eic)],
            ["status", patch.status === undefined ? undefined : yield* checkStatus(operation, patch.status)]
          ],
          1
        )
        const rows = yield* attempt(operation, () =>
          withTenant(client, access, (tx) =>
            tx.query<TenantRow>(`update tenants set ${set.sql} where id = $1 returning ${COLUMNS}`, [
              tenantId,
              ...set.params
            ])
          )
        )
        if (rows[0] === undefined) return yield* Effect.fail(notFound(operation, "tenant", tenantId))
        return toTenant(rows[0])
      })
  }
}

/**
 * Registers the operator's own organisation: a tenant whose users may have the role `market_ops`
 * and whose id opens the operator scope (`operatorAccess(userId, organisationId)`). Operator status
 * comes only from here: no tenant, and not the application role, can register an organisation —
 * run it with a client connected as the OWNER of the schema (the role that runs the migrations),
 * for example once when a deployment is set up. Returns the organisation's tenant id.
 *
 * @example
 * ```ts
 * import { createOperatorOrganisation, type PgClient } from "@workflow-manager/pg-rls"
 * import { Effect } from "effect"
 *
 * declare const ownerClient: PgClient
 * const operatorId = await Effect.runPromise(
 *   createOperatorOrganisation(ownerClient, { companyName: "Elia Transmission", vatNumber: "BE0731852231" })
 * )
 * ```
 *
 * @since 0.1.0
 * @category tenants
 */
export const createOperatorOrganisation = (
  ownerClient: PgClient,
  organisation: { readonly id?: string; readonly companyName: string; readonly vatNumber: string }
): Effect.Effect<string, StorageError> =>
  Effect.gen(function* () {
    const operation = "createOperatorOrganisation"
    if (organisation === null || typeof organisation !== "object") {
      return yield* Effect.fail(invalid(operation, "missing organisation"))
    }
    const id = organisation.id === undefined ? null : yield* checkUuid(operation, "organisation id", organisation.id)
    const companyName = yield* checkText(operation, "companyName", organisation.companyName, 300)
    const vatNumber = yield* checkVat(operation, organisation.vatNumber)
    const rows = yield* attempt(operation, () =>
      ownerClient.transaction((tx) =>
        tx.query<{ id: string }>("select wm_create_operator_organisation($1::pg_catalog.uuid, $2, $3) as id", [
          id,
          companyName,
          vatNumber
        ])
      )
    )
    return (rows[0] as { id: string }).id
  })
