/**
 * The DSO's `flexibility-request` form and the webhook BSP and ESP send to the DSOs speak the same
 * field names: every key of the base's `dsoRequestBody` and every field of the base's delivery
 * point is a field of the form, and a request made of a webhook body as the BSP pack sends it (see
 * templates-bsp's onboarding test), completed with what only the DSO knows, is accepted as it is.
 */
import type { JsonObject } from "@workflow-manager/core"
import { deliveryPointField, dsoRequestBody } from "@workflow-manager/templates-base"
import { issuePaths, makePackHarness, type PackHarness, rejectionOf } from "@workflow-manager/templates-base/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { DSO_DELIVERY_POINT_APPROVAL, dsoPack, flexibilityProducts, flexibilityRequestFields } from "../src/index.js"
import { applicant, flexibilityRequest } from "./fixtures.js"

let harness: PackHarness
beforeAll(async () => {
  harness = await makePackHarness()
  await harness.publish(dsoPack, { register: { url: harness.register.url } })
})
afterAll(() => harness?.close())

const fieldsOf = (field: unknown): JsonObject => (field as { fields: JsonObject }).fields
const itemFieldsOf = (field: unknown): JsonObject => fieldsOf((field as { item: unknown }).item)

/** The webhook body of a BSP onboarding with a point on Fluvius's grid, as the BSP pack renders it. */
const webhookBody = {
  operatorReference: "wf-2",
  provider: { role: "BSP", tenant: "flexpower-be" },
  connection: "both",
  deliveryPoints: [
    {
      ean: "541453000002000035",
      siteName: "Greenhouses Hoogstraten",
      address: { street: "Loenhoutseweg 80", postcode: "2320", city: "Hoogstraten", country: "BE" },
      grid: "distribution",
      dso: "Fluvius",
      products: ["mFRR"],
      maxPowerMw: 3.2
    }
  ]
}

describe("the webhook to the DSOs and the DSO's flexibility-request form", () => {
  it("use the same field names", () => {
    const body = dsoRequestBody("delivery-points")
    expect(Object.keys(body).filter((k) => !(k in flexibilityRequestFields))).toEqual([])
    expect(
      Object.keys(body.provider as JsonObject).filter((k) => !(k in fieldsOf(flexibilityRequestFields.provider)))
    ).toEqual([])
    const item = itemFieldsOf(flexibilityRequestFields.deliveryPoints)
    expect(Object.keys(fieldsOf(deliveryPointField(flexibilityProducts))).filter((k) => !(k in item))).toEqual([])
    expect(Object.keys(webhookBody).sort()).toEqual(Object.keys(body).sort())
  })

  it("accepts a request made of the webhook body and what only the DSO knows", async () => {
    const approval = await harness.begin({ templateId: DSO_DELIVERY_POINT_APPROVAL, actor: applicant })
    const { receivedOn, product, fspDsoContract, provider } = flexibilityRequest
    const request = {
      ...webhookBody,
      receivedOn,
      product,
      fspDsoContract,
      provider: { ...webhookBody.provider, legalName: provider.legalName, eic: provider.eic }
    }
    const state = await approval.step("flexibility-request", request, applicant)
    expect(state.currentStepId).toBe("network-flexibility-study")
    expect(state.stepStates["flexibility-request"]?.data).toMatchObject({ deliveryPoints: webhookBody.deliveryPoints })
    // a point without its site name is refused with its path
    const other = await harness.begin({ templateId: DSO_DELIVERY_POINT_APPROVAL, actor: applicant })
    const { siteName: _, ...nameless } = webhookBody.deliveryPoints[0] as (typeof webhookBody.deliveryPoints)[0]
    expect(
      issuePaths(
        await rejectionOf(other.step("flexibility-request", { ...request, deliveryPoints: [nameless] }, applicant))
      )
    ).toEqual(["flexibility-request.deliveryPoints[0].siteName"])
  })
})
