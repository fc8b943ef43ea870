/**
 * `@workflow-manager/test-utils` — private helpers for tests that need real services.
 *
 * Tests read `DATABASE_URL` (PostgreSQL) and `MONGODB_URL` (FerretDB or another MongoDB-wire server).
 * A missing service skips the tests that need it, unless `REQUIRE_SERVICES=1`, which turns the skip
 * into a failure naming the service (CI sets it).
 *
 * Outage tests start services of their own instead (`startPrivatePostgres`, `startPrivateFerretDB`),
 * which they may stop and start without disturbing the shared ones.
 */
export { type CheckServiceOptions, checkService, type ServiceStatus } from "./checkService.js"
export { describeWithService, describeWithServices, serviceUrlOrSkip } from "./describeWithService.js"
export { FerretDB, probeMongo } from "./FerretDB.js"
export { freePort } from "./freePort.js"
export { PostgreSQL, probePostgres } from "./PostgreSQL.js"
export {
  FerretDBBinary,
  ferretdbBinary,
  type PrivateFerretDB,
  type PrivateFerretDBOptions,
  startPrivateFerretDB
} from "./PrivateFerretDB.js"
export {
  PostgreSQLBinaries,
  type PrivatePostgres,
  type PrivatePostgresOptions,
  postgresBinDir,
  startPrivatePostgres
} from "./PrivatePostgres.js"
export { isRunning, type ProcessInfo, processesWith } from "./processes.js"
export { type Service, servicesRequired, serviceUrl } from "./Service.js"
export { ServiceUnavailableError } from "./ServiceUnavailableError.js"
