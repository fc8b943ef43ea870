/**
 * What the conformance suites need to read an adapter's storage directly — bypassing the adapter's
 * own read path, so a round trip alone cannot pass the suite (an adapter that stores the wrong
 * thing and reads it back "right" still fails).
 *
 * @since 0.1.0
 */
import type { Access } from "../Access.js"
import type { WorkflowEvent } from "../Event.js"
import type { OutboxMessage } from "../Outbox.js"
import type { WorkflowState } from "../State.js"
import type { Template } from "../Template.js"
import type { IndexEntry } from "../WorkflowIndex.js"

/**
 * Direct, unscoped (all tenants) reads of an adapter's storage, written with the database driver.
 *
 * @since 0.1.0
 * @category conformance
 */
export interface Inspect {
  /** Every stored event of an instance, in sequence order, exactly as stored. */
  readonly events: (instanceId: string) => Promise<ReadonlyArray<WorkflowEvent>>
  /** The stored state snapshot of an instance. */
  readonly state: (instanceId: string) => Promise<WorkflowState | undefined>
  /** The stored index entry of an instance. */
  readonly indexEntry: (instanceId: string) => Promise<IndexEntry | undefined>
  /** The stored definition of a template version. */
  readonly template: (id: string, version: number) => Promise<Template | undefined>
  /**
   * Makes a tenant known to the backend before the suite writes its data (backends with a
   * tenants table and foreign keys need this; others do nothing).
   */
  readonly ensureTenant: (tenantId: string) => Promise<void>
  /**
   * The operator scope of an organisation the backend knows as the operator's (backends that
   * register operator organisations create one; absent: `operatorAccess("ops", <a fresh id>)`).
   */
  readonly ensureOperator?: () => Promise<Access>
}

/**
 * A stored outbox message as the outbox suite reads it directly: the message, its status and the
 * number of claims it had.
 *
 * @since 0.1.0
 * @category conformance
 */
export interface InspectedMessage {
  readonly message: OutboxMessage
  readonly status: "pending" | "claimed" | "done" | "dead"
  readonly attempt: number
}

/**
 * {@link Inspect} plus direct reads of the outbox (for the outbox suite).
 *
 * @since 0.1.0
 * @category conformance
 */
export interface OutboxInspect extends Inspect {
  /** Every stored message (of one instance, when given), in queue order. */
  readonly outbox: (instanceId?: string) => Promise<ReadonlyArray<InspectedMessage>>
}
