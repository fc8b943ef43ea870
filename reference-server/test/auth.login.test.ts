/**
 * Sign-in on PostgreSQL and PGlite: the right password signs in; every failure (unknown address,
 * wrong password, disabled user, an address of several organisations without the organisation, a
 * role this server does not know) is the same UNAUTHENTICATED with the same message, and takes
 * comparable time (measured and printed, never asserted); 20 wrong passwords → THROTTLED, per
 * account and per address, counted together by two `createAuth` instances on two pools; bad input
 * is BAD_USER_INPUT.
 */
import { isPasswordHash } from "@workflow-manager/pg-rls"
import { beforeAll, describe, expect, it } from "vitest"
import { type Auth, AuthError, createAuth, hashPassword, PASSWORD_HASH_OPTIONS } from "../src/auth/index.ts"
import { type AuthBackend, describeAuthBackends, testConfig, unique } from "./auth.support.ts"

/** What a sign-in answered: the code and message of the error, or "ok". */
const attempt = async (
  auth: Auth,
  input: { email: string; password: string; organisation?: string },
  address = "192.0.2.10"
): Promise<{ code: string; message: string }> => {
  try {
    await auth.login(input, { address })
    return { code: "ok", message: "" }
  } catch (error) {
    if (!(error instanceof AuthError)) return { code: `untyped ${String(error)}`, message: "" }
    return { code: error.code, message: error.message }
  }
}

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

describe("hashPassword", () => {
  it("is argon2id at OWASP parameters, accepted by pg-rls's isPasswordHash, salted", async () => {
    const a = await hashPassword("correct horse battery staple")
    const b = await hashPassword("correct horse battery staple")
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(isPasswordHash(a)).toBe(true)
    expect(a).not.toBe(b)
    expect(PASSWORD_HASH_OPTIONS).toEqual({ algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 })
    for (const bad of ["", "x".repeat(1025), 42, null]) {
      await expect(hashPassword(bad as string)).rejects.toBeInstanceOf(TypeError)
    }
  })
})

