/** The actors of the documentation's snippets. */
// #region actors
import type { Actor } from "@workflow-manager/core"

/** Market operations of the system operator (sees every tenant). */
export const marketOps: Actor = { userId: "mo-alice", tenantId: "tso", role: "market_ops", permissions: [] }

/** A BRP administrator of the tenant `engie-be`. */
export const bob: Actor = { userId: "u-engie-bob", tenantId: "engie-be", role: "brp_admin", permissions: [] }

/** The input of the company-info step. */
export const companyInfo = { companyName: "Engie Belgium", vat: "BE0403170701", eic: "22XENGIE-BE----P" }

/** The input of the portfolio step. */
export const portfolio = { accessPoints: ["541448965001060702", "541449500000012346"] }
// #endregion actors
