/**
 * A failed step attempt over HTTP: an api-call step whose peer (a real node:http server on
 * loopback) refuses the request. The attempt is recorded — `STEP_FAILED` carries the new version —
 * and the next attempt, sent with that version, goes through once the peer accepts.
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { freshDataDir } from "./support/databases.ts"
import { codes, dataOf, startEmbedded, type TestServer } from "./support/server.ts"

describe("a failed step over HTTP", () => {
  let peer: Server
  let accept = false
  const received: Array<string> = []
  let server: TestServer
  let data: Awaited<ReturnType<typeof freshDataDir>>

  beforeAll(async () => {
    peer = createServer((request, response) => {
      let body = ""
      request.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8")
      })
      request.on("end", () => {
        received.push(body)
        response.writeHead(accept ? 200 : 422, { "content-type": "application/json" })
        response.end(JSON.stringify(accept ? { registered: true, reference: "REG-1" } : { error: "not yet" }))
      })
    })
    await new Promise<void>((resolve) => peer.listen(0, "127.0.0.1", resolve))
    const port = (peer.address() as AddressInfo).port
    data = await freshDataDir()
    server = await startEmbedded(data.dir, { WM_API_CALL_ALLOW: `127.0.0.1:${port}`, WM_DEMO_DATA: "true" })
    await server.running.engine.publishTemplate({
      schemaVersion: 1,
      id: "register-test",
      version: 1,
      name: "Register test",
      marketRole: "BRP",
      steps: [
        { id: "company", type: "form", config: { fields: { name: { type: "string", required: true } } } },
        {
          id: "register",
          type: "api-call",
          config: {
            method: "POST",
            url: `http://127.0.0.1:${port}/register`,
            body: { name: "{{step.company.name}}" },
            response: { reference: "/reference" },
            retry: { maxAttempts: 1 }
          }
        }
      ]
    })
  })
  afterAll(async () => {
    await server?.running.close()
    await data?.remove()
    await new Promise<void>((resolve) => peer.close(() => resolve()))
  })

  it("records the failed attempt, answers STEP_FAILED with the new version, and the retry succeeds", async () => {
    const token = await server.login("user@electrabel.example")
    const run = (field: string, type: string, input: Record<string, unknown>) =>
      server.gql(
        `mutation ($input: ${type}!) { ${field}(input: $input) { version workflow { status currentStepId } } }`,
        { input },
        token
      )
    const created = dataOf<{ workflow: { id: string }; version: number }>(
      await server.gql(
        'mutation { createWorkflow(input: { templateId: "register-test" }) { version workflow { id } } }',
        {},
        token
      ),
      "createWorkflow"
    )
    const id = created.workflow.id
    let version = dataOf<{ version: number }>(
      await run("startWorkflow", "CommandInput", { workflowId: id, expectedVersion: created.version }),
      "startWorkflow"
    ).version
    version = dataOf<{ version: number }>(
      await run("executeStep", "ExecuteStepInput", {
        workflowId: id,
        expectedVersion: version,
        stepId: "company",
        input: { name: "Electrabel Demo NV" }
      }),
      "executeStep"
    ).version

    const failed = await run("executeStep", "ExecuteStepInput", {
      workflowId: id,
      expectedVersion: version,
      stepId: "register",
      input: {}
    })
    expect(codes(failed)).toEqual(["STEP_FAILED"])
    const extensions = failed.body.errors?.[0]?.extensions as { version: number; stepId: string; attempt: number }
    expect(extensions).toMatchObject({ stepId: "register", attempt: 1 })
    expect(extensions.version).toBeGreaterThan(version)
    expect(received).toEqual([JSON.stringify({ name: "Electrabel Demo NV" })])
    const read = await server.gql(
      "query ($id: ID!) { workflow(id: $id) { version events { type stepId } } }",
      { id },
      token
    )
    const workflow = dataOf<{ version: number; events: ReadonlyArray<{ type: string }> }>(read, "workflow")
    expect(workflow.version).toBe(extensions.version)
    expect(workflow.events.at(-1)?.type).toBe("STEP_FAILED")

    accept = true
    const retried = await run("executeStep", "ExecuteStepInput", {
      workflowId: id,
      expectedVersion: extensions.version,
      stepId: "register",
      input: {}
    })
    expect(retried.body.errors).toBeUndefined()
    expect(dataOf<{ workflow: { status: string } }>(retried, "executeStep").workflow.status).toBe("AWAITING_VALIDATION")
  })
})
