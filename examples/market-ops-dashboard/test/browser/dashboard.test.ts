/**
 * The Market Ops dashboard in a real browser (Debian's Chromium, headless, driven by playwright-core)
 * against the real reference server (fresh embedded database with the demo data) and the built app:
 * a tenant user fills in and sends an onboarding, correcting an invalid field; market ops approves;
 * changes are requested and the workflow rolled back with compensation; a conflict is said plainly;
 * a tenant user never sees another tenant's workflow. axe-core checks every main page on the way,
 * and no page loads anything from another origin. Screenshots of the inbox, a workflow page and its
 * timeline are taken on the way (to docs/images with UPDATE_SCREENSHOTS=1).
 */
import { join } from "node:path"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  axeViolations,
  CHROMIUM,
  hasChromium,
  required,
  screenshotDir,
  shoot,
  signIn,
  startWorld,
  type World
} from "./support.ts"

const ready = hasChromium()
if (!ready && required()) {
  describe("the dashboard in Chromium", () => {
    it("needs Debian's chromium (scripts/services/chromium.sh ensure)", () => {
      throw new Error(`REQUIRE_SERVICES=1 but ${CHROMIUM} is missing: run scripts/services/chromium.sh ensure`)
    })
  })
}

describe.skipIf(!ready)("the dashboard in Chromium", () => {
  let world: World
  let shots: string
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    world = await startWorld()
    shots = await screenshotDir()
    const ops = await world.token("ops@elia.example")
    const tenants = await world.gql<{ tenants: ReadonlyArray<{ id: string; companyName: string }> }>(
      "{ tenants { id companyName } }",
      {},
      ops
    )
    for (const t of tenants.tenants) ids[t.companyName] = t.id
  })
  afterAll(async () => {
    await world?.close()
  })

  const expectAccessible = async (page: Page, what: string) => {
    expect(await axeViolations(page), `axe on ${what}`).toEqual([])
  }

  it("a tenant user creates an onboarding and fills it in, correcting an invalid VAT number", async () => {
    const page = await signIn(world, "user@electrabel.example")
    await expectAccessible(page, "the inbox")
    await page.getByRole("link", { name: "New onboarding" }).click()
    await page.getByRole("heading", { level: 1, name: "New onboarding" }).waitFor()
    // after a navigation the focus is on the new page's heading
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("New onboarding")
    await expectAccessible(page, "the new onboarding page")
    await page.getByLabel("Template").selectOption("demo-onboarding")
    await page.getByRole("button", { name: "Create and start" }).click()
    await page.getByRole("heading", { level: 2, name: "Current step: Company information" }).waitFor()
    ids.onboarding = page.url().split("/").at(-1) as string

    await page.getByLabel("Legal name (required)").fill("Electrabel Demo NV")
    await page.getByLabel("Enterprise / VAT number (required)").fill("BE0403170702")
    await page.getByLabel("EIC party code (required)").fill("22XENGIE-BE----P")
    await page.getByRole("button", { name: "Save and continue" }).click()
    const issues = page.getByTestId("form-issues")
    await issues.waitFor()
    expect(await issues.textContent()).toContain("Enterprise / VAT number")
    await expect
      .poll(() => page.getByLabel("Enterprise / VAT number (required)").getAttribute("aria-invalid"))
      .toBe("true")
    await expectAccessible(page, "a form with an error")

    await page.getByLabel("Enterprise / VAT number (required)").fill("BE0403170701")
    await page.getByRole("button", { name: "Save and continue" }).click()
    await page.getByRole("heading", { level: 2, name: "Current step: Portfolio" }).waitFor()
    await page.getByRole("textbox", { name: "Access points (EAN-GSRN) 1", exact: true }).fill("541448965001060702")
    await page.getByRole("button", { name: "Add access points (ean-gsrn)" }).click()
    await page.getByRole("textbox", { name: "Access points (EAN-GSRN) 2", exact: true }).fill("541449500000012346")
    await page.getByRole("button", { name: "Save and continue" }).click()
    await page.getByRole("heading", { level: 2, name: "Current step: Approval" }).waitFor()
    await page.getByText("Your role (tenant_user) does not decide this step.").waitFor()
    await page.context().close()
  })

  it("market ops finds it in the inbox, sees the four-eyes rule and approves; the user submits; ops approves", async () => {
    const page = await signIn(world, "ops@elia.example")
    const row = page.locator(`tr[data-workflow-id="${ids.onboarding}"]`)
    await row.waitFor()
    expect(await row.textContent()).toContain("decide “Approval”")

    // a filter: only what is submitted; the focus stays on the filter
    await page.getByLabel("Status").focus()
    await page.getByLabel("Status").selectOption("SUBMITTED")
    await expect.poll(() => page.locator("tr[data-workflow-id]").count()).toBe(1)
    expect(await page.locator("tr[data-workflow-id] [data-status]").getAttribute("data-status")).toBe("SUBMITTED")
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("f-status")
    expect(new URL(page.url()).searchParams.get("status")).toBe("SUBMITTED")
    await page.getByRole("button", { name: "Clear filters" }).click()
    await row.waitFor()
    await shoot(page, join(shots, "dashboard-inbox.png"))
    await expectAccessible(page, "the operator's inbox")

    await row.getByRole("link").click()
    await page.getByRole("heading", { level: 2, name: "Current step: Approval" }).waitFor()
    await page.getByTestId("diagram").locator("svg .current").first().waitFor()
    expect(await page.locator('[data-step="approval"]').getAttribute("data-step-status")).toBe("current")
    expect(await page.getByTestId("approver-roles").textContent()).toContain("approver or market_ops")
    await expect
      .poll(() => page.getByTestId("excluded").textContent())
      .toContain("Sofie Maes (tenant_user) — created the workflow")
    await expectAccessible(page, "a workflow page")
    await shoot(page, join(shots, "dashboard-workflow.png"))

    await page.getByLabel("Comment (optional)").fill("documents checked")
    await page.getByRole("button", { name: "Record decision" }).click()
    await page.getByRole("heading", { level: 2, name: "Current step: Contract" }).waitFor()

    const user = await signIn(world, "user@electrabel.example")
    await user.goto(`${world.stack.appUrl}/workflows/${ids.onboarding}`)
    await user.getByLabel("Contract reference (required)").fill("BRP-2026-042")
    await user.getByLabel("Signatory (required)").fill("Jan Janssens")
    await user.getByRole("button", { name: "Save and continue" }).click()
    await user.getByRole("button", { name: "Submit for review" }).click()
    await user.getByTestId("notice").getByText("Submitted for review.").waitFor()
    await user.context().close()

    await page.reload()
    await page.getByRole("button", { name: "Approve", exact: true }).click()
    await page.getByTestId("notice").getByText("Approved.").waitFor()
    expect(await page.locator("h1 + [data-status]").getAttribute("data-status")).toBe("COMPLETED")
    await page.context().close()
  })

  it("market ops requests changes on a submitted workflow, then rolls it back, seeing the compensations first", async () => {
    const ops = await world.token("ops@elia.example")
    const submitted = await world.gql<{ workflows: { nodes: ReadonlyArray<{ id: string }> } }>(
      "query ($t: ID!) { workflows(filter: { status: [SUBMITTED], tenantId: $t }) { nodes { id } } }",
      { t: ids["Electrabel Demo NV"] },
      ops
    )
    const id = submitted.workflows.nodes[0]?.id as string
    const page = await signIn(world, "ops@elia.example")
    await page.getByRole("link", { name: "Tenants" }).click()
    await page.getByRole("heading", { level: 1, name: "Tenants" }).waitFor()
    await page.getByText("Electrabel Demo NV", { exact: true }).click()
    await page.getByRole("list", { name: "Users of Electrabel Demo NV" }).getByText("Luc Claes").waitFor()
    await expectAccessible(page, "the tenants page")

    await page.goto(`${world.stack.appUrl}/workflows/${id}`)
    await page.getByLabel("What must change (required)").fill("the contract must name the new signatory")
    await page.getByLabel("Back to the step", { exact: true }).selectOption("contract")
    await page.getByRole("button", { name: "Request changes" }).click()
    await page.getByRole("heading", { level: 2, name: "Current step: Contract" }).waitFor()

    await page.getByLabel("Roll back to the step").selectOption("company-info")
    await page.getByRole("button", { name: "Show what it will undo" }).click()
    const plan = page.getByTestId("compensations")
    await plan.waitFor()
    const planned = await plan.locator("li").allTextContents()
    const approval = planned.findIndex((line) => line.startsWith("Approval"))
    const portfolio = planned.findIndex((line) => line.startsWith("Portfolio"))
    expect(approval).toBeGreaterThanOrEqual(0)
    expect(portfolio).toBeGreaterThan(approval)
    await expectAccessible(page, "a rollback plan")
    await page.getByRole("button", { name: "Confirm rollback" }).click()
    await page.getByTestId("notice").getByText("Rolled back to “Company information”.").waitFor()
    await page.getByRole("heading", { level: 2, name: "Current step: Company information" }).waitFor()

    const compensated = page.locator('#history li[data-event-type="STEP_COMPENSATED"]')
    expect(await compensated.count()).toBe(planned.length)
    expect(await compensated.first().textContent()).toContain("compensated")
    await page.locator("#history").screenshot({ path: join(shots, "dashboard-timeline.png") })

    // the state as it was when it was submitted
    const submittedEvent = page.locator('#history li[data-event-type="WORKFLOW_SUBMITTED"]')
    await submittedEvent.getByRole("button").click()
    await expect.poll(() => page.getByTestId("state-at-status").textContent()).toBe("Submitted")

    // and at a moment typed in: the second after it was submitted, before the changes were requested
    const instant = (type: string) =>
      page.locator(`#history li[data-event-type="${type}"] time`).first().getAttribute("datetime")
    const submittedAt = Date.parse((await instant("WORKFLOW_SUBMITTED")) as string)
    const rejectedAt = Date.parse((await instant("WORKFLOW_REJECTED")) as string)
    const moment = Math.ceil((submittedAt + 1) / 1000) * 1000
    expect(moment).toBeLessThan(rejectedAt)
    const local = await page.evaluate((ms) => {
      const at = new Date(ms)
      const pad = (n: number) => String(n).padStart(2, "0")
      return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`
    }, moment)
    await page.getByLabel("Date and time").fill(local)
    await page.getByRole("button", { name: "Show", exact: true }).click()
    await page
      .getByTestId("state-at")
      .getByText(/^State at /)
      .waitFor()
    expect(await page.getByTestId("state-at-status").textContent()).toBe("Submitted")
    await page.context().close()
  })

  it("a conflict: someone else changed the workflow meanwhile — said plainly, the new state shown, nothing overwritten", async () => {
    const ops = await world.token("ops@elia.example")
    const list = await world.gql<{ workflows: { nodes: ReadonlyArray<{ id: string; version: number }> } }>(
      "query ($t: ID!) { workflows(filter: { status: [IN_PROGRESS], tenantId: $t }) { nodes { id version } } }",
      { t: ids["Luminus Demo NV"] },
      ops
    )
    const target = list.workflows.nodes[0] as { id: string; version: number }
    const page = await signIn(world, "ops@elia.example")
    await page.goto(`${world.stack.appUrl}/workflows/${target.id}`)
    await page.getByRole("heading", { level: 2, name: "Current step: Portfolio" }).waitFor()
    await page.getByRole("textbox", { name: "Access points (EAN-GSRN) 1", exact: true }).fill("541448965001060702")

    // meanwhile, someone pauses it
    const paused = await world.gql<{ pauseWorkflow: { version: number } }>(
      "mutation ($i: ReasonInput!) { pauseWorkflow(input: $i) { version } }",
      { i: { workflowId: target.id, expectedVersion: target.version, reason: "documents missing" } },
      ops
    )
    await page.getByRole("button", { name: "Save and continue" }).click()
    const conflict = page.getByTestId("conflict")
    await conflict.waitFor()
    expect(await conflict.textContent()).toContain("Someone else changed this workflow meanwhile")
    expect(await conflict.textContent()).toContain(`it is now at version ${paused.pauseWorkflow.version} (Paused`)
    expect(await page.locator("h1 + [data-status]").getAttribute("data-status")).toBe("PAUSED")
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("conflict")
    await expectAccessible(page, "a conflict")

    const after = await world.gql<{ workflow: { version: number; status: string } }>(
      "query ($id: ID!) { workflow(id: $id) { version status } }",
      { id: target.id },
      ops
    )
    expect(after.workflow).toEqual({ version: paused.pauseWorkflow.version, status: "PAUSED" })
    await page.context().close()
  })

  it("a tenant user never sees another tenant's workflow, in any list or by its URL", async () => {
    const ops = await world.token("ops@elia.example")
    const engie = await world.gql<{ workflows: { nodes: ReadonlyArray<{ id: string }> } }>(
      "query ($t: ID!) { workflows(filter: { tenantId: $t }, first: 100) { nodes { id } } }",
      { t: ids["Electrabel Demo NV"] },
      ops
    )
    const foreign = new Set(engie.workflows.nodes.map((n) => n.id))
    expect(foreign.size).toBeGreaterThan(3)
    const page = await signIn(world, "user@luminus.example")
    const rowIds = () =>
      page.locator("tr[data-workflow-id]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-workflow-id")))

    // the inbox (empty or not)
    await page.locator('[data-testid="workflow-table"], [data-testid="empty-list"]').first().waitFor()
    for (const seen of await rowIds()) expect(foreign.has(seen as string)).toBe(false)
    await page.getByRole("link", { name: "All workflows" }).click()
    await page.getByRole("heading", { level: 1, name: "All workflows" }).waitFor()
    await page.getByTestId("workflow-table").waitFor()
    const all = await rowIds()
    expect(all.length).toBeGreaterThan(0)
    for (const seen of all) expect(foreign.has(seen as string)).toBe(false)
    for (const name of await page.locator("tr[data-workflow-id] td:nth-child(2)").allTextContents()) {
      expect(name).toBe("Luminus Demo NV")
    }
    await expectAccessible(page, "all workflows")

    // another tenant's filter: an empty list, as for a tenant without workflows
    await page.goto(`${world.stack.appUrl}/workflows?tenant=${ids["Electrabel Demo NV"]}`)
    await page.getByTestId("empty-list").waitFor()
    // another tenant's workflow by its URL: not found, exactly as a missing one
    for (const url of [ids.onboarding, "00000000-0000-4000-8000-000000000000"]) {
      await page.goto(`${world.stack.appUrl}/workflows/${url}`)
      await page.getByTestId("not-found").waitFor()
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Workflow not found")
    }
    await page.goto(`${world.stack.appUrl}/tenants`)
    await page.getByText("Only market operations see the tenants.").waitFor()

    // a token the server no longer takes (expired, forged): back to the sign-in, saying why
    await page.evaluate(() => {
      const key = "wm-dashboard-session"
      const stored = JSON.parse(sessionStorage.getItem(key) ?? "{}") as Record<string, unknown>
      sessionStorage.setItem(key, JSON.stringify({ ...stored, token: "not.a-valid.token" }))
    })
    await page.goto(`${world.stack.appUrl}/workflows`)
    await page.getByText("Your session has ended").waitFor()
    expect(new URL(page.url()).pathname).toBe("/signin")
    await page.context().close()
  })

  it("no page loaded anything from another origin (no CDN, no font server)", () => {
    expect(world.outside).toEqual([])
  })
})
