/**
 * The server's in-process worker (`WM_WORKER=on`, the default), on the embedded default, on
 * PostgreSQL and on the split: a demo-like onboarding driven over HTTP reaches its notification
 * steps and they run by themselves (nobody calls `runAutomaticStep`), recorded as the worker's
 * system actor; the e-mail goes to a loopback SMTP server, to the holders of the roles it names in
 * the instance's tenant and the operator's (never another tenant's), the webhook to a loopback
 * receiver — each exactly once; `/metrics` shows what the worker did; closing the server stops it.
 */
import { runPromise, type Template } from "@workflow-manager/core"
import { approvalRoutes } from "@workflow-manager/handler-approval"
import { afterAll, expect, it } from "vitest"
import { DEMO_PARTICIPANTS } from "../src/demo.ts"
import { dataOf, describeServers, type TestServer } from "./support/server.ts"
import { startHttpPeer, startSmtpPeer, waitFor } from "./support/workerPeers.ts"

const WORKER = "in-process"
const HOOK_SECRET = "a-webhook-secret-of-32-characters"

const smtp = await startSmtpPeer()
const hook = await startHttpPeer()
afterAll(async () => {
  await smtp.close()
  await hook.close()
})

const onboarding: Template = {
  schemaVersion: 1,
  id: "worker-onboarding",
  version: 1,
  name: "Onboarding with notices",
  marketRole: "BRP",
  steps: [
    {
      id: "company-info",
      type: "form",
      config: { fields: { companyName: { type: "string", label: "Legal name", required: true, min: 2, max: 200 } } }
    },
    {
      id: "notify-ops",
      type: "notification",
      config: {
        channel: "email",
        key: "notify-ops",
        to: [{ role: "market_ops" }, { role: "tenant_admin" }],
        subject: "Application {{instance.id}} to review: {{steps.company-info.data.companyName}}",
        text: "{{steps.company-info.data.companyName}} completed its application."
      }
    },
    {
      id: "crm-event",
      type: "notification",
      config: {
        channel: "webhook",
        key: "crm-event",
        endpoint: "crm-events",
        body: { event: "application-received", instance: "{{instance.id}}" }
      }
    },
    {
      id: "approval",
      type: "approval",
      config: { approverRoles: ["market_ops"], approves: ["company-info"] },
      routes: approvalRoutes({ changesRequested: "company-info", rejected: "$end" })
    }
  ]
}

const RESULT = "workflow { id currentStepId } version"
const command = async (s: TestServer, token: string, field: string, type: string, input: Record<string, unknown>) =>
  dataOf<{ workflow: { id: string; currentStepId: string | null }; version: number }>(
    await s.gql(`mutation ($input: ${type}!) { ${field}(input: $input) { ${RESULT} } }`, { input }, token),
    field
  )

