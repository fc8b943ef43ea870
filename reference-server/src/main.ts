/**
 * `pnpm start` (and `./wm start`): starts the server from the environment, prints where it
 * listens and the demo sign-ins, and shuts down gracefully on SIGINT/SIGTERM.
 *
 * @since 0.1.0
 */
import { loadConfig } from "./config.ts"
import { DEMO_PASSWORD, DEMO_USERS } from "./demo.ts"
import { startServer } from "./server.ts"

const config = loadConfig()
const server = await startServer(config).catch((error: unknown) => {
  process.stderr.write(`the server could not start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})

const where =
  config.storage.kind === "embedded"
    ? `embedded PostgreSQL in ${config.storage.dataDir}`
    : config.storage.kind === "split"
      ? `PostgreSQL + MongoDB (database ${config.storage.mongo.database})`
      : "PostgreSQL"
const lines = [
  "",
  `Workflow Manager reference server — ${where}`,
  `  GraphQL:   ${server.url}/graphql${config.production ? "" : "   (open it in a browser for GraphiQL)"}`,
  `  Health:    ${server.url}/healthz   Ready: ${server.url}/readyz`
]
if (server.demo !== undefined) {
  lines.push(
    `  Demo data: ${server.demo.seeded ? "loaded now" : "already there"}; sign in with password "${DEMO_PASSWORD}" as`
  )
  for (const user of DEMO_USERS) lines.push(`    ${user.email.padEnd(30)} ${user.role}`)
}
process.stdout.write(`${lines.join("\n")}\n\n`)

const stop = (signal: string) => {
  process.stdout.write(`${signal}: shutting down\n`)
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`shutdown failed: ${String(error)}\n`)
      process.exit(1)
    }
  )
}
process.once("SIGINT", () => stop("SIGINT"))
process.once("SIGTERM", () => stop("SIGTERM"))
