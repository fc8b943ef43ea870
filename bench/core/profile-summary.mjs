/**
 * Summarises a .cpuprofile written by profile-engine.mjs: where the engine's time goes.
 *
 *   node bench/core/profile-summary.mjs PATH.cpuprofile
 *
 * Only the samples taken between the first and the last sample whose stack holds `profiledLoop`
 * are counted (GC samples have no JS stack, hence a time window rather than a stack filter).
 * Frames of @workflow-manager/core's bundled dist are mapped back to packages/core/src through the
 * dist's source map (with the source text the dist was built from, so line numbers stay right even
 * if src has changed since the build).
 *
 * Prints:
 * 1. buckets — every sample goes to exactly one: GC; Schema (any frame of effect's Schema modules
 *    or of core's internal/issues.ts on the stack); JSON.parse / JSON.stringify (leaf builtin),
 *    split by the core function that called it; Effect runtime (leaf in effect's dist, no Schema
 *    frame on the stack); core's own code by source file; hashing (node:crypto); the bench
 *    itself; everything else;
 * 2. inclusive time of core functions (share of samples with the function on the stack; Effect's
 *    run loop calls each step of an `Effect.gen` generator, so a generator's inclusive time is its
 *    own steps only, not the effects it yields — those show under the adapter's functions);
 * 3. the top self-time functions;
 * 4. self time of core source lines (from V8's position ticks).
 */
import { readFileSync } from "node:fs"
import { SourceMap } from "node:module"
import { dirname } from "node:path"
import { fileURLToPath } from "node:url"

const file = process.argv[2]
if (file === undefined) {
  console.error("usage: node bench/core/profile-summary.mjs PATH.cpuprofile")
  process.exit(2)
}
const profile = JSON.parse(readFileSync(file, "utf8"))
const LOOP = "profiledLoop"

// --- the profile's tree ------------------------------------------------------------------------
const byId = new Map()
const parent = new Map()
for (const node of profile.nodes) byId.set(node.id, node)
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
const stackOf = (id) => {
  const out = []
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) out.push(byId.get(cur))
  return out // leaf first
}

