/**
 * The secret keyed instance ids are derived with: `WM_KEY_SECRET`, or — outside production — one
 * generated once and kept in the data folder (with a warning), so ids stay stable across restarts.
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { mkdir, readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import type { ServerConfig } from "./config.ts"

/**
 * The key secret of a configuration.
 *
 * @since 0.1.0
 * @category config
 */
export const keySecretOf = async (
  config: Pick<ServerConfig, "keySecret" | "dataDir" | "production">,
  warn: (message: string) => void
): Promise<string> => {
  if (config.keySecret !== undefined) return config.keySecret
  const file = join(config.dataDir, "key-secret")
  const kept = (await readFile(file, "utf8").catch(() => "")).trim()
  if (kept.length >= 16) return kept
  if (config.production) throw new Error("WM_KEY_SECRET must be set in production")
  await mkdir(config.dataDir, { recursive: true })
  const secret = randomBytes(32).toString("base64url")
  await writeFile(file, `${secret}\n`, { mode: 0o600 })
  warn(`WM_KEY_SECRET is not set: generated one in ${file}; set it for every process sharing the database`)
  return secret
}
