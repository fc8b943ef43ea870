/**
 * What the browser tests share: Debian's Chromium driven by playwright-core (no browser download),
 * the stack (reference server + built dashboard, scripts/stack.ts) on a fresh embedded database in a
 * temporary folder, sign-in, axe-core run in the page, screenshots, and a GraphQL client to arrange
 * things behind the browser's back (a conflict) or to look ids up.
 */
import { existsSync } from "node:fs"
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type Browser, chromium, type Page } from "playwright-core"
import { buildApp, repoRoot, type Stack, startStack } from "../../scripts/stack.ts"

/** Debian's chromium package (scripts/services/chromium.sh installs it). */
export const CHROMIUM = process.env.WM_CHROMIUM ?? "/usr/bin/chromium"
export const hasChromium = (): boolean => existsSync(CHROMIUM)
export const required = (): boolean => process.env.REQUIRE_SERVICES === "1"
export const DEMO_PASSWORD = "demo-password-2026"

/** Screenshots go to docs/images with UPDATE_SCREENSHOTS=1 (to be committed), else to a temporary folder. */
export const screenshotDir = async (): Promise<string> => {
  if (process.env.UPDATE_SCREENSHOTS === "1") return join(repoRoot, "docs/images")
  const dir = join(tmpdir(), "wm-dashboard-screenshots")
  await mkdir(dir, { recursive: true })
  return dir
}

export interface World {
  readonly stack: Stack
  readonly browser: Browser
  readonly gql: <A>(query: string, variables?: Record<string, unknown>, token?: string) => Promise<A>
  readonly token: (email: string) => Promise<string>
  /** Requests the pages sent anywhere but the dashboard's origin (there must be none). */
  readonly outside: Array<string>
  readonly close: () => Promise<void>
}

/** Starts everything; `close` stops everything it started, whatever failed. */
export const startWorld = async (): Promise<World> => {
  const dataDir = await mkdtemp(join(tmpdir(), "wm-dashboard-"))
  let stack: Stack | undefined
  let browser: Browser | undefined
  const close = async () => {
    await browser?.close().catch(() => {})
    await stack?.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
  try {
    await buildApp()
    // the embedded default on a fresh folder, whatever the test run's environment names: `./wm test`
    // exports DATABASE_URL and MONGODB_URL for the other suites (an empty value is unset)
    stack = await startStack({
      serverEnv: {
        WM_DATA_DIR: dataDir,
        WM_DEMO_DATA: "true",
        LOG_LEVEL: "warn",
        DATABASE_URL: "",
        MONGODB_URL: "",
        WM_DATABASE_OWNER_URL: ""
      }
    })
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] })
  } catch (error) {
    await close()
    throw error
  }
  const apiUrl = stack.apiUrl
  const gql = async <A>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<A> => {
    const response = await fetch(`${apiUrl}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` })
      },
      body: JSON.stringify({ query, variables })
    })
    const body = (await response.json()) as { data?: A; errors?: ReadonlyArray<{ message: string }> }
    if (body.errors !== undefined || body.data === undefined) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`)
    return body.data
  }
  const token = async (email: string) =>
    (
      await gql<{ login: { token: string } }>(
        "mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
        { e: email, p: DEMO_PASSWORD }
      )
    ).login.token
  return { stack, browser, gql, token, outside: [], close }
}

/** A new page (laptop-sized) signed in as `email`, landed on the inbox. */
export const signIn = async (world: World, email: string): Promise<Page> => {
  const context = await world.browser.newContext({ viewport: { width: 1366, height: 900 }, reducedMotion: "reduce" })
  const page = await context.newPage()
  const origin = new URL(world.stack.appUrl).origin
  await page.route("**/*", (route) => {
    const url = route.request().url()
    if (url.startsWith(origin) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue()
    world.outside.push(url)
    return route.abort()
  })
  await page.goto(`${world.stack.appUrl}/signin`)
  await page.getByLabel("E-mail address").fill(email)
  await page.getByLabel("Password").fill(DEMO_PASSWORD)
  await page.getByLabel("Password").press("Enter") // the keyboard's way
  await page.getByRole("heading", { level: 1, name: "Inbox" }).waitFor()
  return page
}

/** A screenshot of the page down to the end of its main content (no empty window below it). */
export const shoot = async (page: Page, path: string): Promise<void> => {
  const bottom = await page.evaluate(() =>
    Math.ceil(document.querySelector("main")?.getBoundingClientRect().bottom ?? 900)
  )
  await page.screenshot({ path, fullPage: true, clip: { x: 0, y: 0, width: 1366, height: Math.min(bottom, 3000) } })
  const png = await readFile(path)
  // a real PNG, not an empty file
  if (png.length < 10_000 || png.subarray(1, 4).toString() !== "PNG") throw new Error(`${path} is not a screenshot`)
}

let axeSource: string | undefined

/** axe-core's serious and critical violations on the page as it is (WCAG 2.1 A/AA and best practices). */
export const axeViolations = async (page: Page): Promise<ReadonlyArray<string>> => {
  axeSource ??= await readFile(join(repoRoot, "examples/market-ops-dashboard/node_modules/axe-core/axe.min.js"), "utf8")
  await page.addScriptTag({ content: axeSource })
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<unknown> } })
      .axe
    const result = (await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] }
    })) as { violations: ReadonlyArray<{ id: string; impact: string; nodes: ReadonlyArray<{ target: unknown }> }> }
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => String(n.target)) }))
  })
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.targets.slice(0, 5).join(" | ")}`)
}
