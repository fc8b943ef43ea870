/** An e-mail notification step (the `notification` handler): queued once per attempt, sent by a worker. */
import type { JsonObject, Step } from "@workflow-manager/core"

export interface Notice {
  readonly id: string
  readonly name: string
  readonly to: ReadonlyArray<JsonObject>
  readonly subject: string
  readonly text: string
  /** `"$end"` for a closing notice. */
  readonly next?: string
}

export const emailNotice = ({ id, name, to, subject, text, next }: Notice): Step => ({
  id,
  type: "notification",
  name,
  config: { channel: "email", key: id, to: [...to], subject, text },
  ...(next === undefined ? {} : { next })
})
