/**
 * The access register of the distribution system operators: which balance responsible party's
 * perimeter each access point (EAN-GSRN) is in. The portfolio handler declares it as a service; the
 * service provides it when it builds the engine (`services` option of `createEngine`, or a layer).
 */
import { Context, Effect, Layer } from "effect"

/** The register's interface. */
export interface AccessPointRegisterService {
  /** The tenant whose perimeter holds the access point, or `undefined` when it is free. */
  readonly holderOf: (accessPoint: string) => Effect.Effect<string | undefined>
}

/** The access register service. */
export class AccessPointRegister extends Context.Service<AccessPointRegister, AccessPointRegisterService>()(
  "example/AccessPointRegister"
) {}

/** An in-memory register with fixed holdings (access point → tenant), for the demo and tests. */
export const layerFixed = (holdings: Readonly<Record<string, string>>): Layer.Layer<AccessPointRegister> =>
  Layer.succeed(AccessPointRegister)({
    holderOf: (accessPoint) => Effect.succeed(holdings[accessPoint])
  })

/** The demo's register: one access point already in the perimeter of another BRP. */
export const demoHoldings: Readonly<Record<string, string>> = { "541449000000000010": "luminus-be" }
