/**
 * Every public entry point called directly with what the engine would never pass: typed errors or
 * issues, never a thrown `TypeError` and never a defect.
 */
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { approvalHandler, approvalPolicy, approvalRoutes } from "../src/index.js"
import { alice, makeEngine, onboarding, rejection } from "./fixtures.js"

const garbage: ReadonlyArray<unknown> = [
  undefined,
  null,
  0,
  "x",
  [],
  {},
  { state: null, actor: null },
  { stepId: Symbol("s"), at: 1, actor: { userId: 1 }, state: { stepStates: null } },
  JSON.parse('{"__proto__":{"role":"market_ops"}}')
]

/** Runs an effect built by `make`; the exit, or the exception `make` threw. */
const exitOf = async (make: () => Effect.Effect<unknown, unknown>) => {
  let effect: Effect.Effect<unknown, unknown>
  try {
    effect = make()
  } catch (error) {
    return { thrown: error }
  }
  return { exit: await Effect.runPromiseExit(effect) }
}

const expectTypedFailure = (result: Awaited<ReturnType<typeof exitOf>>, tag: string) => {
  expect(result.thrown).toBeUndefined()
  const exit = result.exit as Exit.Exit<unknown, unknown>
  expect(Exit.isFailure(exit) && exit.cause.reasons.every((r) => r._tag === "Fail")).toBe(true)
  expect(Exit.isFailure(exit) && Exit.findErrorOption(exit)).toMatchObject({ _tag: "Some", value: { _tag: tag } })
}

describe("direct calls with garbage", () => {
  it("execute refuses with StepRefused (invalid)", async () => {
    const valid = { config: { approverRoles: ["approver"] }, input: { decision: "approve" } }
    for (const bad of garbage) {
      for (const args of [
        { ...valid, context: bad },
        { ...valid, config: bad, context: {} },
        { config: valid.config, input: bad, context: {} }
      ]) {
        expectTypedFailure(await exitOf(() => approvalHandler.execute(args as never)), "StepRefused")
      }
    }
  })

  it("checkInput returns an issue; validate and compensate answer without a defect", async () => {
    for (const bad of garbage) {
      const issues = await Effect.runPromise(
        approvalHandler.checkInput?.({ config: bad, input: bad } as never) ?? Effect.succeed([])
      )
      expect(issues.length).toBeGreaterThan(0)
      const found = await Effect.runPromise(
        approvalHandler.validate?.({ config: bad, input: bad, output: bad, context: bad } as never) ??
          Effect.succeed([])
      )
      expect(found).toEqual([{ path: "outcome", message: "the approval has no decision" }])
      expectTypedFailure(
        await exitOf(
          () =>
            approvalHandler.compensate?.({ config: bad, input: bad, output: bad, context: bad } as never) ?? Effect.void
        ),
        "StepHandlerError"
      )
    }
  })

  it("the policy refuses with Forbidden whatever it is handed", async () => {
    const policy = approvalPolicy()
    const step = { id: "approval", type: "approval", config: { approverRoles: ["market_ops"] } }
    for (const bad of garbage) {
      for (const call of [
        () => policy.authorize(bad as never, "executeStep", { tenantId: "engie-be", step }),
        () => policy.authorize(alice, bad as never, { tenantId: "engie-be", step }),
        () => policy.authorize(alice, "executeStep", { tenantId: "engie-be", step: bad } as never),
        () => policy.authorize(alice, "executeStep", { tenantId: "engie-be", step, state: bad } as never),
        () => policy.authorize(alice, "executeStep", { tenantId: "engie-be", step: { ...step, id: bad } } as never)
      ]) {
        const result = await exitOf(call)
        expect(result.thrown).toBeUndefined()
        const exit = result.exit as Exit.Exit<unknown, unknown>
        // either allowed (garbage that is no approval step) or a typed Forbidden — never a defect
        if (Exit.isFailure(exit)) {
          expect(Exit.findErrorOption(exit)).toMatchObject({ _tag: "Some", value: { _tag: "Forbidden" } })
        }
      }
    }
    // a garbage actor is refused even on operations the approval rule does not concern
    expectTypedFailure(
      await exitOf(() => policy.authorize(null as never, "get", { tenantId: "engie-be" })),
      "Forbidden"
    )
  })

  it("approvalRoutes never throws; what it built from garbage is refused at publication", async () => {
    const { engine } = await makeEngine()
    for (const bad of garbage) {
      const routes = approvalRoutes(bad as never)
      expect(routes).toHaveLength(2)
      const template = {
        ...onboarding,
        id: "bad-routes",
        steps: onboarding.steps.map((s) => (s.id === "approval" ? { ...s, routes } : s))
      }
      expect(await rejection(engine.publishTemplate(template))).toMatchObject({ _tag: "TemplateInvalid" })
    }
  })
})
