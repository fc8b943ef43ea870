/**
 * Passwords: argon2id at OWASP's parameters (m = 19 MiB, t = 2, p = 1), through `@node-rs/argon2`.
 * The hashes pass pg-rls's `isPasswordHash`, which the database enforces too.
 *
 * @since 0.1.0
 */
import { hash, verify } from "@node-rs/argon2"

/** argon2id (the `Algorithm.Argon2id` const enum of `@node-rs/argon2`, which type stripping cannot read). */
const ARGON2ID = 2

/**
 * The argon2id parameters: OWASP's first recommended configuration.
 *
 * @since 0.1.0
 * @category passwords
 */
export const PASSWORD_HASH_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

/**
 * The longest password accepted (in characters): longer input is refused before any hashing.
 *
 * @since 0.1.0
 * @category passwords
 */
export const MAX_PASSWORD_LENGTH = 1024

/**
 * Hashes a password with argon2id at OWASP's parameters (for seeding users and setting passwords).
 *
 * @example
 * ```ts
 * import { hashPassword } from "./passwords.ts"
 *
 * const passwordHash = await hashPassword("correct horse battery staple")
 * // "$argon2id$v=19$m=19456,t=2,p=1$..."
 * ```
 *
 * @since 0.1.0
 * @category passwords
 */
export const hashPassword = async (password: string): Promise<string> => {
  if (typeof password !== "string" || password.length === 0 || password.length > MAX_PASSWORD_LENGTH) {
    throw new TypeError(`a password must be 1 to ${MAX_PASSWORD_LENGTH} characters`)
  }
  return hash(password, PASSWORD_HASH_OPTIONS)
}

/**
 * Whether `password` matches `passwordHash`; `false` (never a throw) for a hash this server cannot
 * verify (bcrypt, or malformed).
 *
 * @since 0.1.0
 * @category passwords
 */
export const verifyPassword = async (passwordHash: string, password: string): Promise<boolean> => {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}
