/**
 * The SMTP transport against a real SMTP server on 127.0.0.1 (`smtp-server`), what it received
 * parsed with `mailparser`: the message, its `Message-ID` derived from the outbox id, a 4xx and a
 * 5xx classified, a server that never answers cut off within the bound; bad options refused at
 * construction; `classifySmtpError`'s table without a server.
 */
import { Effect, Exit } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { classifySmtpError, type Notification, smtpTransport } from "../src/index.js"
import { startSmtpServer, type TestSmtpServer } from "./support/smtp.js"
import { thrown } from "./support/thrown.js"

let smtp: TestSmtpServer
beforeAll(async () => {
  smtp = await startSmtpServer()
})
afterAll(async () => {
  await smtp?.close()
})

const message = (id: string, overrides: Partial<Notification> = {}): Notification => ({
  id,
  tenantId: "engie-be",
  instanceId: "wf-1",
  stepId: "notify",
  channel: "email",
  attempt: 1,
  to: ["ops@tso.example", "bob@engie.example"],
  subject: "New BRP application: Engie",
  text: "Engie applied.",
  html: "<p>Engie applied.</p>",
  ...overrides
})

const transport = (timeoutMs = 10_000) =>
  smtpTransport({
    from: "Workflow Manager <noreply@tso.example>",
    host: "127.0.0.1",
    port: smtp.port,
    ignoreTLS: true,
    timeoutMs
  })

const send = (id: string, overrides: Partial<Notification> = {}, timeoutMs?: number) =>
  Effect.runPromiseExit(transport(timeoutMs).send(message(id, overrides), { idempotencyKey: id }))

const errorOf = (exit: Exit.Exit<void, unknown>) => {
  const reason = Exit.isFailure(exit) ? exit.cause.reasons.find((r) => r._tag === "Fail") : undefined
  return reason?._tag === "Fail" ? (reason.error as { reason: string; code?: string }) : undefined
}

describe("smtpTransport", () => {
  it("sends one message with the Message-ID derived from the outbox id", async () => {
    const before = smtp.accepted.length
    const exit = await send("wf-1:notify:3:1:notification")
    expect(Exit.isSuccess(exit)).toBe(true)
    const received = smtp.accepted.slice(before)
    expect(received).toHaveLength(1)
    const mail = received[0]
    expect(mail?.messageId).toBe("<wf-1=3Anotify=3A3=3A1=3Anotification@tso.example>")
    expect(mail?.subject).toBe("New BRP application: Engie")
    expect(mail?.text?.trim()).toBe("Engie applied.")
    expect(mail?.html).toContain("<p>Engie applied.</p>")
    const to = mail?.to
    expect((Array.isArray(to) ? to : [to]).flatMap((a) => a?.value.map((v) => v.address))).toEqual([
      "ops@tso.example",
      "bob@engie.example"
    ])
    expect(mail?.from?.value[0]).toMatchObject({ address: "noreply@tso.example", name: "Workflow Manager" })
  })

  it("a 451 is Unavailable (retryable), a 550 Rejected (dead); neither is kept by the server", async () => {
    const before = smtp.accepted.length
    smtp.script.push({ refuse: 451, message: "try again later" }, { refuse: 550, message: "no such mailbox" })
    const transient = errorOf(await send("m-451"))
    const permanent = errorOf(await send("m-550"))
    expect(transient).toMatchObject({ reason: "Unavailable", code: "451" })
    expect(permanent).toMatchObject({ reason: "Rejected", code: "550" })
    expect(smtp.accepted.length).toBe(before)
  })

  it("a server that does not answer the data is cut off within the bound (Timeout)", async () => {
    smtp.script.push({ delayMs: 3_000 })
    const error = errorOf(await send("m-slow", {}, 500))
    expect(error?.reason).toBe("Timeout")
  })

  it("a connection refused is Unavailable", async () => {
    const closed = await startSmtpServer()
    await closed.close()
    const t = smtpTransport({
      from: "noreply@tso.example",
      host: "127.0.0.1",
      port: closed.port,
      ignoreTLS: true,
      timeoutMs: 2000
    })
    const exit = await Effect.runPromiseExit(t.send(message("m-refused"), { idempotencyKey: "m-refused" }))
    expect(errorOf(exit)?.reason).toBe("Unavailable")
  })

  it("a hostile message (CR/LF in the subject or an address, no recipient) is InvalidMessage and never reaches the server", async () => {
    const before = smtp.accepted.length
    for (const overrides of [
      { subject: "Hi\r\nBcc: victim@evil.example" },
      { to: ["ops@tso.example\r\nBcc: victim@evil.example"] },
      { to: ["Ops <ops@tso.example>"] },
      { to: [] },
      { subject: undefined as unknown as string },
      { text: undefined as unknown as string, html: undefined as unknown as string }
    ] satisfies ReadonlyArray<Partial<Notification>>) {
      expect(errorOf(await send("m-hostile", overrides))?.reason).toBe("InvalidMessage")
    }
    expect(smtp.accepted.length).toBe(before)
  })

  it("bad options are an InvalidTransportConfig listing every problem", () => {
    const attempt = (options: unknown) => thrown(() => smtpTransport(options as Parameters<typeof smtpTransport>[0]))
    expect(attempt(null)).toMatchObject({ _tag: "InvalidTransportConfig" })
    expect(attempt({ from: "x\r\nBcc: a@b.example", host: "", port: 0, timeoutMs: -1 })).toMatchObject({
      _tag: "InvalidTransportConfig",
      problems: [
        "from may not contain CR or LF (header injection)",
        "host must be a host name or an IP address",
        "port must be 1 to 65535",
        "timeoutMs must be a positive integer"
      ]
    })
    expect(attempt({ from: "not an address", host: "smtp.tso.example", port: 587 })?.problems).toEqual([
      expect.stringContaining("from:")
    ])
  })
})

describe("classifySmtpError", () => {
  const cases: ReadonlyArray<readonly [unknown, string]> = [
    [{ code: "EMESSAGE", responseCode: 421, message: "busy" }, "Unavailable"],
    [{ code: "EENVELOPE", responseCode: 452, message: "full" }, "Unavailable"],
    [{ code: "EENVELOPE", responseCode: 550, message: "no such user" }, "Rejected"],
    [{ code: "EMESSAGE", responseCode: 554, message: "spam" }, "Rejected"],
    [{ code: "EAUTH", responseCode: 535, message: "bad credentials" }, "Misconfigured"],
    [{ code: "EAUTH", message: "bad credentials" }, "Misconfigured"],
    [{ code: "ETLS", message: "handshake" }, "Misconfigured"],
    [{ code: "ETIMEDOUT", message: "timeout" }, "Timeout"],
    [{ code: "EABORT", message: "aborted" }, "Timeout"],
    [{ code: "EENVELOPE", message: "no recipients" }, "InvalidMessage"],
    [{ code: "ECONNECTION", message: "closed" }, "Unavailable"],
    [{ code: "ESOCKET", message: "reset" }, "Unavailable"],
    [new Error("anything"), "Unavailable"],
    [null, "Unavailable"],
    ["a string", "Unavailable"],
    [{ responseCode: "451" }, "Unavailable"],
    [{ responseCode: 250.5 }, "Unavailable"]
  ]
  it.each(cases)("%j → %s", (error, reason) => {
    const classified = classifySmtpError(error)
    expect(classified._tag).toBe("NotificationError")
    expect(classified.reason).toBe(reason)
    expect(classified.isRetryable).toBe(reason !== "Rejected" && reason !== "InvalidMessage")
  })
})
