/**
 * The worker's configuration (defaults, every malformed value a ConfigError naming its variable),
 * the worker command's (a PostgreSQL server required, no migrations unless asked, no demo data),
 * the notification transports a configuration gives (SMTP, webhooks, the log outside production),
 * the log transport's line, and the protection of the server's `/metrics`.
 */
import { jsonLog } from "@workflow-manager/worker"
import { Effect } from "effect"
import Fastify from "fastify"
import { describe, expect, it } from "vitest"
import { ConfigError, loadConfig } from "../src/config.ts"
import { registerMetricsRoute } from "../src/metricsRoute.ts"
import { logTransport, notificationTransports } from "../src/notifications.ts"
import { workerCommandConfig } from "../src/workerCommand.ts"

const PG = "postgres://wm@127.0.0.1:5432/wm"

const configError = (
  env: Record<string, string>,
  load: (env: NodeJS.ProcessEnv) => unknown = loadConfig
): ConfigError => {
  try {
    load(env)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error(`no ConfigError for ${JSON.stringify(env)}`)
}

describe("the worker's configuration", () => {
  it("defaults: on in the server, named after the host and the process, the documented bounds", () => {
    const worker = loadConfig({}).worker
    expect(worker).toMatchObject({
      enabled: true,
      concurrency: 4,
      pollMs: 1000,
      leaseMs: 60_000,
      batch: 50,
      drainMs: 30_000,
      metricsHost: "127.0.0.1",
      metricsPort: 9464,
      metricsToken: undefined,
      notifications: { everyMs: 2000, smtp: undefined, webhooks: {}, logUnsent: true }
    })
    expect(worker.name).toMatch(new RegExp(`-${process.pid}$`))
    expect(worker.name).toMatch(/^[A-Za-z0-9._:-]{1,100}$/)
    // production: no log transport unless asked
    const production = loadConfig({ NODE_ENV: "production", WM_KEY_SECRET: "x".repeat(32) }).worker
    expect(production.notifications.logUnsent).toBe(false)
    expect(loadConfig({ WM_WORKER: "off", WM_NOTIFY_LOG: "off" }).worker).toMatchObject({
      enabled: false,
      notifications: { logUnsent: false }
    })
  })

  it("every malformed value is a ConfigError naming its variable", () => {
    const bad: ReadonlyArray<[Record<string, string>, string]> = [
      [{ WM_WORKER: "maybe" }, "WM_WORKER"],
      [{ WM_WORKER_NAME: "a worker" }, "WM_WORKER_NAME"],
      [{ WM_WORKER_NAME: "x".repeat(101) }, "WM_WORKER_NAME"],
      [{ WM_WORKER_CONCURRENCY: "0" }, "WM_WORKER_CONCURRENCY"],
      [{ WM_WORKER_CONCURRENCY: "65" }, "WM_WORKER_CONCURRENCY"],
      [{ WM_WORKER_POLL_MS: "5" }, "WM_WORKER_POLL_MS"],
      [{ WM_WORKER_LEASE_MS: "999" }, "WM_WORKER_LEASE_MS"],
      [{ WM_WORKER_BATCH: "501" }, "WM_WORKER_BATCH"],
      [{ WM_WORKER_DRAIN_MS: "-1" }, "WM_WORKER_DRAIN_MS"],
      [{ WM_WORKER_METRICS_PORT: "70000" }, "WM_WORKER_METRICS_PORT"],
      [{ WM_METRICS_TOKEN: "short" }, "WM_METRICS_TOKEN"],
      [{ WM_NOTIFY_INTERVAL_MS: "1e3" }, "WM_NOTIFY_INTERVAL_MS"],
      [{ WM_NOTIFY_LOG: "sometimes" }, "WM_NOTIFY_LOG"],
      [{ WM_SMTP_URL: "http://mail.example", WM_SMTP_FROM: "a@b.example" }, "WM_SMTP_URL"],
      [{ WM_SMTP_URL: "not a url", WM_SMTP_FROM: "a@b.example" }, "WM_SMTP_URL"],
      [{ WM_SMTP_URL: "smtp://mail.example/path", WM_SMTP_FROM: "a@b.example" }, "WM_SMTP_URL"],
      [{ WM_SMTP_URL: "smtp://mail.example" }, "WM_SMTP_FROM"],
      [{ WM_SMTP_FROM: "a@b.example" }, "WM_SMTP_FROM"],
      [
        { WM_SMTP_URL: "smtp://mail.example", WM_SMTP_FROM: "a@b.example", WM_SMTP_STARTTLS: "never" },
        "WM_SMTP_STARTTLS"
      ],
      [{ WM_WEBHOOK_CRM_URL: "ftp://crm.example/hook" }, "WM_WEBHOOK_CRM_URL"],
      [{ WM_WEBHOOK_CRM_URL: "not a url" }, "WM_WEBHOOK_CRM_URL"],
      [{ WM_WEBHOOK_CRM_URL: "https://crm.example/hook", WM_WEBHOOK_CRM_SECRET: "short" }, "WM_WEBHOOK_CRM_SECRET"],
      [{ WM_WEBHOOK_ERP_SECRET: "a-secret-of-32-characters-or-so!" }, "WM_WEBHOOK_ERP_SECRET"]
    ]
    for (const [env, variable] of bad) expect(configError(env).variable, JSON.stringify(env)).toBe(variable)
  })

  it("SMTP: plain on loopback only, STARTTLS required elsewhere (or optional), TLS from the start with smtps, credentials decoded", () => {
    const from = { WM_SMTP_FROM: "Workflow <noreply@tso.example>" }
    expect(loadConfig({ ...from, WM_SMTP_URL: "smtp://127.0.0.1:2525" }).worker.notifications.smtp).toEqual({
      host: "127.0.0.1",
      port: 2525,
      secure: false,
      ignoreTLS: true,
      requireTLS: false,
      auth: undefined,
      from: "Workflow <noreply@tso.example>"
    })
    expect(loadConfig({ ...from, WM_SMTP_URL: "smtp://[::1]" }).worker.notifications.smtp).toMatchObject({
      host: "::1",
      port: 25,
      ignoreTLS: true
    })
    expect(
      loadConfig({ ...from, WM_SMTP_URL: "smtp://wf%40tso:p%3Ass@mail.tso.example:587" }).worker.notifications.smtp
    ).toMatchObject({
      host: "mail.tso.example",
      port: 587,
      secure: false,
      ignoreTLS: false,
      requireTLS: true,
      auth: { user: "wf@tso", pass: "p:ss" }
    })
    expect(
      loadConfig({ ...from, WM_SMTP_URL: "smtp://relay.internal", WM_SMTP_STARTTLS: "optional" }).worker.notifications
        .smtp
    ).toMatchObject({ ignoreTLS: false, requireTLS: false })
    expect(loadConfig({ ...from, WM_SMTP_URL: "smtps://mail.tso.example" }).worker.notifications.smtp).toMatchObject({
      port: 465,
      secure: true,
      ignoreTLS: false,
      requireTLS: false
    })
  })

  it("webhook endpoints: WM_WEBHOOK_<NAME>_URL names the endpoint <name> (lower case, '_' as '-'), with its secret", () => {
    const webhooks = loadConfig({
      WM_WEBHOOK_CRM_EVENTS_URL: "https://crm.tso.example/hooks",
      WM_WEBHOOK_CRM_EVENTS_SECRET: "a-secret-of-32-characters-or-so!",
      WM_WEBHOOK_ERP_URL: "http://127.0.0.1:9000/erp"
    }).worker.notifications.webhooks
    expect(webhooks).toEqual({
      "crm-events": { url: "https://crm.tso.example/hooks", secret: "a-secret-of-32-characters-or-so!" },
      erp: { url: "http://127.0.0.1:9000/erp", secret: undefined }
    })
  })

  it("the worker command: needs DATABASE_URL, migrates only when asked, never loads demo data", () => {
    const embedded = configError({}, workerCommandConfig)
    expect(embedded.variable).toBe("DATABASE_URL")
    expect(embedded.message).toContain("embedded database")
    const config = workerCommandConfig({ DATABASE_URL: PG, WM_DEMO_DATA: "true" })
    expect(config).toMatchObject({ migrate: false, demo: false, storage: { kind: "postgres" } })
    expect(workerCommandConfig({ DATABASE_URL: PG, WM_MIGRATE: "true" }).migrate).toBe(true)
    expect(configError({ DATABASE_URL: PG, WM_WORKER_BATCH: "0" }, workerCommandConfig).variable).toBe(
      "WM_WORKER_BATCH"
    )
  })
})

describe("the notification transports", () => {
  const log = () => {
    const lines: Array<Record<string, unknown>> = []
    return { lines, log: jsonLog({ write: (line) => lines.push(JSON.parse(line)) }) }
  }

  it("SMTP and webhooks where configured, the log for the other channels when WM_NOTIFY_LOG is on", () => {
    const channels = (env: Record<string, string>) =>
      notificationTransports(loadConfig(env).worker.notifications, log().log).map((t) => t.channel)
    expect(channels({})).toEqual(["email", "webhook"])
    expect(channels({ WM_NOTIFY_LOG: "off" })).toEqual([])
    expect(
      channels({ WM_SMTP_URL: "smtp://127.0.0.1:2525", WM_SMTP_FROM: "noreply@tso.example", WM_NOTIFY_LOG: "off" })
    ).toEqual(["email"])
    expect(channels({ WM_WEBHOOK_CRM_URL: "https://crm.tso.example/hook" })).toEqual(["webhook", "email"])
  })

  it("a sender nodemailer's transport refuses is a ConfigError naming WM_SMTP_FROM", () => {
    const settings = loadConfig({ WM_SMTP_URL: "smtp://127.0.0.1:2525", WM_SMTP_FROM: "not an address" }).worker
      .notifications
    let error: unknown
    try {
      notificationTransports(settings, log().log)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).variable).toBe("WM_SMTP_FROM")
  })

  it("the log transport writes the notification as one structured line", async () => {
    const { lines, log: write } = log()
    await Effect.runPromise(
      logTransport("email", write).send(
        {
          id: "i-1:k:1:notice",
          tenantId: "t-1",
          instanceId: "i-1",
          stepId: "notice",
          channel: "email",
          attempt: 1,
          to: ["ops@elia.example"],
          subject: "Application received",
          text: "A participant applied."
        },
        { idempotencyKey: "i-1:k:1:notice" }
      )
    )
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({
      level: "info",
      component: "notifications",
      channel: "email",
      idempotencyKey: "i-1:k:1:notice",
      instanceId: "i-1",
      to: ["ops@elia.example"],
      subject: "Application received"
    })
    expect(String(lines[0]?.msg)).toContain("written to the log")
  })
})

