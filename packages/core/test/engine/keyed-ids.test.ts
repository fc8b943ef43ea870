/**
 * Keyed instance ids (issue 10, hole 3): a keyed create's id is derived from (tenant, key), so
 * another tenant that knows both could compute it and take it first. With `keySecret` the id cannot
 * be precomputed; with or without it, an id held by another instance is skipped for the next
 * derived one, so the owner gets a clean create and its repeats find the same instance.
 */
import { describe, expect, it } from "@effect/vitest"
import { type Actor, InvalidInput, keyedInstanceId, StorageError } from "../../src/index.js"
import { brpUser, promiseEngine, sequence1Template, tenantId } from "../fixtures/index.js"

const squatter: Actor = { userId: "u-other", tenantId: "other-tenant", role: "brp_admin", permissions: ["workflow:*"] }
const secret = "a-secret-of-at-least-16-chars"

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e
  )

describe("keyed instance ids", () => {
  it("derives different ids with a secret, per attempt, and the same id for the same inputs", () => {
    const plain = keyedInstanceId(tenantId, "k")
    expect(keyedInstanceId(tenantId, "k")).toBe(plain)
    expect(keyedInstanceId(tenantId, "k", { secret })).not.toBe(plain)
    expect(keyedInstanceId(tenantId, "k", { secret })).toBe(keyedInstanceId(tenantId, "k", { secret }))
    expect(keyedInstanceId(tenantId, "k", { secret: `${secret}!` })).not.toBe(
      keyedInstanceId(tenantId, "k", { secret })
    )
    expect(keyedInstanceId(tenantId, "k", { attempt: 1 })).not.toBe(plain)
    expect(plain).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it("gives the owner a clean create when another tenant took the derived id first, and repeats find it", async () => {
    const { engine, storage } = await promiseEngine([sequence1Template])
    const predicted = keyedInstanceId(tenantId, "signup-1")
    // the attack: another tenant creates an instance at the id it computed for the victim's key
    const squatted = await engine.create({ actor: squatter, templateId: sequence1Template.id, instanceId: predicted })
    expect(squatted.state.tenantId).toBe("other-tenant")

    const first = await engine.create({ actor: brpUser, templateId: sequence1Template.id, idempotencyKey: "signup-1" })
    expect(first.state.tenantId).toBe(tenantId)
    expect(first.state.instanceId).not.toBe(predicted)
    expect(first.state.instanceId).toBe(keyedInstanceId(tenantId, "signup-1", { attempt: 1 }))
    const repeat = await engine.create({ actor: brpUser, templateId: sequence1Template.id, idempotencyKey: "signup-1" })
    expect(repeat.state.instanceId).toBe(first.state.instanceId)
    expect(repeat.events.map((e) => e.sequence)).toEqual(first.events.map((e) => e.sequence))
    // the squatter's instance is untouched and still its own
    expect((await storage.inspect.state(predicted))?.tenantId).toBe("other-tenant")
    expect(await storage.inspect.events(first.state.instanceId)).toHaveLength(1)
  })

  it("20 concurrent repeats past a squatted id create one instance, and every caller gets it", async () => {
    const { engine, storage } = await promiseEngine([sequence1Template])
    const predicted = keyedInstanceId(tenantId, "signup-race")
    await engine.create({ actor: squatter, templateId: sequence1Template.id, instanceId: predicted })
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        engine.create({ actor: brpUser, templateId: sequence1Template.id, idempotencyKey: "signup-race" })
      )
    )
    const ids = new Set(results.map((r) => r.state.instanceId))
    expect([...ids]).toEqual([keyedInstanceId(tenantId, "signup-race", { attempt: 1 })])
    expect(await storage.inspect.events([...ids][0] as string)).toHaveLength(1)
    expect((await storage.inspect.state(predicted))?.tenantId).toBe("other-tenant")
  })

  it("reports a typed conflict when every derived id is held, and never touches the holders", async () => {
    const { engine, storage } = await promiseEngine([sequence1Template])
    for (let attempt = 0; attempt < 4; attempt++) {
      const instanceId = keyedInstanceId(tenantId, "signup-2", { attempt })
      await engine.create({ actor: squatter, templateId: sequence1Template.id, instanceId })
    }
    const error = await rejection(
      engine.create({ actor: brpUser, templateId: sequence1Template.id, idempotencyKey: "signup-2" })
    )
    expect(error).toBeInstanceOf(StorageError)
    expect((error as StorageError).reason._tag).toBe("Conflict")
    expect((error as StorageError).reason.message).toMatch(/derived from idempotency key signup-2.*keySecret/)
    for (let attempt = 0; attempt < 4; attempt++) {
      const held = await storage.inspect.state(keyedInstanceId(tenantId, "signup-2", { attempt }))
      expect(held?.tenantId).toBe("other-tenant")
    }
  })

  it("with keySecret, the id a squatter computes without the secret is not the owner's", async () => {
    const { engine } = await promiseEngine([sequence1Template], { keySecret: secret })
    const predicted = keyedInstanceId(tenantId, "signup-3")
    await engine.create({ actor: squatter, templateId: sequence1Template.id, instanceId: predicted })
    const created = await engine.create({
      actor: brpUser,
      templateId: sequence1Template.id,
      idempotencyKey: "signup-3"
    })
    expect(created.state.instanceId).toBe(keyedInstanceId(tenantId, "signup-3", { secret }))
    expect(created.state.instanceId).not.toBe(predicted)
  })

  it("refuses a short keySecret with InvalidInput", async () => {
    const error = await rejection(promiseEngine([sequence1Template], { keySecret: "short" }))
    expect(error).toBeInstanceOf(InvalidInput)
    expect((error as InvalidInput).issues[0]?.path).toBe("keySecret")
  })
})