// --- source maps of core's dist ------------------------------------------------------------------
const maps = new Map()
const mapFor = (url) => {
  if (maps.has(url)) return maps.get(url)
  let entry = null
  try {
    const path = fileURLToPath(url)
    const payload = JSON.parse(readFileSync(`${path}.map`, "utf8"))
    const sources = new Map(payload.sources.map((s, i) => [s, (payload.sourcesContent?.[i] ?? "").split("\n")]))
    entry = { map: new SourceMap(payload), sources, dir: dirname(path) }
  } catch {
    entry = null
  }
  maps.set(url, entry)
  return entry
}
/** `{ source: "Engine.ts", line: 1-based, text }` of a generated position (0-based), or undefined. */
const original = (url, line0, col0) => {
  const m = mapFor(url)
  if (m === null) return undefined
  const e = m.map.findEntry(line0, col0)
  if (e === undefined || e.originalSource === undefined) return undefined
  const source = e.originalSource.replace(/^.*\/src\//, "").replace(/^\.\.\/src\//, "")
  const rel = [...m.sources.keys()].find((s) => e.originalSource.endsWith(s.replace(/^\.\.\//, "")))
  const text = rel === undefined ? "" : (m.sources.get(rel)[e.originalLine] ?? "").trim()
  return { source, line: e.originalLine + 1, text }
}

/** The text of a line (0-based) of a generated file. */
const distFiles = new Map()
const distLine = (url, line0) => {
  if (!distFiles.has(url)) {
    let lines = []
    try {
      lines = readFileSync(fileURLToPath(url), "utf8").split("\n")
    } catch {}
    distFiles.set(url, lines)
  }
  return (distFiles.get(url)[line0] ?? "").trim()
}

// --- classifying frames --------------------------------------------------------------------------
const isCore = (url) => url.includes("/packages/core/dist/")
const isEffect = (url) => url.includes("/effect/dist/")
const isBench = (url) => url.includes("/bench/")
const effectFile = (url) => url.replace(/^.*\/effect\/dist\//, "")
const isSchemaFile = (url) => isEffect(url) && /(^|\/)(Schema\w*|schema\/|SchemaParser|Formatter)/.test(effectFile(url))

const coreFrames = new Map()
const coreFrame = (cf) => {
  const key = `${cf.url}:${cf.lineNumber}:${cf.columnNumber}`
  if (!coreFrames.has(key)) {
    const o = original(cf.url, cf.lineNumber, cf.columnNumber)
    coreFrames.set(
      key,
      o === undefined
        ? { source: "?", line: 0, name: cf.functionName || "(anonymous)", text: "" }
        : { ...o, name: cf.functionName || "(anonymous)" }
    )
  }
  return coreFrames.get(key)
}
const frameLabel = (node) => {
  const cf = node.callFrame
  const name = cf.functionName || "(anonymous)"
  if (isCore(cf.url)) {
    const f = coreFrame(cf)
    return `${name} — core src/${f.source}:${f.line}`
  }
  if (isEffect(cf.url)) {
    const text = distLine(cf.url, cf.lineNumber).slice(0, 60)
    return `${name} — effect/${effectFile(cf.url)}:${cf.lineNumber + 1} \`${text}\``
  }
  if (isBench(cf.url)) return `${name} — bench/${cf.url.replace(/^.*\/bench\//, "")}:${cf.lineNumber + 1}`
  if (cf.url === "") return `${name} (native)`
  return `${name} — ${cf.url.replace(/^.*\/node_modules\//, "")}:${cf.lineNumber + 1}`
}
const isJson = (cf) => cf.url === "" && (cf.functionName === "parse" || cf.functionName === "stringify")

/**
 * V8 charges inlined builtins (JSON.parse, JSON.stringify, Date#toISOString, generator resume) to
 * the JS function that calls them, so a core function's self time is split by the line it was
 * spent on (its position ticks): lines calling JSON.parse / JSON.stringify, lines where an
 * `Effect.gen(function* () {` generator starts (creating and resuming the generator), and the rest.
 * Returns [[bucket, fraction], ...] for a core node.
 */
const splits = new Map()
const coreSplit = (node) => {
  if (splits.has(node.id)) return splits.get(node.id)
  const cf = node.callFrame
  const own = `core code: ${coreFrame(cf).source}`
  const ticks = node.positionTicks ?? []
  const sum = ticks.reduce((a, b) => a + b.ticks, 0)
  const out = new Map()
  if (sum === 0) out.set(own, 1)
  for (const { line, ticks: n } of ticks) {
    const text = distLine(cf.url, line - 1)
    let o
    for (let col = 0; o === undefined && col < 160; col += 2) o = original(cf.url, line - 1, col)
    const where = o === undefined ? coreFrame(cf).source : `${o.source}:${o.line}`
    const bucket = /JSON\.(parse|stringify)/.test(text)
      ? `JSON.${/JSON\.parse/.test(text) ? "parse" : "stringify"} in core ${where} \`${(o?.text ?? text).slice(0, 70)}\``
      : /Effect\.gen\(function\*/.test(text)
        ? "Effect.gen: generator entry/resume in core's Effect.gen(function* () {…}) bodies"
        : /toISOString/.test(text)
          ? `Date#toISOString (the engine's clock) in ${where}`
          : own
    out.set(bucket, (out.get(bucket) ?? 0) + n / sum)
  }
  const list = [...out.entries()]
  splits.set(node.id, list)
  return list
}

// --- the samples in the loop's window ------------------------------------------------------------
const times = []
let t = profile.startTime
for (const d of profile.timeDeltas) {
  t += d
  times.push(t)
}
const inLoop = profile.samples.map((id) => stackOf(id).some((n) => n.callFrame.functionName === LOOP))
const first = inLoop.indexOf(true)
const last = inLoop.lastIndexOf(true)
if (first < 0) throw new Error(`no sample inside ${LOOP}: is this a profile of profile-engine.mjs?`)

const buckets = new Map()
const inclusive = new Map()
const selfByFrame = new Map()
const add = (map, key, n = 1) => map.set(key, (map.get(key) ?? 0) + n)
let total = 0
for (let i = first; i <= last; i++) {
  const stack = stackOf(profile.samples[i])
  const leaf = stack[0]
  const cf = leaf.callFrame
  total++
  add(selfByFrame, leaf.id)
  const nearestCore = stack.find((n) => isCore(n.callFrame.url))
  const coreName = nearestCore
    ? `${coreFrame(nearestCore.callFrame).source}:${coreFrame(nearestCore.callFrame).line} ${nearestCore.callFrame.functionName || "(anonymous)"}`
    : "no core frame"
  let bucket
  if (cf.functionName === "(garbage collector)") bucket = "GC"
  else if (cf.functionName === "(program)" || cf.functionName === "(idle)") bucket = "VM (program/idle)"
  else if (
    stack.some(
      (n) =>
        isSchemaFile(n.callFrame.url) ||
        (isCore(n.callFrame.url) && coreFrame(n.callFrame).source === "internal/issues.ts")
    )
  )
    bucket = "Schema decode/validation (incl. the Effect machinery it runs on)"
  else if (isJson(cf)) bucket = `JSON.${cf.functionName} ← ${coreName}`
  else if (isEffect(cf.url)) bucket = "Effect runtime (fibers, generators, pipe, context)"
  else if (isCore(cf.url)) {
    for (const [b, f] of coreSplit(leaf)) add(buckets, b, f)
    bucket = undefined
  } else if (cf.url.startsWith("node:crypto") || /hash|digest/i.test(cf.functionName)) bucket = "hashing"
  else if (isBench(cf.url)) bucket = "bench loop + handler"
  else if (cf.url === "") {
    // A native builtin: charge it to its nearest JS caller's kind.
    const caller = stack.find((n) => n.callFrame.url !== "")
    const u = caller?.callFrame.url ?? ""
    bucket = isEffect(u)
      ? "Effect runtime (fibers, generators, pipe, context)"
      : isCore(u)
        ? `core code: ${coreFrame(caller.callFrame).source}`
        : `native ${cf.functionName} (other)`
  } else bucket = `other: ${cf.url.replace(/^.*\/node_modules\//, "")}`
  if (bucket !== undefined) add(buckets, bucket)
  const seen = new Set()
  for (const n of stack) {
    if (!isCore(n.callFrame.url)) continue
    const f = coreFrame(n.callFrame)
    const key = `src/${f.source}:${f.line} ${n.callFrame.functionName || "(anonymous)"} — ${f.text.slice(0, 70)}`
    if (seen.has(key)) continue
    seen.add(key)
    add(inclusive, key)
  }
}

const effectMachinery = [...buckets.entries()].filter(([k]) => k.startsWith("Effect")).reduce((a, [, v]) => a + v, 0)
const pct = (n) => `${((100 * n) / total).toFixed(1).padStart(5)}%`
const top = (map, n) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)
const ms = (times[last] - times[first]) / 1000

console.log(`\nprofile ${file}`)
console.log(`${total} samples in the ${LOOP} window (${ms.toFixed(0)} ms)`)

console.log("\n1. where the time goes (each sample in exactly one bucket)")
const grouped = new Map()
for (const [k, v] of buckets) {
  const group = k.startsWith("JSON.")
    ? "JSON.parse / JSON.stringify"
    : k.startsWith("core code")
      ? "core's own code (the rest)"
      : k
  add(grouped, group, v)
}
for (const [k, v] of top(grouped, 50)) {
  console.log(`  ${pct(v)}  ${k}`)
  if (k.startsWith("JSON") || k.startsWith("core's own code")) {
    for (const [kk, vv] of top(buckets, 100)
      .filter(([kk]) => (k.startsWith("JSON") ? kk.startsWith("JSON.") : kk.startsWith("core code")))
      .slice(0, 8))
      console.log(`      ${pct(vv)}  ${kk}`)
  }
}

console.log(`  → Effect machinery in all (runtime + Effect.gen generators): ${pct(effectMachinery).trim()}`)

console.log("\n2. inclusive time of core functions (samples with the function on the stack)")
for (const [k, v] of top(inclusive, 30)) console.log(`  ${pct(v)}  ${k}`)

console.log("\n3. top self-time functions")
const selfByLabel = new Map()
for (const [id, n] of selfByFrame) add(selfByLabel, frameLabel(byId.get(id)), n)
for (const [k, v] of top(selfByLabel, 30)) console.log(`  ${pct(v)}  ${k}`)

console.log("\n4. self time on core source lines (V8 position ticks; all samples of the profile)")
const lines = new Map()
for (const node of profile.nodes) {
  if (!isCore(node.callFrame.url) || node.positionTicks === undefined) continue
  for (const { line, ticks } of node.positionTicks) {
    const o = original(node.callFrame.url, line - 1, 0)
    // column 0 may fall before the first mapping of the line: try a few columns.
    let found = o
    for (let col = 1; found === undefined && col < 120; col += 4) found = original(node.callFrame.url, line - 1, col)
    if (found === undefined) continue
    add(lines, `src/${found.source}:${found.line} — ${found.text.slice(0, 90)}`, ticks)
  }
}
const allTicks = [...lines.values()].reduce((a, b) => a + b, 0)
for (const [k, v] of top(lines, 15)) console.log(`  ${String(v).padStart(6)} ticks  ${k}`)
console.log(`  (${allTicks} ticks on core lines in all; a tick is one sample with the line on top)`)
