import { readdir, readFile } from "node:fs/promises"

/** A running process: its id and its command line (arguments joined by spaces). */
export interface ProcessInfo {
  readonly pid: number
  readonly command: string
}

/**
 * The processes whose command line contains `text` (e.g. a private service's data folder), read from
 * `/proc` (Linux). Tests call it after stopping what they started, to prove nothing is left running.
 * Elsewhere than Linux it answers an empty list.
 *
 * ```ts
 * expect(await processesWith(postgres.dataDir)).toEqual([])
 * ```
 */
export const processesWith = async (text: string): Promise<ReadonlyArray<ProcessInfo>> => {
  let entries: ReadonlyArray<string>
  try {
    entries = await readdir("/proc")
  } catch {
    return []
  }
  const found: Array<ProcessInfo> = []
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    const command = await readFile(`/proc/${entry}/cmdline`, "utf8").then(
      (raw) => raw.split("\0").filter(Boolean).join(" "),
      () => ""
    )
    if (command.includes(text)) found.push({ pid: Number(entry), command })
  }
  return found
}

/** Whether a process with this id exists (a zombie that its parent has not reaped yet still does). */
export const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  return true
}