describe("the server's /metrics", () => {
  const app = async (options: Partial<Parameters<typeof registerMetricsRoute>[1]>) => {
    const fastify = Fastify()
    registerMetricsRoute(fastify, {
      metrics: () => Promise.resolve("wm_worker_in_flight 0\n"),
      contentType: "text/plain; version=0.0.4; charset=utf-8",
      token: undefined,
      production: false,
      ...options
    })
    await fastify.ready()
    return fastify
  }

  it("open outside production, absent in production without a token", async () => {
    const open = await app({})
    const answer = await open.inject({ method: "GET", url: "/metrics" })
    expect(answer.statusCode).toBe(200)
    expect(answer.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(answer.body).toBe("wm_worker_in_flight 0\n")
    const production = await app({ production: true })
    expect((await production.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(404)
    await Promise.all([open.close(), production.close()])
  })

  it("with WM_METRICS_TOKEN: the bearer token, and nothing else, opens it", async () => {
    const token = "a-metrics-token-of-some-length"
    const guarded = await app({ token, production: true })
    const get = (authorization?: string) =>
      guarded.inject({ method: "GET", url: "/metrics", headers: authorization === undefined ? {} : { authorization } })
    for (const wrong of [undefined, `Bearer ${token}x`, token, `Basic ${token}`, "Bearer "]) {
      const answer = await get(wrong)
      expect(answer.statusCode, String(wrong)).toBe(401)
      expect(answer.headers["www-authenticate"]).toContain("Bearer")
    }
    expect((await get(`Bearer ${token}`)).statusCode).toBe(200)
    await guarded.close()
  })

  it("a server without a worker says so", async () => {
    const none = await app({ metrics: () => undefined })
    const answer = await none.inject({ method: "GET", url: "/metrics" })
    expect(answer.statusCode).toBe(404)
    expect(answer.body).toContain("WM_WORKER=off")
    await none.close()
  })
})
