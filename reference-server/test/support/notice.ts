/** A template whose second step queues an outbox message: the commits that carry messages. */
import type { Template } from "@workflow-manager/core"

/** A form, then an e-mail notice (automatic, queued in the outbox): the shape of the packs' notices. */
export const noticeTemplate: Template = {
  schemaVersion: 1,
  id: "e2e-notice",
  version: 1,
  name: "Details, then a notice",
  marketRole: "BRP",
  steps: [
    {
      id: "details",
      type: "form",
      name: "Details",
      config: { fields: { reference: { type: "string", label: "Reference", required: true, min: 1, max: 50 } } }
    },
    {
      id: "notice",
      type: "notification",
      name: "Notice to market ops",
      config: {
        channel: "email",
        key: "notice",
        to: [{ address: "market-ops@elia.example" }],
        subject: "Details received: {{steps.details.data.reference}}",
        text: "The participant sent its details."
      }
    }
  ]
}
