/**
 * `./wm dashboard` (or `pnpm --filter @workflow-manager/example-market-ops-dashboard start`): builds
 * the dashboard when it is stale, starts the reference server (embedded PostgreSQL with the demo
 * data, in `reference-server/.data` unless WM_DATA_DIR says otherwise) and the dashboard in front of
 * it, prints where to go and who to sign in as, and stops both on Ctrl+C.
 *
 * Ports: WM_API_PORT (default 4000) and WM_DASHBOARD_PORT (default 5173).
 */
import { buildApp, startStack } from "./stack.ts"

const port = (name: string, fallback: number): number => {
  const raw = process.env[name]
  const value = raw === undefined || raw === "" ? fallback : Number(raw)
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    process.stderr.write(`${name} must be a port number (1–65535), not ${raw}\n`)
    process.exit(2)
  }
  return value
}

const apiPort = port("WM_API_PORT", 4000)
const appPort = port("WM_DASHBOARD_PORT", 5173)
process.stdout.write("building the dashboard (when its sources changed)…\n")
await buildApp()
const stack = await startStack({
  apiPort,
  appPort,
  serverEnv: { LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" },
  log: (line) => process.stdout.write(line)
}).catch((error: unknown) => {
  process.stderr.write(`the dashboard could not start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})

process.stdout.write(
  [
    "",
    `Market Ops dashboard: ${stack.appUrl}`,
    `  (reference server: ${stack.apiUrl}/graphql)`,
    '  Sign in with password "demo-password-2026" as ops@elia.example (market ops), user@electrabel.example,',
    "  approver@electrabel.example, admin@electrabel.example, user@luminus.example or admin@luminus.example.",
    "  Ctrl+C stops both.",
    ""
  ].join("\n")
)

const stop = (signal: string) => {
  process.stdout.write(`${signal}: stopping the dashboard and the server\n`)
  stack.stop().then(
    () => process.exit(0),
    () => process.exit(1)
  )
}
process.once("SIGINT", () => stop("SIGINT"))
process.once("SIGTERM", () => stop("SIGTERM"))
