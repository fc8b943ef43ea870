/**
 * An outage under load: client lanes that keep driving workflows (retrying with their idempotency
 * keys) and reading, a probe of `/healthz` and `/readyz`, every outcome tallied by phase
 * (`before`, `outage`, `after`) — and the answers that are neither acknowledgements nor typed
 * `UNAVAILABLE` refusals kept whole, since those must not happen.
 */
import { type Ack, isRetryable, labelOf, request, runWorkflows, type WorkloadReport } from "./resilience.ts"

export type Phase = "before" | "outage" | "after"

/** A tally: phase → label → count. */
export type Tally = Map<Phase, Map<string, number>>

/** A running load. */
export interface Load {
  /** The phase outcomes are counted in from now on. */
  readonly enter: (phase: Phase) => void
  /** Acknowledgements so far in a phase. */
  readonly acks: (phase: Phase) => number
  /** Whether `/readyz` answered 200 in the phase `after`. */
  readonly readyAgain: () => boolean
  /** Ends the lanes (the workflow in hand of each lane finishes or reaches the deadline) and reports. */
  readonly finish: () => Promise<LoadReport>
}

/** What a load saw. */
export interface LoadReport {
  readonly workload: WorkloadReport
  /** Outcomes of the mutations and of the reads, by phase. */
  readonly tally: Tally
  /** `/healthz` and `/readyz` statuses by phase (`healthz 200`, `readyz 503`, `readyz timeout`). */
  readonly probes: Tally
  /** Answers to reads that were neither data nor a typed `UNAVAILABLE`. */
  readonly unexpectedReads: ReadonlyArray<string>
  /** The longest requests of each phase (ms, with what they were and how they ended), longest first. */
  readonly slowest: Map<Phase, ReadonlyArray<{ readonly ms: number; readonly what: string }>>
  /** When the first acknowledgement of the phase `after` came (ms since the epoch), if any. */
  readonly firstAckAfter: number | undefined
  /** When `/readyz` first answered 200 in the phase `after`. */
  readonly firstReadyAfter: number | undefined
}

const keepSlowest = (
  slowest: Map<Phase, Array<{ ms: number; what: string }>>,
  phase: Phase,
  ms: number,
  what: string
) => {
  const list = slowest.get(phase) ?? []
  list.push({ ms, what })
  list.sort((a, b) => b.ms - a.ms)
  slowest.set(phase, list.slice(0, 5))
}

const count = (tally: Tally, phase: Phase, label: string) => {
  const inPhase = tally.get(phase) ?? new Map<string, number>()
  inPhase.set(label, (inPhase.get(label) ?? 0) + 1)
  tally.set(phase, inPhase)
}

/** Renders the slowest requests for a report line. */
export const showSlowest = (slowest: LoadReport["slowest"]): string =>
  [...slowest].map(([phase, list]) => `${phase}: ${list.map((s) => `${s.what} ${s.ms} ms`).join(", ")}`).join(" | ")

/** Renders a tally for a report line: `outage: 503 UNAVAILABLE ×41, ...`. */
export const show = (tally: Tally): string =>
  [...tally]
    .map(([phase, labels]) => `${phase}: ${[...labels].map(([label, n]) => `${label} ×${n}`).join(", ")}`)
    .join(" | ")

/**
 * Starts the load: `lanes` workflow lanes, one reading lane (`workflows` pages and one workflow by
 * id), one probe of `/healthz` and `/readyz` every 500 ms. Every request is bounded (15 s); every
 * loop ends at `finish()` or at `deadline`.
 */
