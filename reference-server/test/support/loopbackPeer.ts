/**
 * A webhook receiver on loopback that records every delivery with its `Idempotency-Key`: the
 * "loopback peer" of the outbox tests. It answers 200 to every POST (or the status a test sets).
 */
import { createServer, type Server } from "node:http"

/** One request the peer received. */
export interface Delivery {
  readonly idempotencyKey: string | undefined
  readonly body: unknown
  readonly at: number
}

/** A running peer. */
export interface LoopbackPeer {
  /** `http://127.0.0.1:<port>/hook`. */
  readonly url: string
  /** Every delivery in arrival order, duplicates included. */
  readonly deliveries: () => ReadonlyArray<Delivery>
  /** How many times each idempotency key arrived. */
  readonly countsByKey: () => ReadonlyMap<string, number>
  /** The status answered from now on (default 200). */
  readonly answer: (status: number) => void
  readonly close: () => Promise<void>
}

const MAX_BODY = 1_000_000

/** Options of {@link startLoopbackPeer}. */
export interface LoopbackPeerOptions {
  /** How long each answer waits (ms, default 0): a slower peer spreads the deliveries over time. */
  readonly delayMs?: number
  /** Called after each delivery is recorded, with the number of distinct keys so far. */
  readonly onDelivery?: (delivery: Delivery, distinctKeys: number) => void
}

/** Starts a peer on a free port of 127.0.0.1. */
export const startLoopbackPeer = (options: LoopbackPeerOptions = {}): Promise<LoopbackPeer> =>
  new Promise((resolve, reject) => {
    const keys = new Set<string>()
    const deliveries: Array<Delivery> = []
    let status = 200
    const server: Server = createServer((request, response) => {
      const chunks: Array<Buffer> = []
      let size = 0
      request.on("data", (chunk: Buffer) => {
        size += chunk.length
        if (size <= MAX_BODY) chunks.push(chunk)
      })
      request.on("end", () => {
        let body: unknown
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"))
        } catch {
          body = undefined
        }
        const key = request.headers["idempotency-key"]
        if (request.method === "POST") {
          const delivery = { idempotencyKey: typeof key === "string" ? key : undefined, body, at: Date.now() }
          deliveries.push(delivery)
          if (delivery.idempotencyKey !== undefined) keys.add(delivery.idempotencyKey)
          options.onDelivery?.(delivery, keys.size)
        }
        const reply = () => response.writeHead(status, { "content-type": "application/json" }).end("{}")
        if ((options.delayMs ?? 0) > 0) setTimeout(reply, options.delayMs)
        else reply()
      })
    })
    server.once("error", reject)
    server.listen({ host: "127.0.0.1", port: 0 }, () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resolve({
        url: `http://127.0.0.1:${port}/hook`,
        deliveries: () => deliveries,
        countsByKey: () => {
          const counts = new Map<string, number>()
          for (const d of deliveries) {
            if (d.idempotencyKey !== undefined) counts.set(d.idempotencyKey, (counts.get(d.idempotencyKey) ?? 0) + 1)
          }
          return counts
        },
        answer: (next) => {
          status = next
        },
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          })
      })
    })
  })
