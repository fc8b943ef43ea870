/**
 * `@workflow-manager/pg-rls` — the PostgreSQL adapter of Workflow Manager, with tenant isolation
 * enforced by row-level security, on a `pg` Pool or on PGlite.
 *
 * @packageDocumentation
 */
export { type ClassifyContext, classifyPgError } from "./classifyPgError.js"
export {
  type LoginAttempt,
  type LoginAttemptDecision,
  type LoginThrottleLimits,
  loginSucceeded,
  takeLoginAttempt
} from "./LoginThrottle.js"
export {
  type AssignMarketRole,
  MARKET_ROLES,
  MarketRoleAssignment,
  MarketRoleStatus,
  MarketRoles,
  type MarketRolesService,
  makeMarketRoles
} from "./MarketRoles.js"
export {
  checksum,
  loadMigrations,
  type Migration,
  MigrationError,
  type MigrationReport,
  migrate,
  migratePromise,
  migrationsDirectory
} from "./Migrations.js"
export {
  type ClientOptions,
  fromPGlite,
  fromPool,
  type PGliteLike,
  type PGliteTransactionLike,
  type PgClient,
  type PgQueryable,
  type PoolClientLike,
  type PoolLike
} from "./PgClient.js"
export { makeDueWork } from "./PgDueWork.js"
export { makeEventStore } from "./PgEventStore.js"
export { makeInstanceStore } from "./PgInstanceStore.js"
export { makeOutbox } from "./PgOutbox.js"
export {
  layer,
  layerPGlite,
  layerPool,
  make,
  makePromise,
  type PGliteOptions,
  type PgRlsConfig,
  type PgRlsLayerServices,
  type PgRlsPromise,
  type PgRlsServices,
  type PoolOptions,
  type Promisified,
  toContext
} from "./PgRls.js"
export { makeTemplateStore, PUBLISHER } from "./PgTemplateStore.js"
export { MAX_PAGE_SIZE, makeWorkflowIndex } from "./PgWorkflowIndex.js"
export { makeWorkflowStore } from "./PgWorkflowStore.js"
export { anonymous, type Scope, scopeArgs, withTenant } from "./Scope.js"
export { DEFAULT_MAX_DOCUMENT_BYTES, type StoreConfig } from "./StoreConfig.js"
export {
  createOperatorOrganisation,
  makeTenants,
  type NewTenant,
  Tenant,
  type TenantPatch,
  TenantStatus,
  Tenants,
  type TenantsService
} from "./Tenants.js"
export {
  isPasswordHash,
  type LoginCandidate,
  makeUsers,
  type NewUser,
  User,
  type UserPatch,
  UserStatus,
  Users,
  type UsersService
} from "./Users.js"
