/**
 * A handler that declares a service, and the two ways of providing it (docs/embedding.md,
 * "Handlers and their services").
 */
// #region notifier-service
import {
  createEngine,
  defineStepHandler,
  engineLayer,
  makeRegistry,
  memoryLayer,
  StepHandlerError,
  uuidIdsLayer
} from "@workflow-manager/core"
import { Context, Effect, Layer, Schema } from "effect"

/** The service: its interface and its tag. */
export class Notifier extends Context.Service<
  Notifier,
  {
    readonly send: (message: {
      to: string
      subject: string
      idempotencyKey: string
    }) => Effect.Effect<void, StepHandlerError>
  }
>()("acme/Notifier") {}

/** Using the service puts it in the handler's requirements: StepHandler<"welcome-mail", …, Notifier>. */
export const welcomeMailHandler = defineStepHandler({
  type: "welcome-mail",
  configSchema: Schema.Struct({ subject: Schema.String }),
  inputSchema: Schema.Struct({ to: Schema.String }),
  execute: ({ config, input, context }) =>
    Effect.gen(function* () {
      const notifier = yield* Notifier
      // The key is the same for every run of one attempt: the mail server drops a duplicate.
      yield* notifier.send({ to: input.to, subject: config.subject, idempotencyKey: context.idempotencyKey })
      return { sentTo: input.to }
    })
})
// #endregion notifier-service

// #region notifier-layer
/** The real implementation: an HTTP call that carries the idempotency key. */
export const layerNotifierHttp = (baseUrl: string): Layer.Layer<Notifier> =>
  Layer.succeed(Notifier)({
    send: (message) =>
      Effect.tryPromise({
        try: async () => {
          const response = await fetch(`${baseUrl}/messages`, {
            method: "POST",
            headers: { "content-type": "application/json", "idempotency-key": message.idempotencyKey },
            body: JSON.stringify({ to: message.to, subject: message.subject })
          })
          if (!response.ok) throw new Error(`the notifier answered ${response.status}`)
        },
        // A failed call may succeed later: the step fails retryably and can be executed again.
        catch: (error) => new StepHandlerError({ message: String(error), code: "notifier", retryable: true })
      })
  })

/** A test double that records what it was asked to send. */
export const layerNotifierMemory = (sent: Array<string>): Layer.Layer<Notifier> =>
  Layer.succeed(Notifier)({
    send: (message) => Effect.sync(() => void sent.push(`${message.idempotencyKey} ${message.to}`))
  })
// #endregion notifier-layer

// #region provide-services
// Effect: the handler's requirement stays in the layer's type until a layer provides it.
export const NotifyingEngine = engineLayer({ handlers: makeRegistry([welcomeMailHandler]) }).pipe(
  Layer.provide(Layer.mergeAll(memoryLayer(), uuidIdsLayer, layerNotifierHttp("https://mail.internal.example")))
)

// Promise: the same layer goes in the `services` option.
export const createNotifyingEngine = () =>
  createEngine({ handlers: [welcomeMailHandler], services: layerNotifierHttp("https://mail.internal.example") })
// #endregion provide-services
