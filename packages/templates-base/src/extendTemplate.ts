/**
 * How a role pack customises a base template: an extension (core's `TemplateExtension`: insert,
 * append, replace, remove, configure, patch — all data) composed onto the base with core's
 * `compose`, validated against the handlers the packs use.
 *
 * @since 0.1.0
 */
import {
  compose,
  type HandlerRegistry,
  makeRegistry,
  type Template,
  type TemplateExtension,
  TemplateInvalid,
  validateTemplate
} from "@workflow-manager/core"
import { makeApiCallHandler } from "@workflow-manager/handler-api-call"
import { approvalHandler } from "@workflow-manager/handler-approval"
import { formHandler } from "@workflow-manager/handler-form"
import { notificationHandler } from "@workflow-manager/handler-notification"
import { Result } from "effect"

let registry: HandlerRegistry<unknown> | undefined

/**
 * The step types the packs use — `form`, `approval`, `notification`, `api-call` — as a registry of
 * the real handlers, to validate templates against (the api-call handler with its default options:
 * only its config schema is used here). An engine running the packs registers the same four types.
 *
 * @since 0.1.0
 * @category composition
 */
export const packHandlers = (): HandlerRegistry<unknown> => {
  registry ??= makeRegistry([formHandler, approvalHandler, notificationHandler, makeApiCallHandler()])
  return registry
}

/**
 * A template extension without its `schemaVersion`, `version` and `extends` (filled in from the base).
 *
 * @since 0.1.0
 * @category composition
 */
export type Extension = Omit<TemplateExtension, "schemaVersion" | "version" | "extends">

/**
 * Composes `extension` onto `base` with core's `compose` and validates the result against
 * {@link packHandlers} (the base is validated first; anything unreadable is a `TemplateInvalid` too). The failure is core's `TemplateInvalid`, its paths pointing into the
 * extension (`changes[2].steps[0].config...`) or the base (`base.steps[4]...`).
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { contractOnboarding, extendTemplate, onboardingSteps } from "@workflow-manager/templates-base"
 *
 * // inside a pack's templates(config):
 * // const brp = Result.getOrThrow(
 * //   extendTemplate(contractOnboarding(config), {
 * //     id: "brp-onboarding",
 * //     name: "BRP onboarding",
 * //     marketRole: "BRP",
 * //     changes: [{ op: "configure", stepId: onboardingSteps.company, config: { fields: { eic: { required: true } } } }]
 * //   })
 * // )
 * ```
 *
 * @since 0.1.0
 * @category composition
 */
export const extendTemplate = (base: Template, extension: Extension): Result.Result<Template, TemplateInvalid> => {
  const invalid = (path: string, message: string) =>
    Result.fail(new TemplateInvalid({ templateId: "(extension)", issues: [{ path, message }] }))
  try {
    const validBase = validateTemplate(base, packHandlers())
    if (Result.isFailure(validBase)) return Result.fail(validBase.failure)
    if (typeof extension !== "object" || extension === null || Array.isArray(extension)) {
      return invalid("", "the extension must be an object (id, name, changes, ...)")
    }
    const { id, version } = validBase.success
    return compose(
      validBase.success,
      { ...extension, schemaVersion: 1, version: 1, extends: { id, version } },
      packHandlers()
    )
  } catch (error) {
    return invalid("", `the extension cannot be read: ${String(error).slice(0, 500)}`)
  }
}
