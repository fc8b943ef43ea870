/**
 * Reads a request body as JSON: an empty body is `{}`, a body that is not JSON is a 400, one over
 * the size limit a 413.
 */
import type { IncomingMessage } from "node:http"
import { HttpError } from "./HttpError.ts"

/** Reads and parses the body of `request` (at most `limit` bytes). */
export const readJson = async (request: IncomingMessage, limit = 1_048_576): Promise<unknown> => {
  const chunks: Array<Buffer> = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new HttpError(413, "PayloadTooLarge", `the request body exceeds ${limit} bytes`)
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString("utf8")
  if (text.trim() === "") return {}
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new HttpError(400, "BadRequest", "the request body is not valid JSON")
  }
}
