/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package) for the tests: it parses every
 * message it receives with `mailparser` and keeps it, and can be told, message by message, to
 * refuse with a reply code or to wait before answering. A message is kept when the server decides
 * to accept it — like an MTA that queues before it replies, even if the client has gone by then.
 */
import type { AddressInfo } from "node:net"
import { type ParsedMail, simpleParser } from "mailparser"
import { SMTPServer } from "smtp-server"

/** What the server does with the next message. */
export type Behaviour =
  | { readonly refuse: number; readonly message?: string }
  | { readonly delayMs: number }
  | { readonly accept: true }

export interface TestSmtpServer {
  readonly port: number
  /** Messages accepted (kept), in order. */
  readonly accepted: Array<ParsedMail>
  /** Reply codes of the messages refused. */
  readonly refused: Array<number>
  /** Behaviours for the next messages, consumed in order; then every message is accepted. */
  readonly script: Array<Behaviour>
  readonly close: () => Promise<void>
}

export const startSmtpServer = async (): Promise<TestSmtpServer> => {
  const accepted: Array<ParsedMail> = []
  const refused: Array<number> = []
  const script: Array<Behaviour> = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    closeTimeout: 200,
    onData(stream, _session, callback) {
      const behaviour = script.shift() ?? { accept: true }
      simpleParser(stream)
        .then(async (mail) => {
          if ("refuse" in behaviour) {
            refused.push(behaviour.refuse)
            const error = Object.assign(new Error(behaviour.message ?? "refused by the test server"), {
              responseCode: behaviour.refuse
            })
            callback(error)
            return
          }
          if ("delayMs" in behaviour) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs))
          accepted.push(mail)
          callback()
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))))
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve())
  })
  const port = (server.server.address() as AddressInfo).port
  return {
    port,
    accepted,
    refused,
    script,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
