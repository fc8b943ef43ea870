/**
 * The deployer's settings of the API-call handler or its client are wrong.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * Thrown by `makeApiCallHandler`, `makeHttpClient` and `secretsFromEnv` at start-up, listing every
 * bad setting — never later, inside a step.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidApiCallOptions extends Schema.TaggedError<InvalidApiCallOptions>()("InvalidApiCallOptions", {
  problems: Schema.Array(Schema.String)
}) {
  /** Every problem, on one line. */
  override get message(): string {
    return `invalid API-call options: ${this.problems.join("; ")}`
  }
}
