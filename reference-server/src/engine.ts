/**
 * The engine the server runs: core's engine (Promise facade) over the pg-rls storage, with the four
 * handler plugins (form, approval, api-call, notification) and a policy that composes the
 * approval plugin's approver check with the server's RBAC policy.
 *
 * @since 0.1.0
 */
import { createEngine, makeRegistry, type PolicyService, type PromiseEngine } from "@workflow-manager/core"
import { makeApiCallHandler, secretsFromEnv } from "@workflow-manager/handler-api-call"
import { approvalHandler, approvalPolicy } from "@workflow-manager/handler-approval"
import { formHandler } from "@workflow-manager/handler-form"
import { notificationHandler } from "@workflow-manager/handler-notification"
import { toContext } from "@workflow-manager/pg-rls"
import { Layer } from "effect"
import type { Storage } from "./storage.ts"

/**
 * What the engine is built from.
 *
 * @since 0.1.0
 * @category engine
 */
export interface EngineSettings {
  readonly storage: Storage
  /** The RBAC policy (the auth module's); the approval check is composed on top of it. */
  readonly policy: PolicyService
  /**
   * Secret keyed instance ids are derived with (at least 16 characters); the worker command, which
   * creates no instance, may go without.
   */
  readonly keySecret: string | undefined
  /** Allow-list of the api-call handler's guarded client. */
  readonly apiCallAllow?: ReadonlyArray<string>
  /** Where api-call secrets come from (default: `WM_SECRET_<NAME>` variables). */
  readonly env?: NodeJS.ProcessEnv
}

/**
 * The handlers every template published on this server may use.
 *
 * @since 0.1.0
 * @category engine
 */
export const serverHandlers = (settings: Pick<EngineSettings, "apiCallAllow" | "env">) =>
  makeRegistry([
    formHandler,
    approvalHandler,
    makeApiCallHandler({
      allow: settings.apiCallAllow ?? [],
      secrets: secretsFromEnv("WM_SECRET_", settings.env ?? process.env)
    }),
    notificationHandler
  ])

/**
 * Builds the engine over the opened storage.
 *
 * @example
 * ```ts
 * import { defaultPolicy } from "@workflow-manager/core"
 * import { createServerEngine } from "./engine.ts"
 *
 * const engine = await createServerEngine({ storage, policy: defaultPolicy, keySecret: "a-secret-of-16+chars" })
 * ```
 *
 * @since 0.1.0
 * @category engine
 */
export const createServerEngine = (settings: EngineSettings): Promise<PromiseEngine> =>
  createEngine({
    stores: Layer.succeedContext(toContext(settings.storage.services)),
    handlers: serverHandlers(settings),
    policy: approvalPolicy(settings.policy),
    ...(settings.keySecret === undefined ? {} : { keySecret: settings.keySecret })
  })
