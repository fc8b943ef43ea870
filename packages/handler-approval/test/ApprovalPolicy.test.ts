/**
 * The engine enforces who may decide, before the handler runs: `approvalPolicy` through a real
 * engine (a counting handler proves the handler never ran for a refused actor), and on its own
 * for what no published template can carry.
 */
import { type Actor, defaultPolicy, Forbidden, forbidden, type PolicyService } from "@workflow-manager/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { approvalHandler, approvalPolicy } from "../src/index.js"
import { alice, bob, dan, instance, makeEngine, recordHandler, rejection, vic } from "./fixtures.js"

const counting = () => {
  let runs = 0
  const handler: typeof approvalHandler = {
    ...approvalHandler,
    execute: (args) => {
      runs++
      return approvalHandler.execute(args)
    }
  }
  return { handler, runs: () => runs }
}

describe("approvalPolicy through the engine", () => {
  it("refuses a non-approver role before the handler runs; lets approvers and named delegates through", async () => {
    const { handler, runs } = counting()
    const { engine, storage } = await makeEngine({ policy: approvalPolicy(), handlers: [recordHandler, handler] })
    const wf = await instance(engine)
    await wf.fill() // other steps are the base policy's alone
    const before = await storage.inspect.events(wf.id)
    for (const actor of [vic, bob, dan]) {
      expect(await rejection(wf.decide(actor, { decision: "approve" }))).toMatchObject({
        _tag: "Forbidden",
        operation: "executeStep",
        reason: "MissingPermission",
        userId: actor.userId
      })
    }
    expect(runs()).toBe(0)
    expect(await storage.inspect.events(wf.id)).toEqual(before)
    // the handler still applies four-eyes and the rest to those the policy lets through
    await wf.decide(alice, { decision: "delegate", to: "u-dan" })
    expect(runs()).toBe(1)
    const byDelegate = await wf.decide(dan, { decision: "approve" })
    expect(runs()).toBe(2)
    expect(byDelegate.events[1]).toMatchObject({ data: { contribution: { onBehalfOf: "mo-alice" } } })
  })

  it("asks the wrapped policy first: another tenant's user finds nothing, a refusing base has the last word", async () => {
    const outsider: Actor = { userId: "u-eve", tenantId: "other-brp", role: "approver", permissions: [] }
    const { engine } = await makeEngine({ policy: approvalPolicy() })
    const wf = await instance(engine)
    await wf.fill()
    // another tenant's approver does not even find the instance
    expect(await rejection(wf.decide(outsider, { decision: "approve" }))).toMatchObject({
      _tag: "StorageError",
      reason: { _tag: "NotFound" }
    })
    const frozen: PolicyService = {
      authorize: (actor, operation, context) =>
        operation === "executeStep" && context.step?.id === "approval"
          ? Effect.fail(forbidden(actor, operation, "NotPermitted", "approvals are frozen"))
          : defaultPolicy.authorize(actor, operation, context)
    }
    const second = await makeEngine({ policy: approvalPolicy(frozen) })
    const other = await instance(second.engine)
    await other.fill()
    expect(await rejection(other.decide(alice, { decision: "approve" }))).toMatchObject({
      _tag: "Forbidden",
      detail: "approvals are frozen"
    })
  })
})

describe("approvalPolicy on its own", () => {
  const policy = approvalPolicy()
  const authorize = (actor: Actor, config: unknown) =>
    Effect.runPromise(
      Effect.flip(
        policy.authorize(actor, "executeStep", {
          tenantId: "engie-be",
          step: { id: "approval", type: "approval", config: config as never }
        })
      )
    )

  it("fails closed on a config that does not decode (wrong types, __proto__, no roles)", async () => {
    for (const config of [
      { approverRoles: "market_ops" },
      {},
      { approverRoles: [] },
      JSON.parse('{"approverRoles":["approver"],"quorum":0}'),
      { approverRoles: ["approver"], approvers: ["u-ann"], quorum: 2 }
    ]) {
      const error = await authorize(alice, config)
      expect(error).toBeInstanceOf(Forbidden)
      expect(error).toMatchObject({
        reason: "MissingPermission",
        detail: "the config of this approval step is invalid"
      })
    }
  })

  it("honours the approvers list and leaves other operations and step types alone", async () => {
    const config = { approverRoles: ["market_ops"], approvers: ["mo-carol"] }
    expect(await authorize(alice, config)).toMatchObject({
      detail: "mo-alice is not one of the approvers of this step"
    })
    const other = await Effect.runPromise(
      Effect.exit(
        policy.authorize(bob, "executeStep", {
          tenantId: "engie-be",
          step: { id: "portfolio", type: "record", config: {} }
        })
      )
    )
    expect(other._tag).toBe("Success")
    const outsider: Actor = { userId: "u-eve", tenantId: "other-brp", role: "market_ops_lookalike", permissions: [] }
    expect(
      await Effect.runPromise(
        Effect.flip(
          policy.authorize(outsider, "executeStep", {
            tenantId: "engie-be",
            step: { id: "approval", type: "approval", config }
          })
        )
      )
    ).toMatchObject({ reason: "OtherTenant" })
    const get = await Effect.runPromise(Effect.exit(policy.authorize(vic, "get", { tenantId: "engie-be" })))
    expect(get._tag).toBe("Success")
  })
})