const sample = (text: string, metric: string, labels: Record<string, string>): number | undefined => {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${metric}{`)) continue
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(" ").pop())
  }
  return undefined
}

await describeServers(
  "the in-process worker",
  (server) => {
    it("runs the onboarding's notices by itself, each sent once: e-mail to the roles' holders, webhook to the endpoint", async () => {
      const s = server()
      await runPromise(s.running.storage.services.templateStore.publish(onboarding))
      const user = await s.login("user@electrabel.example")
      const ops = await s.login("ops@elia.example")
      const created = await command(s, user, "createWorkflow", "CreateWorkflowInput", { templateId: onboarding.id })
      const id = created.workflow.id
      const started = await command(s, user, "startWorkflow", "CommandInput", {
        workflowId: id,
        expectedVersion: created.version
      })
      const company = (DEMO_PARTICIPANTS[0] as (typeof DEMO_PARTICIPANTS)[number]).companyName
      const executed = await command(s, user, "executeStep", "ExecuteStepInput", {
        workflowId: id,
        expectedVersion: started.version,
        stepId: "company-info",
        input: { companyName: company }
      })
      expect(executed.workflow.currentStepId).toBe("notify-ops")

      // nobody calls runAutomaticStep: the worker runs both notices and stops at the approval
      const current = async () =>
        dataOf<{ currentStepId: string | null }>(
          await s.gql("query ($id: ID!) { workflow(id: $id) { currentStepId } }", { id }, ops),
          "workflow"
        ).currentStepId
      await waitFor("the notices run by the worker", async () => (await current()) === "approval")
      const events = dataOf<{ events: ReadonlyArray<{ type: string; stepId: string | null; performedBy: string }> }>(
        await s.gql("query ($id: ID!) { workflow(id: $id) { events { type stepId performedBy } } }", { id }, ops),
        "workflow"
      ).events
      for (const step of ["notify-ops", "crm-event"]) {
        const completed = events.filter((e) => e.type === "STEP_COMPLETED" && e.stepId === step)
        expect(completed.map((e) => e.performedBy)).toEqual([`system:${WORKER}`])
      }

      // delivered: the e-mail to the SMTP peer, the webhook to the receiver
      const mails = () => smtp.mails().filter((m) => m.data.includes(id))
      const hooks = () => hook.received().filter((r) => (r.body as { instance?: unknown } | undefined)?.instance === id)
      await waitFor("the e-mail and the webhook delivered", () => mails().length >= 1 && hooks().length >= 1)
      // one more delivery pass (beside the worker's own) sends nothing of this instance again
      expect(await s.running.worker?.runTaskOnce("notifications")).toBeDefined()
      expect(mails()).toHaveLength(1)
      expect([...(mails()[0]?.to ?? [])].sort()).toEqual(["admin@electrabel.example", "ops@elia.example"])
      expect(mails()[0]?.data).toContain(company)
      expect(hooks()).toHaveLength(1)
      const delivery = hooks()[0]
      expect(delivery?.key).toMatch(/crm-event$/)
      expect(delivery?.headers["x-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/)
      expect(delivery?.body).toEqual({ event: "application-received", instance: id })

      // the worker's metrics on the server's /metrics
      const metrics = await fetch(`${s.url}/metrics`)
      expect(metrics.status).toBe(200)
      expect(metrics.headers.get("content-type")).toMatch(/^text\/plain/)
      const text = await metrics.text()
      expect(sample(text, "wm_worker_due_total", { outcome: "recorded", worker: WORKER })).toBeGreaterThanOrEqual(1)
      expect(
        sample(text, "wm_worker_task_items_total", { task: "notifications", outcome: "delivered" })
      ).toBeGreaterThanOrEqual(2)
      if (s.backend === "split") {
        expect(
          sample(text, "wm_worker_task_passes_total", { task: "reconciler", result: "ok" })
        ).toBeGreaterThanOrEqual(1)
        expect(text).toContain("wm_reconciler_lag_commits")
      }
    })

    it("closing the server stops HTTP intake, then the worker, then the storage", async () => {
      const s = server()
      const worker = s.running.worker
      if (worker === undefined) throw new Error("no in-process worker")
      await s.running.close()
      await worker.stopped
      await expect(fetch(`${s.url}/healthz`)).rejects.toThrow()
      await expect(s.running.storage.ping()).rejects.toThrow()
    })
  },
  {
    WM_WORKER: "on",
    WM_WORKER_NAME: WORKER,
    WM_WORKER_POLL_MS: "100",
    WM_NOTIFY_INTERVAL_MS: "200",
    WM_RECONCILE_INTERVAL_MS: "1000",
    WM_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    WM_SMTP_FROM: "Workflow Manager <workflow@elia.example>",
    WM_WEBHOOK_CRM_EVENTS_URL: `${hook.url}/crm`,
    WM_WEBHOOK_CRM_EVENTS_SECRET: HOOK_SECRET
  },
  { split: true }
)
