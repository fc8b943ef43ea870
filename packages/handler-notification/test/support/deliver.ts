/** Runs one delivery pass on a memory storage's outbox, as the system scope. */
import { type MemoryStorage, Outbox, systemAccess } from "@workflow-manager/core"
import { Effect } from "effect"
import { type DeliveryOptions, deliverNotifications } from "../../src/index.js"

export const deliver = (
  storage: MemoryStorage,
  options: Omit<DeliveryOptions, "outbox" | "access" | "owner" | "limit" | "leaseMs"> &
    Partial<Pick<DeliveryOptions, "owner" | "limit" | "leaseMs">>
) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const outbox = yield* Outbox
      return yield* deliverNotifications({
        outbox,
        access: systemAccess("notifier"),
        owner: "notifier-1",
        limit: 50,
        leaseMs: 30_000,
        ...options
      })
    }).pipe(Effect.provide(storage.layer))
  )

/** An instant `ms` after `from`. */
export const later = (from: string, ms: number): string => new Date(Date.parse(from) + ms).toISOString()
