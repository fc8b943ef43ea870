/**
 * The reference server's auth module: sign-in (argon2id, throttled in PostgreSQL), short-lived
 * JWTs (`jose`, one algorithm pinned), authentication that re-reads the user, and the RBAC
 * permission matrix enforced through core's policy hook. See `docs/reference-server-auth.md`.
 *
 * @since 0.1.0
 */
export {
  type AsymmetricAlgorithm,
  type AuthConfig,
  AuthConfigError,
  type AuthKeys,
  checkAuthConfig,
  loadAuthConfig
} from "./AuthConfig.ts"
export { AuthError, type AuthErrorCode } from "./AuthError.ts"
export { type Auth, type AuthDb, type AuthDeps, createAuth } from "./createAuth.ts"
export { hashPassword, MAX_PASSWORD_LENGTH, PASSWORD_HASH_OPTIONS, verifyPassword } from "./passwords.ts"
export {
  grants,
  isRole,
  OPERATION_PERMISSIONS,
  PERMISSION_DESCRIPTIONS,
  PERMISSIONS,
  type Permission,
  permissionFor,
  permissionTable,
  ROLES,
  type Role
} from "./permissions.ts"
export { authorizeRoleChange, makeRbacPolicy, requirePermission } from "./rbacPolicy.ts"
