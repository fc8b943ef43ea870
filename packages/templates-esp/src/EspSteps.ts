/**
 * The ESP's contact services, and the DSO steps (from the BSP pack) its onboarding uses for points on
 * a distribution grid.
 *
 * @since 0.1.0
 */
import type { Step } from "@workflow-manager/core"
import { dsoApprovalSteps } from "@workflow-manager/templates-base"
import type { EspConfig } from "./EspConfig.js"

/**
 * The services an ESP's contact can be for.
 *
 * @since 0.1.0
 * @category fields
 */
export const espContactServices: ReadonlyArray<string> = [
  "management",
  "contract",
  "invoicing",
  "flexibility-operations",
  "metering-data",
  "technical"
]

/** The DSO consultation and approval of the points in `pointsStep`. */
export const espDsoSteps = (
  config: EspConfig,
  options: {
    readonly pointsStep: string
    readonly approves: ReadonlyArray<string>
    readonly rejected: string
    readonly next: string
  }
): ReadonlyArray<Step> =>
  dsoApprovalSteps({
    pointsStep: options.pointsStep,
    approves: options.approves,
    changesRequested: options.pointsStep,
    rejected: options.rejected,
    next: options.next,
    endpoint: config.dsoEndpoint,
    approverRoles: config.dsoDeskRoles,
    approvers: config.dsoDesk,
    decisionWithin: config.dsoDecisionWithin
  })
