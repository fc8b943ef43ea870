/**
 * Sign-in throttling (migration 0004) on both backends: limits per account and per address, the
 * window, a success clearing the account, concurrent attempts that cannot overshoot, keys stored
 * as digests, the table out of the application's reach, and bad input refused before any round trip.
 */
import { randomBytes } from "node:crypto"
import type { StorageError } from "@workflow-manager/core"
import { Effect, Exit } from "effect"
import { expect, it } from "vitest"
import {
  type LoginAttempt,
  type LoginAttemptDecision,
  type LoginThrottleLimits,
  loginSucceeded,
  type PgClient,
  takeLoginAttempt
} from "../src/index.js"
import { inScope, sqlstate } from "./support/attacks.js"
import { describeBackends } from "./support/backends.js"

const unique = () => randomBytes(5).toString("hex")
const account = () => `user-${unique()}@example.be`
const address = () => `198.51.100.${unique()}`
const limits: LoginThrottleLimits = { perAccount: 3, perAddress: 5, windowSeconds: 600 }

const take = (client: PgClient, login: LoginAttempt, l: LoginThrottleLimits = limits): Promise<LoginAttemptDecision> =>
  Effect.runPromise(takeLoginAttempt(client, login, l))

/** How many of `n` attempts were allowed (attempts one after another). */
const allowedOf = async (client: PgClient, logins: ReadonlyArray<LoginAttempt>, l = limits): Promise<number> => {
  let allowed = 0
  for (const login of logins) if ((await take(client, login, l)).allowed) allowed++
  return allowed
}

const reason = async (effect: Effect.Effect<unknown, StorageError>): Promise<string> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return "ok"
  const failure = exit.cause.reasons[0]
  return failure?._tag === "Fail" ? failure.error.reason._tag : `defect ${String(exit.cause)}`
}

