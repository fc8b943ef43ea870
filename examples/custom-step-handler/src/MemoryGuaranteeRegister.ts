/**
 * An in-memory guarantee register: the guarantees a bank registered and the pledges made on them,
 * kept in `Map`s for the life of the process. It is a complete register — pledges are idempotent
 * under their key, a guarantee is lodged with one instance at a time — for tests, demos and
 * single-process deployments; a production register is backed by the bank's service and the
 * operator's collateral ledger and implements the same {@link GuaranteeRegisterService}.
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import {
  AlreadyPledged,
  type Guarantee,
  GuaranteeRegister,
  type GuaranteeRegisterService,
  type Pledge
} from "./GuaranteeRegister.js"

/**
 * An in-memory register: the service, and what the bank side does to it (issue, confirm, revoke)
 * and what a test reads from it.
 *
 * @since 0.1.0
 * @category register
 */
export interface MemoryGuaranteeRegister {
  readonly service: GuaranteeRegisterService
  /** The bank registers a guarantee (replacing one with the same reference). */
  readonly issue: (guarantee: Guarantee) => void
  /** The bank changes a guarantee's status; `false` when there is no such guarantee. */
  readonly setStatus: (reference: string, status: Guarantee["status"]) => boolean
  /**
   * Every pledge ever made (live or released), in order: whether it is live, and the distinct
   * idempotency keys it was answered under (a repeated key is not listed twice).
   */
  readonly pledges: () => ReadonlyArray<Pledge & { readonly live: boolean; readonly keys: ReadonlyArray<string> }>
}

/**
 * Makes an empty in-memory register.
 *
 * @example
 * ```ts
 * import { makeMemoryGuaranteeRegister } from "@acme/handler-bank-guarantee"
 *
 * const register = makeMemoryGuaranteeRegister()
 * register.issue({
 *   reference: "KBC-BG-2026-0042",
 *   bic: "KREDBEBB",
 *   principal: "engie-be",
 *   amountEur: 250_000,
 *   expiresOn: "2027-12-31",
 *   status: "active"
 * })
 * ```
 *
 * @since 0.1.0
 * @category register
 */
export const makeMemoryGuaranteeRegister = (): MemoryGuaranteeRegister => {
  const guarantees = new Map<string, Guarantee>()
  const pledges = new Map<string, Pledge & { live: boolean; keys: Array<string> }>()
  const live = new Map<string, string>() // reference → pledgeId
  const byKey = new Map<string, Pledge>()
  const releasedByKey = new Map<string, boolean>()

  const service: GuaranteeRegisterService = {
    find: (reference) => Effect.sync(() => guarantees.get(reference)),
    pledgeOf: (reference) =>
      Effect.sync(() => {
        const id = live.get(reference)
        return id === undefined ? undefined : withoutLive(pledges.get(id))
      }),
    pledge: (request, key) =>
      Effect.suspend(() => {
        const repeat = byKey.get(key)
        if (repeat !== undefined) return Effect.succeed(repeat)
        const current = withoutLive(pledges.get(live.get(request.reference) ?? ""))
        if (current !== undefined && current.instanceId !== request.instanceId) {
          return Effect.fail(
            new AlreadyPledged({
              reference: request.reference,
              tenantId: current.tenantId,
              instanceId: current.instanceId
            })
          )
        }
        const pledge = current ?? {
          pledgeId: `pledge-${pledges.size + 1}`,
          reference: request.reference,
          tenantId: request.tenantId,
          instanceId: request.instanceId
        }
        if (current === undefined) {
          pledges.set(pledge.pledgeId, { ...pledge, live: true, keys: [key] })
          live.set(pledge.reference, pledge.pledgeId)
        } else {
          pledges.get(current.pledgeId)?.keys.push(key)
        }
        byKey.set(key, pledge)
        return Effect.succeed(pledge)
      }),
    release: (pledgeId, key) =>
      Effect.sync(() => {
        const repeat = releasedByKey.get(key)
        if (repeat !== undefined) return repeat
        const pledge = pledges.get(pledgeId)
        const released = pledge?.live === true
        if (pledge !== undefined && released) {
          pledge.live = false
          live.delete(pledge.reference)
        }
        releasedByKey.set(key, released)
        return released
      })
  }

  return {
    service,
    issue: (guarantee) => void guarantees.set(guarantee.reference, { ...guarantee }),
    setStatus: (reference, status) => {
      const guarantee = guarantees.get(reference)
      if (guarantee === undefined) return false
      guarantees.set(reference, { ...guarantee, status })
      return true
    },
    pledges: () => [...pledges.values()].map((p) => ({ ...p, keys: [...p.keys] }))
  }
}

const withoutLive = (pledge: (Pledge & { live: boolean }) | undefined): Pledge | undefined =>
  pledge === undefined || !pledge.live
    ? undefined
    : {
        pledgeId: pledge.pledgeId,
        reference: pledge.reference,
        tenantId: pledge.tenantId,
        instanceId: pledge.instanceId
      }

/**
 * The register as a layer, for `createEngine({ services })` or `Effect.provide`.
 *
 * @example
 * ```ts
 * import { createEngine } from "@workflow-manager/core"
 * import { bankGuaranteeHandler, layerMemory, makeMemoryGuaranteeRegister } from "@acme/handler-bank-guarantee"
 *
 * const register = makeMemoryGuaranteeRegister()
 * const engine = await createEngine({ handlers: [bankGuaranteeHandler], services: layerMemory(register) })
 * ```
 *
 * @since 0.1.0
 * @category register
 */
// #region memory-layer
export const layerMemory = (register: MemoryGuaranteeRegister): Layer.Layer<GuaranteeRegister> =>
  Layer.succeed(GuaranteeRegister)(register.service)
// #endregion memory-layer
