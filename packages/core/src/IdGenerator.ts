/**
 * The id generator port: where instance ids come from. Time comes from Effect's `Clock` (a port
 * Effect already has; tests use `TestClock`).
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Random } from "effect"

/**
 * The id generator interface.
 *
 * @since 0.1.0
 * @category ports
 */
export interface IdGeneratorService {
  readonly next: Effect.Effect<string>
}

/**
 * The id generator port.
 *
 * @since 0.1.0
 * @category ports
 */
export class IdGenerator extends Context.Service<IdGenerator, IdGeneratorService>()(
  "@workflow-manager/core/IdGenerator"
) {}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, "0")

/**
 * UUID v4 ids drawn from Effect's `Random` service (seedable in tests).
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { engineLayer, makeRegistry, memoryLayer, uuidIdsLayer } from "@workflow-manager/core"
 *
 * const live = engineLayer({ handlers: makeRegistry([]) }).pipe(Layer.provide(Layer.merge(memoryLayer(), uuidIdsLayer)))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const uuidIdsLayer: Layer.Layer<IdGenerator> = Layer.succeed(IdGenerator)({
  next: Effect.gen(function* () {
    const words: Array<number> = []
    for (let i = 0; i < 8; i++) words.push(yield* Random.nextIntBetween(0, 0xffff))
    const [a, b, c, d, e, f, g, h] = words as [number, number, number, number, number, number, number, number]
    return `${hex(a, 4)}${hex(b, 4)}-${hex(c, 4)}-${hex(0x4000 | (d & 0x0fff), 4)}-${hex(0x8000 | (e & 0x3fff), 4)}-${hex(f, 4)}${hex(g, 4)}${hex(h, 4)}`
  })
})

/**
 * Sequential ids `prefix-1`, `prefix-2`, ... (tests and examples).
 *
 * @example
 * ```ts
 * import { sequentialIdsLayer } from "@workflow-manager/core"
 *
 * const ids = sequentialIdsLayer("wf") // wf-1, wf-2, ...
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const sequentialIdsLayer = (prefix: string): Layer.Layer<IdGenerator> =>
  Layer.sync(IdGenerator)(() => {
    let n = 0
    return { next: Effect.sync(() => `${prefix}-${++n}`) }
  })
