/**
 * The BRP onboarding template (seed sequence 1): company information, then the portfolio; then the
 * BRP submits and market operations approve. Published when the service starts.
 */
// #region template
import type { Template } from "@workflow-manager/core"

export const brpOnboarding: Template = {
  schemaVersion: 1,
  id: "brp-onboarding",
  version: 1,
  name: "BRP onboarding",
  description: "Onboarding of a balance responsible party: company information, then portfolio",
  marketRole: "BRP",
  steps: [
    { id: "company-info", type: "company-info", name: "Company information", config: { requireEic: true } },
    {
      id: "portfolio",
      type: "portfolio",
      name: "Portfolio",
      config: { maxAccessPoints: 50 },
      compensation: { strategy: "handler" }
    }
  ]
}
// #endregion template