await describeBackends("login throttle", (backend) => {
  it("allows perAccount attempts of an account, then refuses with the seconds left in the window", async () => {
    const { client } = backend()
    const login = { account: account(), address: address() }
    expect(await allowedOf(client, Array(3).fill(login))).toBe(3)
    const refused = await take(client, login)
    expect(refused.allowed).toBe(false)
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeGreaterThan(590)
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeLessThanOrEqual(600)
    // the same account from another address is refused too; another account from this address is not
    expect((await take(client, { ...login, address: address() })).allowed).toBe(false)
    expect((await take(client, { ...login, account: account() })).allowed).toBe(true)
  })

  it("an account is one key whatever the case and surrounding spaces of the address typed", async () => {
    const { client } = backend()
    const name = unique()
    const spellings = [
      `ann.${name}@example.be`,
      ` Ann.${name}@Example.BE`,
      `ANN.${name}@EXAMPLE.BE  `,
      `ann.${name}@example.be`
    ]
    const from = address()
    expect(
      await allowedOf(
        client,
        spellings.map((a) => ({ account: a, address: from }))
      )
    ).toBe(3)
  })

  it("allows perAddress attempts from an address across accounts, then refuses", async () => {
    const { client } = backend()
    const from = address()
    expect(
      await allowedOf(
        client,
        Array.from({ length: 8 }, () => ({ account: account(), address: from }))
      )
    ).toBe(5)
    expect((await take(client, { account: account(), address: address() })).allowed).toBe(true)
  })

  it("a success clears the account's count and gives the address its attempt back", async () => {
    const { client } = backend()
    const login = { account: account(), address: address() }
    expect(await allowedOf(client, Array(2).fill(login))).toBe(2)
    await Effect.runPromise(loginSucceeded(client, login))
    // three more for the account; the address has used 1 + 3 of its 5
    expect(await allowedOf(client, Array(4).fill(login))).toBe(3)
    expect((await take(client, { account: account(), address: login.address })).allowed).toBe(true)
    expect((await take(client, { account: account(), address: login.address })).allowed).toBe(false)
  })

  it("a window that has ended starts again", async () => {
    const { client } = backend()
    const short = { perAccount: 1, perAddress: 10, windowSeconds: 1 }
    const login = { account: account(), address: address() }
    expect((await take(client, login, short)).allowed).toBe(true)
    expect((await take(client, login, short)).allowed).toBe(false)
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    expect((await take(client, login, short)).allowed).toBe(true)
  })

  it("concurrent attempts cannot overshoot the limit", async () => {
    const { client } = backend()
    const login = { account: account(), address: address() }
    const decisions = await Promise.all(Array.from({ length: 20 }, () => take(client, login)))
    expect(decisions.filter((d) => d.allowed)).toHaveLength(3)
  })

  it("stores digests, never the account or address typed", async () => {
    const { client, admin } = backend()
    const login = { account: account(), address: address() }
    await take(client, login)
    const rows = await admin.query<{ key: string }>("select key from wm_login_throttle")
    expect(rows.length).toBeGreaterThan(0)
    for (const { key } of rows) expect(key).toMatch(/^(account|address):[0-9a-f]{64}$/)
    expect(JSON.stringify(rows)).not.toContain(login.account)
    expect(JSON.stringify(rows)).not.toContain(login.address)
  })

  it("the application role can neither read nor write the table, only call the functions", async () => {
    const { admin, operator } = backend()
    const operatorTenant = operator._tag === "Operator" ? operator.tenantId : ""
    for (const [tenant, role] of [
      ["", ""],
      [operatorTenant, "market_ops"]
    ] as const) {
      expect(await sqlstate(inScope(admin, tenant, role, (tx) => tx.query("select * from wm_login_throttle")))).toBe(
        "42501"
      )
      expect(
        await sqlstate(
          inScope(admin, tenant, role, (tx) =>
            tx.query("update wm_login_throttle set attempts = 0 where key like 'account:%'")
          )
        )
      ).toBe("42501")
      expect(
        await sqlstate(
          inScope(admin, tenant, role, (tx) => tx.query("select wm_login_attempt('a@b.be', 'x', 1, 1, 60)"))
        )
      ).toBe("ok")
    }
    // the functions check their arguments
    expect(
      await sqlstate(inScope(admin, "", "", (tx) => tx.query("select wm_login_attempt('a@b.be', 'x', 0, 1, 60)")))
    ).toBe("22023")
    expect(
      await sqlstate(inScope(admin, "", "", (tx) => tx.query("select wm_login_attempt(null, 'x', 1, 1, 60)")))
    ).toBe("22023")
  })

  it("bad input is a typed InvalidData, never a round trip or a defect", async () => {
    const { client } = backend()
    const good = { account: account(), address: address() }
    const bad: ReadonlyArray<[unknown, unknown]> = [
      [{ account: "", address: "x" }, limits],
      [{ account: "a".repeat(1025), address: "x" }, limits],
      [{ account: "a\u0000b", address: "x" }, limits],
      [{ account: 42, address: "x" }, limits],
      [null, limits],
      [JSON.parse('{"__proto__": {"account": "a@b.be"}, "address": "x"}'), limits],
      [good, { ...limits, perAccount: 0 }],
      [good, { ...limits, perAddress: 1.5 }],
      [good, { ...limits, windowSeconds: 604_801 }],
      [good, { ...limits, windowSeconds: Number.NaN }],
      [good, null],
      [good, "900"]
    ]
    for (const [login, l] of bad) {
      expect(await reason(takeLoginAttempt(client, login as LoginAttempt, l as LoginThrottleLimits))).toBe(
        "InvalidData"
      )
    }
    expect(await reason(loginSucceeded(client, { account: good.account, address: "" }))).toBe("InvalidData")
    expect(await reason(loginSucceeded(client, undefined as unknown as LoginAttempt))).toBe("InvalidData")
  })
})