await describeAuthBackends("login", (backend) => {
  let auth: Auth
  let tenantId: string
  let user: Awaited<ReturnType<AuthBackend["newUser"]>>
  beforeAll(async () => {
    const b = backend()
    auth = await createAuth({ db: b.client, users: b.users, config: testConfig(), operatorId: b.operatorId })
    tenantId = await b.newTenant()
    user = await b.newUser(tenantId, "tenant_admin")
  })

  it("the right password signs in, whatever the case and spaces of the address", async () => {
    const result = await auth.login(
      { email: ` ${user.email.toUpperCase()} `, password: user.password },
      { address: "x" }
    )
    expect(result.actor).toMatchObject({ userId: user.id, tenantId, role: "tenant_admin" })
    expect(await auth.authenticate(`Bearer ${result.token}`)).toEqual(result.actor)
  })

  it("an operator's user signs in as market_ops, with every permission, and authenticates", async () => {
    const b = backend()
    const operator = await b.newUser(b.operatorId, "market_ops")
    const { token, actor } = await auth.login({ email: operator.email, password: operator.password }, { address: "z" })
    expect(actor).toMatchObject({ userId: operator.id, tenantId: b.operatorId, role: "market_ops" })
    expect(actor.permissions).toContain("workflow:review")
    expect(actor.permissions).toContain("tenant:manage")
    expect(await auth.authenticate(`Bearer ${token}`)).toEqual(actor)
  })

  it("unknown address, wrong password, disabled user, unknown role: one answer", async () => {
    const b = backend()
    const disabled = await b.newUser(tenantId, "tenant_user", { status: "DISABLED" })
    const oddRole = await b.newUser(tenantId, "auditor")
    const answers = {
      unknown: await attempt(auth, { email: `nobody-${unique()}@example.be`, password: user.password }),
      wrongPassword: await attempt(auth, { email: user.email, password: `${user.password}x` }),
      disabled: await attempt(auth, { email: disabled.email, password: disabled.password }),
      unknownRole: await attempt(auth, { email: oddRole.email, password: oddRole.password }),
      wrongOrganisation: await attempt(auth, {
        email: user.email,
        password: user.password,
        organisation: "00000000-0000-4000-8000-000000000009"
      })
    }
    const expected = {
      code: "UNAUTHENTICATED",
      message: expect.stringMatching(/^sign-in failed: the e-mail address, the password or the organisation is wrong/)
    }
    for (const answer of Object.values(answers)) expect(answer).toEqual(expected)
    expect(new Set(Object.values(answers).map((a) => a.message)).size).toBe(1)
  })

  it("an address of several organisations signs in with its organisation; without it, the same refusal", async () => {
    const b = backend()
    const other = await b.newTenant()
    const email = `shared-${unique()}@example.be`
    const first = await b.newUser(tenantId, "tenant_user", { email, password: "first password of 16+" })
    const second = await b.newUser(other, "approver", { email, password: "second password 16+" })
    const without = await attempt(auth, { email, password: first.password })
    expect(without.code).toBe("UNAUTHENTICATED")
    expect(without.message).not.toContain(other)
    expect(without.message).not.toContain(tenantId)
    const signedIn = await auth.login(
      { email, password: second.password, organisation: other.toUpperCase() },
      { address: "y" }
    )
    expect(signedIn.actor).toMatchObject({ userId: second.id, tenantId: other, role: "approver" })
    // the other organisation's password does not open this one
    expect((await attempt(auth, { email, password: first.password, organisation: other })).code).toBe("UNAUTHENTICATED")
  })

  it("unknown and known users: the same work, comparable time (ratio printed, not asserted)", async () => {
    const rounds = 15
    const time = async (email: string) => {
      const started = performance.now()
      const answer = await attempt(auth, { email, password: "not the password" }, `timing-${unique()}`)
      expect(answer.code).toBe("UNAUTHENTICATED")
      return performance.now() - started
    }
    const known: Array<number> = []
    const unknown: Array<number> = []
    await time(user.email) // warm-up
    for (let i = 0; i < rounds; i++) {
      // alternate the order, so neither side always runs first
      if (i % 2 === 0) {
        unknown.push(await time(`nobody-${unique()}@example.be`))
        known.push(await time(user.email))
      } else {
        known.push(await time(user.email))
        unknown.push(await time(`nobody-${unique()}@example.be`))
      }
    }
    const ratio = median(unknown) / median(known)
    console.info(
      `[${backend().name}] sign-in failure timing: unknown user median ${median(unknown).toFixed(1)} ms, wrong password median ${median(known).toFixed(1)} ms, ratio ${ratio.toFixed(3)}`
    )
  })

  it("20 wrong passwords → THROTTLED, counted together by two instances on two clients", async () => {
    const b = backend()
    const config = testConfig({ throttle: { perAccount: 10, perAddress: 1000, windowSeconds: 900 } })
    const one = await createAuth({ db: b.client, users: b.users, config })
    const two = await createAuth({ db: b.otherClient, users: b.users, config })
    const victim = await b.newUser(tenantId, "tenant_user")
    const codes: Array<string> = []
    for (let i = 0; i < 20; i++) {
      const instance = i % 2 === 0 ? one : two
      codes.push((await attempt(instance, { email: victim.email, password: `guess ${i}` }, `10.0.0.${i}`)).code)
    }
    expect(codes.slice(0, 10)).toEqual(Array(10).fill("UNAUTHENTICATED"))
    expect(codes.slice(10)).toEqual(Array(10).fill("THROTTLED"))
    // the right password is refused too while the account is throttled, on both instances
    const refused = await one
      .login({ email: victim.email, password: victim.password }, { address: "10.1.1.1" })
      .catch((e) => e)
    expect(refused).toBeInstanceOf(AuthError)
    expect(refused).toMatchObject({ code: "THROTTLED" })
    expect((refused as AuthError).retryAfterSeconds).toBeGreaterThan(0)
    expect((await attempt(two, { email: victim.email, password: victim.password })).code).toBe("THROTTLED")
    // an unknown address is throttled exactly like a known one
    const ghost = `ghost-${unique()}@example.be`
    const ghostCodes: Array<string> = []
    for (let i = 0; i < 12; i++)
      ghostCodes.push((await attempt(i % 2 ? one : two, { email: ghost, password: "x" })).code)
    expect(ghostCodes).toEqual([...Array(10).fill("UNAUTHENTICATED"), "THROTTLED", "THROTTLED"])
  })

  it("20 wrong passwords from one address over many accounts → THROTTLED for that address only", async () => {
    const b = backend()
    const config = testConfig({ throttle: { perAccount: 1000, perAddress: 15, windowSeconds: 900 } })
    const one = await createAuth({ db: b.client, users: b.users, config })
    const two = await createAuth({ db: b.otherClient, users: b.users, config })
    const from = `198.51.100.${unique()}`
    const codes: Array<string> = []
    for (let i = 0; i < 20; i++) {
      codes.push(
        (await attempt(i % 2 ? one : two, { email: `spray-${unique()}@example.be`, password: "x" }, from)).code
      )
    }
    expect(codes).toEqual([...Array(15).fill("UNAUTHENTICATED"), ...Array(5).fill("THROTTLED")])
    const victim = await b.newUser(tenantId, "tenant_user")
    expect((await attempt(one, { email: victim.email, password: victim.password }, from)).code).toBe("THROTTLED")
    expect((await attempt(one, { email: victim.email, password: victim.password }, "198.51.100.254")).code).toBe("ok")
  })

  it("a success clears the account's failures", async () => {
    const b = backend()
    const config = testConfig({ throttle: { perAccount: 3, perAddress: 1000, windowSeconds: 900 } })
    const throttled = await createAuth({ db: b.client, users: b.users, config })
    const victim = await b.newUser(tenantId, "tenant_user")
    for (let round = 0; round < 3; round++) {
      expect((await attempt(throttled, { email: victim.email, password: "wrong" })).code).toBe("UNAUTHENTICATED")
      expect((await attempt(throttled, { email: victim.email, password: "wrong" })).code).toBe("UNAUTHENTICATED")
      expect((await attempt(throttled, { email: victim.email, password: victim.password })).code).toBe("ok")
    }
  })

  it("bad input → BAD_USER_INPUT, before any attempt is counted", async () => {
    const cases: ReadonlyArray<unknown> = [
      undefined,
      null,
      "user@example.be",
      {},
      { email: "not an address", password: "x" },
      { email: `${"a".repeat(320)}@example.be`, password: "x" },
      { email: "a\u0000b@example.be", password: "x" },
      { email: 42, password: "x" },
      { email: ["a@b.be"], password: "x" },
      { email: user.email, password: "" },
      { email: user.email, password: "p".repeat(1025) },
      { email: user.email, password: { toString: () => user.password } },
      { email: user.email, password: user.password, organisation: "Acme" },
      { email: user.email, password: user.password, organisation: 7 },
      JSON.parse(`{"__proto__": {"email": "${user.email}", "password": "x"}}`)
    ]
    for (const input of cases) {
      const answer = await auth.login(input as never, { address: "x" }).catch((error: unknown) => error)
      expect(answer).toBeInstanceOf(AuthError)
      expect((answer as AuthError).code).toBe("BAD_USER_INPUT")
    }
    // odd metadata is not an error: the attempt counts against the address "unknown"
    for (const meta of [undefined, null, {}, { address: "" }, { address: "a".repeat(500) }, { address: 5 }]) {
      expect((await auth.login({ email: user.email, password: user.password }, meta as never)).actor.userId).toBe(
        user.id
      )
    }
  })

  it("a database failure is UNAVAILABLE, never a crash or UNAUTHENTICATED", async () => {
    const b = backend()
    const signature = "wm_login_attempt(text, text, integer, integer, integer)"
    await b.admin.query(`revoke execute on function ${signature} from workflow_app`)
    try {
      const answer = await attempt(auth, { email: user.email, password: user.password })
      expect(answer.code).toBe("UNAVAILABLE")
      expect(answer.message).toBe("the user directory is unavailable; try again")
    } finally {
      await b.admin.query(`grant execute on function ${signature} to workflow_app`)
    }
    expect((await attempt(auth, { email: user.email, password: user.password })).code).toBe("ok")
  })
})
