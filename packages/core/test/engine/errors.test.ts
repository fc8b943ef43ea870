import { Effect, Schema } from "effect"
import { describe, expect, it } from "vitest"
import {
  CompensationFailed,
  Conflict,
  Forbidden,
  IllegalTransition,
  InvalidCommand,
  InvalidData,
  Misconfigured,
  NotFound,
  promisify,
  StepFailed,
  StorageError,
  storageError,
  TemplateInvalid,
  TenantViolation,
  Unavailable,
  UnknownHandler,
  ValidationFailed,
  type WorkflowState
} from "../../src/index.js"
import { pureWorkflow, sequence4Template } from "../fixtures/index.js"

describe("errors", () => {
  it("every domain error says what happened in its message", () => {
    expect(new IllegalTransition({ status: "COMPLETED", command: "PauseWorkflow" }).message).toBe(
      "PauseWorkflow is not allowed when the workflow is COMPLETED"
    )
    expect(new InvalidCommand({ command: "ExecuteStep", reason: "step x is not current" }).message).toBe(
      "ExecuteStep: step x is not current"
    )
    expect(new ValidationFailed({ issues: [{ path: "company-info.vat", message: "bad" }] }).message).toContain(
      "company-info.vat: bad"
    )
    expect(new TemplateInvalid({ templateId: "t", issues: [{ path: "steps[0].id", message: "dup" }] }).message).toBe(
      "template t is invalid: steps[0].id: dup"
    )
    expect(
      new Forbidden({ operation: "approve", userId: "u", reason: "MissingPermission", detail: "no" }).message
    ).toBe("u may not approve: no")
    const state = pureWorkflow(sequence4Template)
    state.create()
    expect(
      new StepFailed({
        stepId: "s",
        attempt: 2,
        reason: "503",
        retryable: true,
        version: 1,
        state: state.state as WorkflowState
      }).message
    ).toBe("step s failed (attempt 2): 503")
    expect(new CompensationFailed({ stepId: "s", reason: "down" }).message).toContain("retry the rollback")
    expect(new UnknownHandler({ type: "fax" }).message).toContain('"fax"')
  })

  it("storage errors carry their operation, reason and retryability", () => {
    const cases = [
      [new Conflict({ message: "lost the race" }), true],
      [new NotFound({ message: "gone", entity: "workflow", id: "x" }), false],
      [new Unavailable({ message: "timeout" }), true],
      [new TenantViolation({ message: "foreign" }), false],
      [new InvalidData({ message: "too big" }), false],
      [new Misconfigured({ message: "run the migration" }), false]
    ] as const
    for (const [reason, retryable] of cases) {
      const error = storageError("EventStore.append", reason)
      expect(error).toBeInstanceOf(StorageError)
      expect(error.isRetryable).toBe(retryable)
      expect(error.message).toBe(`EventStore.append: ${reason._tag}: ${reason.message}`)
    }
  })

  it("a Misconfigured reason survives the StorageError schema (encode and decode) with its cause", () => {
    const cause = new Error('database "nope" does not exist')
    const error = storageError("WorkflowStore.check", new Misconfigured({ message: "create the database", cause }))
    const decoded = Schema.decodeUnknownSync(StorageError)(Schema.encodeSync(StorageError)(error))
    expect(decoded.reason).toBeInstanceOf(Misconfigured)
    expect(decoded.reason.message).toBe("create the database")
    expect(decoded.isRetryable).toBe(false)
  })
})

describe("promisify", () => {
  it("turns Effect-returning methods into Promises rejecting with the typed error, and leaves the rest", async () => {
    const service = promisify({
      next: (n: number) => Effect.succeed(n + 1),
      refuse: () => Effect.fail(new InvalidCommand({ command: "x", reason: "no" })),
      check: Effect.succeed("ok"),
      plain: (n: number) => n * 2,
      name: "counter"
    })
    expect(await service.next(1)).toBe(2)
    expect(await service.refuse().catch((e: unknown) => e)).toMatchObject({ _tag: "InvalidCommand", reason: "no" })
    expect(await service.check()).toBe("ok")
    expect(service.plain(2)).toBe(4)
    expect(service.name).toBe("counter")
  })
})
