/**
 * The measuring method of every benchmark here (see bench/README.md): a subject and a baseline
 * measured in the same process, in alternating slices of about one second (tinybench runs each
 * slice), for at least 8 rounds; the result is the median of the per-round ratios. A control —
 * the baseline against itself, measured the same way — must come out at 1.00 ± 0.05, otherwise the
 * machine was too noisy and the comparison is repeated.
 */
import { Bench } from "tinybench"

/** Operations per second of `fn` (which performs `ops` operations per call) over one slice. */
export const slice = (fn, ops, ms) => {
  const bench = new Bench({ time: ms, warmup: false, iterations: 1, throws: true, retainSamples: false })
  bench.add("slice", fn)
  bench.runSync()
  const result = bench.tasks[0]?.result
  if (result?.state !== "completed") throw result?.error ?? new Error(`slice did not complete (${result?.state})`)
  return (ops * 1000) / result.period
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

/**
 * Interleaves slices of `subject` and `baseline` (alternating which goes first) for `rounds`
 * rounds; returns the median ratio subject ÷ baseline and the median rates.
 */
export const compare = ({ subject, baseline, rounds = 8, sliceMs = 1000 }) => {
  // Warm both up (JIT) before the measured rounds.
  slice(subject.fn, subject.ops, 300)
  slice(baseline.fn, baseline.ops, 300)
  const ratios = []
  const subjectRates = []
  const baselineRates = []
  for (let round = 0; round < rounds; round++) {
    let s
    let b
    if (round % 2 === 0) {
      s = slice(subject.fn, subject.ops, sliceMs)
      b = slice(baseline.fn, baseline.ops, sliceMs)
    } else {
      b = slice(baseline.fn, baseline.ops, sliceMs)
      s = slice(subject.fn, subject.ops, sliceMs)
    }
    subjectRates.push(s)
    baselineRates.push(b)
    ratios.push(s / b)
  }
  return { ratio: median(ratios), ratios, subjectRate: median(subjectRates), baselineRate: median(baselineRates) }
}

/**
 * `compare(subject, baseline)` with its control (`compare(baseline, baseline)`), repeated up to
 * `attempts` times until the control is within 1.00 ± `tolerance`.
 */
export const compareWithControl = ({
  subject,
  baseline,
  rounds = 8,
  sliceMs = 1000,
  attempts = 3,
  tolerance = 0.05,
  log = () => {}
}) => {
  let last
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const control = compare({ subject: baseline, baseline, rounds, sliceMs })
    const result = compare({ subject, baseline, rounds, sliceMs })
    last = { ...result, control: control.ratio, controlRatios: control.ratios, attempt }
    const ok = Math.abs(control.ratio - 1) <= tolerance
    log(
      `  attempt ${attempt}: ratio ${result.ratio.toFixed(2)}, control ${control.ratio.toFixed(3)}${ok ? "" : " (control out of tolerance: rerun)"}`
    )
    if (ok) return { ...last, controlOk: true }
  }
  return { ...last, controlOk: false }
}
