/**
 * Outbox messages built from what a command recorded: those a handler returned (ids from the
 * attempt's idempotency key, so a retried run of one attempt queues each once) and the
 * notifications of deadlines that fired (ids from the step entry and the deadline).
 */
import type { WorkflowEvent } from "../../Event.js"
import type { OutboxMessage } from "../../Outbox.js"
import type { WorkflowState } from "../../State.js"
import type { NewMessage } from "../../StepHandler.js"

export const handlerMessages =
  (state: WorkflowState, attemptKey: string, at: string, messages: ReadonlyArray<NewMessage>) =>
  (recorded: ReadonlyArray<WorkflowEvent>): ReadonlyArray<OutboxMessage> =>
    messages.map((m) => ({
      schemaVersion: 1,
      id: `${attemptKey}:${m.key}`,
      tenantId: state.tenantId,
      instanceId: state.instanceId,
      sequence: (recorded[0] as WorkflowEvent).sequence,
      kind: m.kind,
      payload: m.payload,
      createdAt: at,
      availableAt: m.availableAt ?? at
    }))

export const deadlineMessages =
  (state: WorkflowState, at: string) =>
  (events: ReadonlyArray<WorkflowEvent>): ReadonlyArray<OutboxMessage> =>
    events.flatMap((event): ReadonlyArray<OutboxMessage> => {
      if (event.type !== "TIMER_FIRED" || event.data.escalation.kind !== "notify") return []
      const { escalation } = event.data
      return [
        {
          schemaVersion: 1,
          id: `${state.instanceId}:deadline:${state.entered?.sequence ?? 0}:${event.data.timerId}`,
          tenantId: state.tenantId,
          instanceId: state.instanceId,
          sequence: (events[0] as WorkflowEvent).sequence,
          kind: escalation.topic ?? "deadline",
          payload: {
            ...escalation.payload,
            instanceId: state.instanceId,
            templateId: state.templateId,
            stepId: event.stepId,
            deadline: event.data.timerId,
            dueAt: event.data.dueAt
          },
          createdAt: at,
          availableAt: at
        }
      ]
    })
