/**
 * The worker tests' loopback peers, real servers on 127.0.0.1: an HTTP API that counts requests
 * per `Idempotency-Key` and can hold the first one until released (what a receiver that dedupes on
 * the key does: one effect per key); a webhook receiver; an SMTP server (`smtp-server`) that keeps
 * every message with its envelope.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { SMTPServer } from "smtp-server"

/** One request a peer received. */
export interface Received {
  readonly key: string | undefined
  readonly headers: IncomingMessage["headers"]
  readonly body: unknown
}

const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return (server.address() as AddressInfo).port
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })

const readBody = (request: IncomingMessage): Promise<unknown> =>
  new Promise((resolve) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")))
      } catch {
        resolve(undefined)
      }
    })
  })

/** An HTTP peer: every request kept, answered 200 with JSON. */
export interface HttpPeer {
  readonly port: number
  readonly url: string
  readonly received: () => ReadonlyArray<Received>
  /** Requests per idempotency key (raw counts, duplicates included). */
  readonly countsByKey: () => ReadonlyMap<string, number>
  /** Effects: one per distinct key (what a receiver deduping on the key acts on). */
  readonly effects: () => number
  /** Answers the held first request (with `holdFirst`). */
  readonly release: () => void
  readonly close: () => Promise<void>
}

/**
 * Starts an API peer. With `holdFirst`, the first request is answered only after `release()`;
 * every later one at once. Each answer is `{ reference: "REF-<n>" }` for the n-th distinct key.
 */
export const startHttpPeer = async (options: { readonly holdFirst?: boolean } = {}): Promise<HttpPeer> => {
  const received: Array<Received> = []
  const references = new Map<string, string>()
  let release: () => void = () => {}
  const held = new Promise<void>((resolve) => {
    release = resolve
  })
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void readBody(request).then(async (body) => {
      const raw = request.headers["idempotency-key"]
      const key = typeof raw === "string" ? raw : undefined
      const first = received.length === 0
      received.push({ key, headers: request.headers, body })
      if (key !== undefined && !references.has(key)) references.set(key, `REF-${references.size + 1}`)
      if (first && options.holdFirst === true) await held
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ reference: key === undefined ? "REF-0" : references.get(key) }))
    })
  })
  const port = await listen(server)
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    received: () => received,
    countsByKey: () => {
      const counts = new Map<string, number>()
      for (const r of received) if (r.key !== undefined) counts.set(r.key, (counts.get(r.key) ?? 0) + 1)
      return counts
    },
    effects: () => new Set(received.flatMap((r) => (r.key === undefined ? [] : [r.key]))).size,
    release: () => release(),
    close: () => {
      release()
      return close(server)
    }
  }
}

/** One e-mail the SMTP peer accepted. */
export interface Mail {
  readonly from: string
  readonly to: ReadonlyArray<string>
  readonly data: string
}

/** An SMTP server on loopback without TLS or authentication (the worker connects with `ignoreTLS`). */
export interface SmtpPeer {
  readonly port: number
  readonly mails: () => ReadonlyArray<Mail>
  readonly close: () => Promise<void>
}

/** Starts the SMTP peer. */
export const startSmtpPeer = async (): Promise<SmtpPeer> => {
  const mails: Array<Mail> = []
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Array<Buffer> = []
      stream.on("data", (chunk: Buffer) => chunks.push(chunk))
      stream.on("end", () => {
        const from = session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address
        mails.push({ from, to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString() })
        callback()
      })
    }
  })
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve))
  const port = (smtp.server.address() as AddressInfo).port
  return {
    port,
    mails: () => mails,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve()))
  }
}

/** Waits until `done()` holds, checking every 50 ms, at most `ms`; fails with `what` otherwise. */
export const waitFor = async (what: string, done: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> => {
  const until = Date.now() + ms
  for (;;) {
    if (await done()) return
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
