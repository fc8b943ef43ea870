/**
 * What the decider's parts share: an event as drafted (before its envelope), the stamping of the
 * envelope, and the `InvalidCommand` result.
 */
import { Result } from "effect"
import type { Command } from "../../Command.js"
import type { Decision } from "../../Decide.js"
import { InvalidCommand } from "../../DomainError.js"
import type { WorkflowEvent } from "../../Event.js"

/** An event without its envelope. */
export type Draft = {
  readonly [K in WorkflowEvent["type"]]: Omit<
    Extract<WorkflowEvent, { readonly type: K }>,
    | "schemaVersion"
    | "instanceId"
    | "tenantId"
    | "sequence"
    | "performedBy"
    | "occurredAt"
    | "commandId"
    | "fingerprint"
  >
}[WorkflowEvent["type"]]

export const stamp = (
  instanceId: string,
  tenantId: string,
  version: number,
  command: Command,
  drafts: ReadonlyArray<Draft>
): ReadonlyArray<WorkflowEvent> =>
  drafts.map((draft, i) => {
    const event: Record<string, unknown> = {
      schemaVersion: 1,
      instanceId,
      tenantId,
      sequence: version + i + 1,
      performedBy: command.actor.userId,
      occurredAt: command.at
    }
    if (command.idempotencyKey !== undefined) event.commandId = command.idempotencyKey
    if (command.fingerprint !== undefined) event.fingerprint = command.fingerprint
    return Object.assign(event, draft) as WorkflowEvent
  })

export const invalid = (command: Command, reason: string) =>
  Result.fail(new InvalidCommand({ command: command._tag, reason }))

/** Stamps drafts as the next events of the instance (and schedules a step they make current). */
export type Emit = (...drafts: ReadonlyArray<Draft>) => Decision
