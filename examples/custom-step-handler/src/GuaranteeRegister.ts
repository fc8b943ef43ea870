/**
 * The guarantee register: the port the bank-guarantee handler declares in its Effect requirements
 * (`R`). It answers what a bank has registered for a guarantee reference, and keeps the pledges —
 * which workflow a guarantee is lodged with as collateral. The engine's user provides it (a layer in
 * `createEngine`'s `services`); this package ships an in-memory register
 * ({@link makeMemoryGuaranteeRegister}).
 *
 * Every write takes an idempotency key: the same key twice does the work once and answers the same.
 *
 * @since 0.1.0
 */
import { Context, type Effect, Schema } from "effect"

/**
 * A guarantee as its bank registered it. `pending` until the bank confirms it, `revoked` when the
 * bank withdrew it.
 *
 * @since 0.1.0
 * @category register
 */
export interface Guarantee {
  readonly reference: string
  readonly bic: string
  /** The tenant (market participant) whose obligations the guarantee covers. */
  readonly principal: string
  readonly amountEur: number
  /** The last day the guarantee covers, `YYYY-MM-DD`. */
  readonly expiresOn: string
  readonly status: "pending" | "active" | "revoked"
}

/**
 * A guarantee lodged with one workflow instance.
 *
 * @since 0.1.0
 * @category register
 */
export interface Pledge {
  readonly pledgeId: string
  readonly reference: string
  readonly tenantId: string
  readonly instanceId: string
}

/**
 * A pledge refused because the guarantee is lodged with another workflow instance.
 *
 * @since 0.1.0
 * @category register
 */
export class AlreadyPledged extends Schema.TaggedError<AlreadyPledged>()("AlreadyPledged", {
  reference: Schema.String,
  tenantId: Schema.String,
  instanceId: Schema.String
}) {}

// #region register-port
/**
 * The register's operations.
 *
 * @since 0.1.0
 * @category register
 */
export interface GuaranteeRegisterService {
  /** The guarantee registered under `reference`, or `undefined`. */
  readonly find: (reference: string) => Effect.Effect<Guarantee | undefined>
  /** The live pledge of a guarantee, or `undefined` when it is free. */
  readonly pledgeOf: (reference: string) => Effect.Effect<Pledge | undefined>
  /**
   * Lodges a guarantee with an instance. A repeat with the same key answers the first pledge; a
   * guarantee already lodged with the same instance answers that pledge; lodged with another
   * instance, it fails with {@link AlreadyPledged}.
   */
  readonly pledge: (
    request: { readonly reference: string; readonly tenantId: string; readonly instanceId: string },
    idempotencyKey: string
  ) => Effect.Effect<Pledge, AlreadyPledged>
  /** Releases a pledge; `false` when it was not live (released before, or never made). */
  readonly release: (pledgeId: string, idempotencyKey: string) => Effect.Effect<boolean>
}

/**
 * The guarantee register service.
 *
 * @since 0.1.0
 * @category register
 */
export class GuaranteeRegister extends Context.Service<GuaranteeRegister, GuaranteeRegisterService>()(
  "@acme/handler-bank-guarantee/GuaranteeRegister"
) {}
// #endregion register-port
