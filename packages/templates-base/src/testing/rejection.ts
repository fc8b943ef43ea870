/**
 * Reading refusals in tests: what a promise rejected with, and the field paths of its issues.
 *
 * @since 0.1.0
 */

/**
 * What `promise` rejected with (`undefined` when it resolved).
 *
 * @example
 * ```ts
 * import { rejectionOf } from "@workflow-manager/templates-base/testing"
 *
 * // expect(await rejectionOf(instance.step("review", { decision: "approve" }, applicant))).toMatchObject({ _tag: "Forbidden" })
 * ```
 *
 * @since 0.1.0
 * @category testing
 */
export const rejectionOf = (promise: Promise<unknown>): Promise<unknown> =>
  Promise.resolve(promise).then(
    () => undefined,
    (error: unknown) => error
  )

/**
 * The sorted `path`s of an error's `issues` (`ValidationFailed`, `TemplateInvalid`, `InvalidInput`);
 * empty when it has none.
 *
 * @since 0.1.0
 * @category testing
 */
export const issuePaths = (error: unknown): ReadonlyArray<string> => {
  const issues =
    typeof error === "object" && error !== null && Object.hasOwn(error, "issues")
      ? (error as { readonly issues: unknown }).issues
      : undefined
  return Array.isArray(issues)
    ? issues
        .map((issue: unknown) =>
          typeof issue === "object" && issue !== null && typeof (issue as { path?: unknown }).path === "string"
            ? (issue as { path: string }).path
            : ""
        )
        .sort()
    : []
}
