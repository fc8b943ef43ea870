/**
 * `pnpm db:migrate` and `pnpm db:seed`: apply the migrations (and register the operator
 * organisation), or load the demo data, on the storage the environment names, then exit.
 *
 * @since 0.1.0
 */
import { createAuth, hashPassword, loadAuthConfig } from "./auth/index.ts"
import { loadConfig } from "./config.ts"
import { createServerEngine } from "./engine.ts"
import { keySecretOf } from "./keySecret.ts"
import { seedDemo } from "./seed.ts"
import { migrateStorage, openStorage } from "./storage.ts"

const command = process.argv[2]
const config = loadConfig()
const say = (line: string) => process.stdout.write(`${line}\n`)

try {
  if (command === "migrate") {
    const report = await migrateStorage(config)
    say(
      `migrations: ${report?.applied.map((m) => `${m.version} ${m.name}`).join(", ") || "none pending"}; schema version ${report?.version}`
    )
  } else if (command === "seed") {
    const storage = await openStorage(config)
    try {
      const auth = await createAuth({
        db: storage.client,
        users: storage.services.users,
        config: await loadAuthConfig(process.env, { dataDir: config.dataDir }),
        operatorId: storage.operatorId
      })
      const engine = await createServerEngine({
        storage,
        policy: auth.policy,
        keySecret: await keySecretOf(config, (message) => say(`warning: ${message}`)),
        apiCallAllow: config.apiCallAllow
      })
      const report = await seedDemo({ storage, engine, hashPassword })
      say(report.seeded ? `demo data loaded: ${report.workflows.length} workflows` : "demo data already there")
      await engine.dispose()
    } finally {
      await storage.close()
    }
  } else {
    say("usage: node src/cli.ts migrate|seed")
    process.exitCode = 2
  }
} catch (error) {
  process.stderr.write(`${command} failed: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
}
