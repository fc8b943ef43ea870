/**
 * What the tests share: a register with Engie's guarantees, a step config, a valid input.
 */
import type { Actor, Template } from "@workflow-manager/core"
import { testActor } from "@workflow-manager/core/testing"
import { type Guarantee, makeMemoryGuaranteeRegister } from "../src/index.js"

/** The harness's instant (`context.at` unless a run says otherwise). */
export const at = "2026-01-01T00:00:00.000Z"

/** A guarantee of KBC for the harness's tenant, confirmed by the bank. */
export const kbcGuarantee: Guarantee = {
  reference: "KBC-BG-2026-0042",
  bic: "KREDBEBB",
  principal: testActor.tenantId,
  amountEur: 500_000,
  expiresOn: "2027-12-31",
  status: "active"
}

/** A register holding `kbcGuarantee`, a pending one, a revoked one and another participant's. */
export const registerWithGuarantees = () => {
  const register = makeMemoryGuaranteeRegister()
  register.issue(kbcGuarantee)
  register.issue({ ...kbcGuarantee, reference: "BNP-BG-PENDING", bic: "GEBABEBB", status: "pending" })
  register.issue({ ...kbcGuarantee, reference: "ING-BG-REVOKED", bic: "BBRUBEBB", status: "revoked" })
  register.issue({ ...kbcGuarantee, reference: "KBC-BG-LUMINUS", principal: "luminus-be" })
  return register
}

export const config = {
  minimumAmountEur: 250_000,
  minimumValidityDays: 365,
  acceptedBanks: ["KREDBEBB", "GEBABEBB", "BBRUBEBB"],
  lodgedBy: ["brp_admin", "finance"],
  renewalNoticeDays: 60
}

export const input = {
  reference: kbcGuarantee.reference,
  bic: kbcGuarantee.bic,
  amountEur: kbcGuarantee.amountEur,
  expiresOn: kbcGuarantee.expiresOn
}

/** An actor of the harness's tenant with a role. */
export const actorWith = (role: string, userId = `u-${role}`): Actor => ({ ...testActor, userId, role })

/** A template of one step: the bank guarantee. */
export const collateralTemplate: Template = {
  schemaVersion: 1,
  id: "collateral",
  version: 1,
  name: "Collateral",
  marketRole: "BRP",
  steps: [{ id: "guarantee", type: "bank-guarantee", config }]
}