export const startLoad = (options: {
  readonly url: string
  readonly token: string
  readonly tenantId: string
  readonly run: string
  readonly lanes: number
  readonly deadline: number
  /** The bound of one request (ms): past it, the request counts as `timeout` — a hang. */
  readonly requestTimeoutMs: number
}): Load => {
  let phase = "before" as Phase
  let stopped = false
  const tally: Tally = new Map()
  const probes: Tally = new Map()
  const unexpectedReads: Array<string> = []
  const ackCount = new Map<Phase, number>()
  let firstAckAfter: number | undefined
  let firstReadyAfter: number | undefined
  let someId: string | undefined
  const slowest = new Map<Phase, Array<{ ms: number; what: string }>>()

  const workload = runWorkflows({
    url: () => options.url,
    token: () => options.token,
    tenantId: options.tenantId,
    count: 100_000,
    concurrency: options.lanes,
    run: options.run,
    deadline: options.deadline,
    requestTimeoutMs: options.requestTimeoutMs,
    stop: () => stopped,
    onOutcome: (label, field, ms) => {
      count(tally, phase, label)
      keepSlowest(slowest, phase, ms, `${field} ${label}`)
    },
    onAck: (ack: Ack) => {
      someId ??= ack.instanceId
      ackCount.set(phase, (ackCount.get(phase) ?? 0) + 1)
      if (phase === "after") firstAckAfter ??= Date.now()
    }
  })

  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))
  const reads = (async () => {
    // bounded: until finish() or the deadline
    for (let i = 0; !stopped && Date.now() < options.deadline; i++) {
      const byId = i % 2 === 1 && someId !== undefined
      const field = byId ? "workflow" : "workflows"
      const began = Date.now()
      const outcome = await request(
        options.url,
        byId
          ? "query ($id: ID!) { workflow(id: $id) { id status version } }"
          : "{ workflows(first: 5) { nodes { id status } } }",
        byId ? { id: someId } : {},
        options.token,
        options.requestTimeoutMs
      )
      const label = labelOf(outcome, field)
      count(tally, phase, `read ${label}`)
      keepSlowest(slowest, phase, Date.now() - began, `read ${field} ${label}`)
      if (label !== "ack" && !isRetryable(outcome, label) && outcome.kind === "answer") {
        unexpectedReads.push(`${phase} ${field}: ${outcome.status} ${outcome.text.slice(0, 500)}`)
      } else if (outcome.kind !== "answer") unexpectedReads.push(`${phase} ${field}: ${outcome.kind}`)
      await pause(100)
    }
  })()

  const probe = async (path: string): Promise<string> => {
    const began = Date.now()
    try {
      const response = await fetch(`${options.url}${path}`, { signal: AbortSignal.timeout(options.requestTimeoutMs) })
      await response.arrayBuffer()
      keepSlowest(slowest, phase, Date.now() - began, `${path} ${response.status}`)
      return `${path.slice(1)} ${response.status}`
    } catch (error) {
      return `${path.slice(1)} ${error instanceof Error && error.name === "TimeoutError" ? "timeout" : "network"}`
    }
  }
  const health = (async () => {
    // bounded: until finish() or the deadline
    while (!stopped && Date.now() < options.deadline) {
      const [healthz, readyz] = await Promise.all([probe("/healthz"), probe("/readyz")])
      count(probes, phase, healthz)
      count(probes, phase, readyz)
      if (phase === "after" && readyz === "readyz 200") firstReadyAfter ??= Date.now()
      await pause(500)
    }
  })()

  return {
    enter: (next) => {
      phase = next
    },
    acks: (p) => ackCount.get(p) ?? 0,
    readyAgain: () => firstReadyAfter !== undefined,
    finish: async () => {
      stopped = true
      const [report] = await Promise.all([workload, reads, health])
      return { workload: report, tally, probes, unexpectedReads, slowest, firstAckAfter, firstReadyAfter }
    }
  }
}

/** Waits until `done()` or `timeoutMs`; true when done. Polls every `pollMs` (default 100). */
export const waitFor = async (
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
  pollMs = 100
): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs
  // bounded by the deadline
  while (Date.now() < deadline) {
    if (await done()) return true
    await new Promise((r) => setTimeout(r, pollMs))
  }
  return done()
}

