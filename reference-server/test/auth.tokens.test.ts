/**
 * The JWT matrix: every token that is not a valid, current token of an active user is refused
 * with UNAUTHENTICATED — alg none, HS/RS confusion (both ways), expired, missing exp, too old,
 * wrong iss or aud, a flipped bit (signature, payload, header), a disabled user's, a deleted
 * user's, another tenant's claim, malformed headers — on PostgreSQL and PGlite. A changed role
 * takes effect at once. With AUTH_JWKS_URL, tokens are verified against a key set served on
 * loopback by the test.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { runPromise } from "@workflow-manager/core"
import { exportJWK, SignJWT } from "jose"
import { afterAll, beforeAll, expect, it } from "vitest"
import { type Auth, type AuthConfig, AuthError, createAuth } from "../src/auth/index.ts"
import { type AuthBackend, describeAuthBackends, testConfig } from "./auth.support.ts"

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")

/** The code `authenticate` refused with, or "ok". */
const outcome = async (auth: Auth, authorization: string | undefined): Promise<string> => {
  try {
    await auth.authenticate(authorization)
    return "ok"
  } catch (error) {
    return error instanceof AuthError ? error.code : `untyped ${String(error)}`
  }
}

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 })
const rsaConfig = async (key: KeyObject = rsa.privateKey): Promise<AuthConfig> => {
  const { calculateJwkThumbprint } = await import("jose")
  const publicKey = (await import("node:crypto")).createPublicKey(key)
  return testConfig({
    keys: {
      kind: "keyPair",
      algorithm: "RS256",
      privateKey: key,
      publicKey,
      keyId: await calculateJwkThumbprint(await exportJWK(publicKey))
    }
  })
}

/** Signs `claims` as the server would, with any header, key and times. */
const forge = (
  config: AuthConfig,
  subject: { readonly id: string; readonly tenantId: string },
  options: {
    readonly alg?: string
    readonly key?: KeyObject | Uint8Array
    readonly iss?: string
    readonly aud?: string
    readonly iat?: number
    readonly exp?: number | null
    readonly claims?: Record<string, unknown>
  } = {}
) => {
  const now = Math.floor(Date.now() / 1000)
  const keys = config.keys
  const key =
    options.key ?? (keys.kind === "secret" ? keys.secret : keys.kind === "keyPair" ? keys.privateKey : undefined)
  const jwt = new SignJWT({ tid: subject.tenantId, role: "market_ops", permissions: ["*"], ...options.claims })
    .setProtectedHeader({ alg: options.alg ?? keys.algorithm })
    .setSubject(subject.id)
    .setIssuer(options.iss ?? config.issuer)
    .setAudience(options.aud ?? config.audience)
    .setIssuedAt(options.iat ?? now)
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? now + 600)
  return jwt.sign(key as Uint8Array)
}

const flip = (token: string, part: 0 | 1 | 2, index = 5): string => {
  const parts = token.split(".")
  const bytes = Buffer.from(parts[part] as string, "base64url")
  const at = Math.min(index, bytes.length - 1)
  bytes[at] = (bytes[at] as number) ^ 0x01
  parts[part] = bytes.toString("base64url")
  return parts.join(".")
}

