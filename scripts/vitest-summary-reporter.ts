/**
 * Prints one plain closing line after vitest's own summary, e.g.
 *
 *     tests: 41 passed, 0 failed, 2 skipped
 *
 * so that any reader of the log (CI included) finds the counts without knowing vitest's format.
 * A test file whose failure lies outside its tests (import error, a throwing `beforeAll`) and an
 * unhandled error each count as one failure, so the line never says "0 failed" when the run failed.
 */
import type { Reporter, SerializedError, TestModule } from "vitest/node"

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const testModule of testModules) {
      let moduleFailedTests = 0
      for (const testCase of testModule.children.allTests()) {
        const state = testCase.result().state
        if (state === "passed") passed++
        else if (state === "failed") moduleFailedTests++
        else if (state === "skipped") skipped++
      }
      failed += moduleFailedTests
      // Errors outside tests (import failure, a throwing beforeAll/afterAll) fail the run too.
      if (moduleFailedTests === 0) {
        const suiteErrors = [...testModule.children.allSuites()].some((suite) => suite.errors().length > 0)
        if (testModule.errors().length > 0 || suiteErrors) failed++
      }
    }
    failed += unhandledErrors.length
    process.stdout.write(`tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}\n`)
  }
}