/**
 * Drives a steady load through an outage: waits for 10 acknowledgements, stops the store
 * (`stop`), keeps it down for `outageMs`, starts it again (`start`), then waits up to
 * `recoveryMs` for 20 acknowledgements and a ready server; logs what the clients saw. Returns the
 * load's report and when the store stopped and came back.
 */
export const loadThroughOutage = async (options: {
  readonly label: string
  readonly load: Omit<Parameters<typeof startLoad>[0], "deadline">
  readonly outageMs: number
  readonly recoveryMs: number
  /** Time for the load beyond the outage and the recovery bound. */
  readonly slackMs: number
  readonly stop: () => Promise<void>
  readonly start: () => Promise<void>
}): Promise<{ readonly report: LoadReport; readonly stoppedAt: number; readonly restartedAt: number }> => {
  const load = startLoad({
    ...options.load,
    deadline: Date.now() + options.outageMs + options.recoveryMs + options.slackMs
  })
  let report: LoadReport
  let stoppedAt = 0
  let restartedAt = 0
  try {
    if (!(await waitFor(() => load.acks("before") >= 10, 20_000))) {
      throw new Error(`${options.label}: fewer than 10 acknowledgements before the outage`)
    }
    load.enter("outage")
    stoppedAt = Date.now()
    await options.stop()
    await new Promise((r) => setTimeout(r, options.outageMs))
    await options.start()
    restartedAt = Date.now()
    load.enter("after")
    await waitFor(() => load.acks("after") >= 20 && load.readyAgain(), options.recoveryMs)
  } finally {
    report = await load.finish()
  }
  console.info(
    `${options.label}: down ${restartedAt - stoppedAt} ms; first ack ${(report.firstAckAfter ?? Number.NaN) - restartedAt} ms ` +
      `and /readyz 200 ${(report.firstReadyAfter ?? Number.NaN) - restartedAt} ms after the restart; ` +
      `${report.workload.acks.length} mutations acknowledged\n  answers: ${show(report.tally)}\n  ` +
      `probes: ${show(report.probes)}\n  slowest: ${showSlowest(report.slowest)}`
  )
  return { report, stoppedAt, restartedAt }
}

/** The answers a client may see while a store is down: an acknowledgement, or a typed UNAVAILABLE. */
export const ALLOWED_DURING_OUTAGE = /^(read )?(ack|503 UNAVAILABLE|200 UNAVAILABLE)$/

/** The outage's findings that must hold, as a list of problems (empty when all hold). */
export const outageProblems = (
  report: LoadReport,
  server: { readonly exited: () => boolean; readonly output: () => string }
): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const outage = report.tally.get("outage") ?? new Map<string, number>()
  const refused = [...outage].filter(([label]) => label.includes("UNAVAILABLE")).reduce((n, [, c]) => n + c, 0)
  if (refused === 0) problems.push("no client met the outage")
  for (const [phase, labels] of report.tally) {
    for (const label of labels.keys()) {
      if (!ALLOWED_DURING_OUTAGE.test(label)) problems.push(`${phase}: ${label} ×${labels.get(label)}`)
    }
  }
  problems.push(...report.unexpectedReads, ...report.workload.unexpected.map((u) => `${u.field}: ${u.text}`))
  if (server.exited()) problems.push(`the server process exited; its last words:\n${server.output().slice(-3_000)}`)
  for (const phase of ["before", "outage", "after"] as const) {
    const probes = report.probes.get(phase) ?? new Map<string, number>()
    if ((probes.get("healthz 200") ?? 0) === 0) problems.push(`${phase}: no /healthz 200`)
    for (const label of probes.keys()) {
      if (label.startsWith("healthz") && label !== "healthz 200") problems.push(`${phase}: ${label}`)
    }
  }
  if ((report.probes.get("outage")?.get("readyz 503") ?? 0) === 0) problems.push("outage: no /readyz 503")
  if (report.firstReadyAfter === undefined) problems.push("after: /readyz never 200")
  if (report.firstAckAfter === undefined) problems.push("after: no mutation acknowledged")
  return problems
}