const matrix = (backend: () => AuthBackend, configOf: () => Promise<AuthConfig>) => {
  let auth: Auth
  let config: AuthConfig
  let user: Awaited<ReturnType<AuthBackend["newUser"]>>
  let tenantId: string
  beforeAll(async () => {
    const b = backend()
    config = await configOf()
    auth = await createAuth({ db: b.client, users: b.users, config, operatorId: b.operatorId })
    tenantId = await b.newTenant()
    user = await b.newUser(tenantId, "tenant_user")
  })

  it("a token from login authenticates as the stored user with the matrix's permissions", async () => {
    const { token, actor, expiresAt } = await auth.login(
      { email: user.email, password: user.password },
      { address: "203.0.113.1" }
    )
    expect(actor).toEqual({
      userId: user.id,
      tenantId,
      role: "tenant_user",
      permissions: ["workflow:read", "workflow:create", "workflow:execute", "workflow:submit", "template:read"]
    })
    const left = Date.parse(expiresAt) - Date.now()
    expect(left).toBeGreaterThan(800_000)
    expect(left).toBeLessThanOrEqual(900_000)
    expect(await auth.authenticate(`Bearer ${token}`)).toEqual(actor)
    expect(await auth.authenticate(`bearer   ${token}`)).toEqual(actor)
    const [header] = token.split(".")
    expect(JSON.parse(Buffer.from(header as string, "base64url").toString())).toMatchObject({
      alg: config.keys.algorithm,
      typ: "JWT"
    })
  })

  it("a forged token's claims never count: role and permissions come from the stored user", async () => {
    const token = await forge(config, user, { claims: { role: "market_ops", permissions: ["workflow:review"] } })
    expect(await auth.authenticate(`Bearer ${token}`)).toMatchObject({ role: "tenant_user", tenantId })
  })

  it("alg none, expired, missing exp, too old, wrong iss or aud, flipped bits → UNAUTHENTICATED", async () => {
    const now = Math.floor(Date.now() / 1000)
    const good = await forge(config, user)
    expect(await outcome(auth, `Bearer ${good}`)).toBe("ok")
    const unsigned = `${b64({ alg: "none", typ: "JWT" })}.${good.split(".")[1]}.`
    const noneWithSignature = `${b64({ alg: "none", typ: "JWT" })}.${good.split(".")[1]}.${good.split(".")[2]}`
    const cases: Record<string, string> = {
      "alg none": unsigned,
      "alg none with a signature": noneWithSignature,
      "alg NONE": `${b64({ alg: "NONE" })}.${good.split(".")[1]}.${good.split(".")[2]}`,
      expired: await forge(config, user, { iat: now - 1200, exp: now - 300 }),
      "missing exp": await forge(config, user, { exp: null }),
      "older than the token lifetime": await forge(config, user, { iat: now - 3600, exp: now + 600 }),
      "issued in the future": await forge(config, user, { iat: now + 3600, exp: now + 4000 }),
      "wrong iss": await forge(config, user, { iss: "https://evil.example" }),
      "wrong aud": await forge(config, user, { aud: "another-service" }),
      "flipped bit in the signature": flip(good, 2),
      "flipped bit in the payload": flip(good, 1),
      "flipped bit in the header": flip(good, 0, 2),
      "header swapped for another alg": `${b64({ alg: config.keys.algorithm === "HS256" ? "HS384" : "RS512" })}.${good.split(".")[1]}.${good.split(".")[2]}`,
      "truncated signature": good.slice(0, -4),
      "no sub": await forge(config, { id: "", tenantId }),
      "sub not a UUID": await forge(config, { id: "admin", tenantId }),
      "no tid": await forge(config, user, { claims: { tid: undefined } }),
      "tid of another tenant": await forge(config, { id: user.id, tenantId: "00000000-0000-4000-8000-000000000001" }),
      "an unknown user": await forge(config, { id: "11111111-1111-4111-8111-111111111111", tenantId })
    }
    const results = Object.fromEntries(
      await Promise.all(
        Object.entries(cases).map(async ([name, token]) => [name, await outcome(auth, `Bearer ${token}`)])
      )
    )
    expect(results).toEqual(Object.fromEntries(Object.keys(cases).map((name) => [name, "UNAUTHENTICATED"])))
  })

  it("malformed or missing Authorization headers → UNAUTHENTICATED", async () => {
    const good = await forge(config, user)
    for (const header of [
      undefined,
      "",
      "Bearer",
      "Bearer ",
      good,
      `Basic ${good}`,
      `Bearer ${good} extra`,
      `Bearer ${good}.x`,
      `Bearer ${"a".repeat(9000)}`,
      `Bearer ${good}${"A".repeat(9000)}`,
      "Bearer a.b.c",
      "Bearer \u0000.\u0000.\u0000",
      42 as unknown as string,
      { toString: () => `Bearer ${good}` } as unknown as string,
      null as unknown as string
    ]) {
      expect(await outcome(auth, header)).toBe("UNAUTHENTICATED")
    }
  })

  it("a disabled user's token, and a deleted user's, → UNAUTHENTICATED; a changed role applies at once", async () => {
    const b = backend()
    const victim = await b.newUser(tenantId, "tenant_admin")
    const { token } = await auth.login({ email: victim.email, password: victim.password }, { address: "203.0.113.2" })
    expect(await outcome(auth, `Bearer ${token}`)).toBe("ok")
    await runPromise(b.users.update(b.operator, victim.id, { role: "approver" }))
    expect(await auth.authenticate(`Bearer ${token}`)).toMatchObject({ role: "approver" })
    await runPromise(b.users.update(b.operator, victim.id, { status: "DISABLED" }))
    expect(await outcome(auth, `Bearer ${token}`)).toBe("UNAUTHENTICATED")
    await runPromise(b.users.update(b.operator, victim.id, { status: "ACTIVE" }))
    expect(await outcome(auth, `Bearer ${token}`)).toBe("ok")
    // the application cannot delete users: the owner does
    await b.admin.query("delete from users where id = $1", [victim.id])
    expect(await outcome(auth, `Bearer ${token}`)).toBe("UNAUTHENTICATED")
  })
}

