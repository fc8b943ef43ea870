/**
 * Entry point: `node src/server.ts` (Node ≥ 22.18 runs TypeScript by stripping its types).
 * `PORT` (default 3000) and `HOST` (default 127.0.0.1) choose where it listens.
 */
import { startServer } from "./app.ts"

const service = await startServer({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? "127.0.0.1" })
console.log(`BRP onboarding service listening on ${service.url}`)

const stop = (signal: string) => {
  console.log(`${signal}: shutting down`)
  service.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    }
  )
}
process.once("SIGINT", () => stop("SIGINT"))
process.once("SIGTERM", () => stop("SIGTERM"))