await describeAuthBackends("JWT matrix, HS256", (backend) => {
  matrix(backend, async () => testConfig())

  it("HS/RS confusion: an RS256 token (or an HS256 token keyed with any public key) is refused by an HS256 server", async () => {
    const b = backend()
    const config = testConfig()
    const auth = await createAuth({ db: b.client, users: b.users, config })
    const tenantId = await b.newTenant()
    const user = await b.newUser(tenantId, "tenant_user")
    const rsToken = await forge(config, user, { alg: "RS256", key: rsa.privateKey })
    const otherSecret = await forge(config, user, {
      key: new TextEncoder().encode("another secret, also longer than 32 bytes")
    })
    expect(await outcome(auth, `Bearer ${rsToken}`)).toBe("UNAUTHENTICATED")
    expect(await outcome(auth, `Bearer ${otherSecret}`)).toBe("UNAUTHENTICATED")
  })
})

await describeAuthBackends("JWT matrix, RS256", (backend) => {
  matrix(backend, () => rsaConfig())

  it("HS/RS confusion: an HS256 token keyed with the server's public key is refused", async () => {
    const b = backend()
    const config = await rsaConfig()
    const auth = await createAuth({ db: b.client, users: b.users, config })
    const tenantId = await b.newTenant()
    const user = await b.newUser(tenantId, "tenant_user")
    const publicPem = (config.keys.kind === "keyPair" ? config.keys.publicKey : rsa.publicKey).export({
      type: "spki",
      format: "pem"
    })
    const confused = await forge(config, user, { alg: "HS256", key: new TextEncoder().encode(String(publicPem)) })
    const confusedDer = await forge(config, user, {
      alg: "HS256",
      key: new Uint8Array(rsa.publicKey.export({ type: "spki", format: "der" }))
    })
    const otherKey = await forge(config, user, { key: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey })
    expect(await outcome(auth, `Bearer ${confused}`)).toBe("UNAUTHENTICATED")
    expect(await outcome(auth, `Bearer ${confusedDer}`)).toBe("UNAUTHENTICATED")
    expect(await outcome(auth, `Bearer ${otherKey}`)).toBe("UNAUTHENTICATED")
  })
})

await describeAuthBackends("tokens from an identity provider (AUTH_JWKS_URL)", (backend) => {
  const idp = generateKeyPairSync("ec", { namedCurve: "P-256" })
  let server: Server
  let url: URL
  let served = 0
  beforeAll(async () => {
    const jwk = { ...(await exportJWK(idp.publicKey)), kid: "idp-1", alg: "ES256", use: "sig" }
    server = createServer((_request, response) => {
      served++
      response.writeHead(200, { "content-type": "application/json" })
      response.end(JSON.stringify({ keys: [jwk] }))
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`)
  })
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it("accepts the provider's ES256 tokens of a stored user, refuses others, and does not sign users in", async () => {
    const b = backend()
    const config = testConfig({ keys: { kind: "jwks", algorithm: "ES256", url } })
    const auth = await createAuth({ db: b.client, users: b.users, config })
    const tenantId = await b.newTenant()
    const user = await b.newUser(tenantId, "approver")
    const sign = (key: KeyObject, alg = "ES256", kid = "idp-1") => {
      const now = Math.floor(Date.now() / 1000)
      return new SignJWT({ tid: tenantId })
        .setProtectedHeader({ alg, kid })
        .setSubject(user.id)
        .setIssuer(config.issuer)
        .setAudience(config.audience)
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(key)
    }
    expect(await auth.authenticate(`Bearer ${await sign(idp.privateKey)}`)).toMatchObject({
      userId: user.id,
      role: "approver"
    })
    expect(served).toBeGreaterThan(0)
    const stranger = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey
    expect(await outcome(auth, `Bearer ${await sign(stranger)}`)).toBe("UNAUTHENTICATED")
    expect(await outcome(auth, `Bearer ${await sign(stranger, "ES256", "other-kid")}`)).toBe("UNAUTHENTICATED")
    const hsKeyedWithJwk = await new SignJWT({ tid: tenantId })
      .setProtectedHeader({ alg: "HS256", kid: "idp-1" })
      .setSubject(user.id)
      .setIssuer(config.issuer)
      .setAudience(config.audience)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(JSON.stringify(await exportJWK(idp.publicKey))))
    expect(await outcome(auth, `Bearer ${hsKeyedWithJwk}`)).toBe("UNAUTHENTICATED")
    const refused = await auth.login({ email: user.email, password: user.password }, { address: "x" }).catch((e) => e)
    expect(refused).toBeInstanceOf(AuthError)
    expect((refused as AuthError).code).toBe("BAD_USER_INPUT")
  })
})
