/**
 * Loads the demo data (`pnpm db:seed`, and `./wm start` on a fresh embedded database): the
 * template packs and the demo template, the demo participants with their market roles, one user
 * per role, and workflows in several states — each written through the engine, as a user would —
 * one of them at notification steps the worker then sends.
 * It runs once: a database that already has the first demo participant is left as it is.
 *
 * @since 0.1.0
 */

import type { TemplatePack } from "@workflow-manager/core"
import { type Actor, type CommandResult, operatorAccess, type PromiseEngine, runPromise } from "@workflow-manager/core"
import { achPack } from "@workflow-manager/templates-ach"
import { basePack } from "@workflow-manager/templates-base"
import { BRP_ONBOARDING, brpPack } from "@workflow-manager/templates-brp"
import { bspPack } from "@workflow-manager/templates-bsp"
import { crmPack } from "@workflow-manager/templates-crm"
import { dsoPack } from "@workflow-manager/templates-dso"
import { espPack } from "@workflow-manager/templates-esp"
import { guPack } from "@workflow-manager/templates-gu"
import { PERMISSIONS, type Role } from "./auth/index.ts"
import {
  DEMO_PARTICIPANTS,
  DEMO_PASSWORD,
  DEMO_TEMPLATE_ID,
  DEMO_USERS,
  DEMO_WELCOME_ID,
  type DemoParticipant,
  demoInputs,
  demoTemplate,
  demoWelcomeTemplate
} from "./demo.ts"
import type { Storage } from "./storage.ts"

/**
 * What seeding needs.
 *
 * @since 0.1.0
 * @category demo
 */
export interface SeedDeps {
  readonly storage: Storage
  readonly engine: PromiseEngine
  readonly hashPassword: (password: string) => Promise<string>
  /** The base URL of the participant register the packs' activation step calls. */
  readonly registerUrl?: string
}

/**
 * What seeding did.
 *
 * @since 0.1.0
 * @category demo
 */
export interface SeedReport {
  /** `false` when the demo data was already there (nothing written). */
  readonly seeded: boolean
  readonly tenants: Readonly<Record<string, string>>
  readonly templates: ReadonlyArray<string>
  readonly workflows: ReadonlyArray<{ readonly id: string; readonly status: string; readonly tenant: string }>
}

/** Every template pack of the repository (the base pack first: the role packs extend it). */
const PACKS: ReadonlyArray<TemplatePack<unknown>> = [
  basePack,
  brpPack,
  achPack,
  bspPack,
  crmPack,
  dsoPack,
  espPack,
  guPack
] as ReadonlyArray<unknown> as ReadonlyArray<TemplatePack<unknown>>

const actorOf = (user: { readonly id: string; readonly tenantId: string; readonly role: string }): Actor => ({
  userId: user.id,
  tenantId: user.tenantId,
  role: user.role,
  permissions: [...(PERMISSIONS[user.role as Role] ?? [])]
})

/** Drives a demo workflow through the demo template to a status. */
const drive = async (
  engine: PromiseEngine,
  actors: { readonly user: Actor; readonly approver: Actor; readonly operator: Actor },
  participant: DemoParticipant,
  target: "DRAFT" | "IN_PROGRESS" | "PAUSED" | "SUBMITTED" | "COMPLETED",
  key: string
): Promise<CommandResult> => {
  const inputs = demoInputs(participant)
  const { user } = actors
  let result = await engine.create({
    actor: user,
    templateId: DEMO_TEMPLATE_ID,
    idempotencyKey: key,
    metadata: { demo: true }
  })
  const at = () => ({ instanceId: result.state.instanceId, expectedVersion: result.state.version })
  if (target === "DRAFT") return result
  result = await engine.start({ actor: user, ...at() })
  result = await engine.executeStep({ actor: user, ...at(), stepId: "company-info", input: inputs["company-info"] })
  if (target === "IN_PROGRESS") return result
  if (target === "PAUSED")
    return engine.pause({ actor: actors.operator, ...at(), reason: "waiting for the signed contract" })
  result = await engine.executeStep({ actor: user, ...at(), stepId: "portfolio", input: inputs.portfolio })
  result = await engine.executeStep({ actor: actors.approver, ...at(), stepId: "approval", input: inputs.approval })
  result = await engine.executeStep({ actor: user, ...at(), stepId: "contract", input: inputs.contract })
  result = await engine.submit({ actor: user, ...at(), comment: "ready for review" })
  if (target === "SUBMITTED") return result
  return engine.approve({ actor: actors.operator, ...at(), comment: "contract in force" })
}

/**
 * Loads the demo data unless it is there already.
 *
 * @example
 * ```ts
 * import { seedDemo } from "./seed.ts"
 *
 * const report = await seedDemo({ storage, engine, hashPassword })
 * ```
 *
 * @since 0.1.0
 * @category demo
 */
export const seedDemo = async (deps: SeedDeps): Promise<SeedReport> => {
  const { storage, engine } = deps
  const services = storage.services
  const operator = operatorAccess("demo-seed", storage.operatorId)
  const registerUrl = deps.registerUrl ?? "https://register.tso.example/api"

  const published = [
    `${(await engine.publishTemplate(demoTemplate)).id}@1`,
    `${(await engine.publishTemplate(demoWelcomeTemplate)).id}@1`
  ]
  for (const pack of PACKS) {
    for (const template of await engine.publishPack({ pack, config: { register: { url: registerUrl } } })) {
      published.push(`${template.id}@${template.version}`)
    }
  }

  const existing = await runPromise(services.tenants.list(operator))
  const first = DEMO_PARTICIPANTS[0] as DemoParticipant
  if (existing.some((tenant) => tenant.vatNumber === first.vatNumber)) {
    const tenants = Object.fromEntries(
      DEMO_PARTICIPANTS.flatMap((p) => {
        const found = existing.find((t) => t.vatNumber === p.vatNumber)
        return found === undefined ? [] : [[p.key, found.id]]
      })
    )
    return { seeded: false, tenants, templates: published, workflows: [] }
  }

  const tenants: Record<string, string> = { operator: storage.operatorId }
  for (const participant of DEMO_PARTICIPANTS) {
    const tenant = await runPromise(
      services.tenants.create(operator, {
        companyName: participant.companyName,
        vatNumber: participant.vatNumber,
        eic: participant.eic,
        status: "ACTIVE"
      })
    )
    tenants[participant.key] = tenant.id
    for (const role of participant.marketRoles) {
      await runPromise(
        services.marketRoles.assign(operator, {
          tenantId: tenant.id,
          role,
          status: role === "BRP" ? "ACTIVE" : "REQUESTED",
          contractReference: role === "BRP" ? `${role}-2026-${participant.key.toUpperCase()}` : null
        })
      )
    }
  }

  const passwordHash = await deps.hashPassword(DEMO_PASSWORD)
  const actors: Record<string, Actor> = {}
  for (const user of DEMO_USERS) {
    const created = await runPromise(
      services.users.create(operator, {
        tenantId: tenants[user.tenant] as string,
        email: user.email,
        role: user.role,
        passwordHash,
        displayName: user.displayName
      })
    )
    actors[user.email] = actorOf(created)
  }

  const engie = DEMO_PARTICIPANTS[0] as DemoParticipant
  const luminus = DEMO_PARTICIPANTS[1] as DemoParticipant
  const opsActor = actors["ops@elia.example"] as Actor
  const engieActors = {
    user: actors["user@electrabel.example"] as Actor,
    approver: actors["approver@electrabel.example"] as Actor,
    operator: opsActor
  }
  // the operator decides Luminus's approval step (no approver account there)
  const luminusActors = { user: actors["user@luminus.example"] as Actor, approver: opsActor, operator: opsActor }
  const plan = [
    { who: engieActors, participant: engie, target: "DRAFT", tenant: "engie" },
    { who: engieActors, participant: engie, target: "IN_PROGRESS", tenant: "engie" },
    { who: engieActors, participant: engie, target: "SUBMITTED", tenant: "engie" },
    { who: luminusActors, participant: luminus, target: "COMPLETED", tenant: "luminus" },
    { who: luminusActors, participant: luminus, target: "PAUSED", tenant: "luminus" },
    { who: luminusActors, participant: luminus, target: "IN_PROGRESS", tenant: "luminus" }
  ] as const
  const workflows: Array<{ id: string; status: string; tenant: string }> = []
  for (const [i, step] of plan.entries()) {
    const result = await drive(engine, step.who, step.participant, step.target, `demo-${step.tenant}-${i}`)
    workflows.push({ id: result.state.instanceId, status: result.state.status, tenant: step.tenant })
  }
  // a BRP onboarding of the BRP pack, started by the operator for Electrabel
  const brp = await engine.create({
    actor: opsActor,
    templateId: BRP_ONBOARDING,
    tenantId: tenants.engie as string,
    idempotencyKey: "demo-brp-onboarding"
  })
  const started = await engine.start({
    actor: engieActors.user,
    instanceId: brp.state.instanceId,
    expectedVersion: brp.state.version
  })
  workflows.push({ id: started.state.instanceId, status: started.state.status, tenant: "engie" })
  // a welcome at its notices: the worker sends them (written to the log without SMTP and webhooks)
  const welcome = await engine.create({
    actor: engieActors.user,
    templateId: DEMO_WELCOME_ID,
    idempotencyKey: "demo-welcome"
  })
  const welcomed = await engine.start({
    actor: engieActors.user,
    instanceId: welcome.state.instanceId,
    expectedVersion: welcome.state.version
  })
  const contacted = await engine.executeStep({
    actor: engieActors.user,
    instanceId: welcomed.state.instanceId,
    expectedVersion: welcomed.state.version,
    stepId: "contact",
    input: { name: "Sofie Maes", email: "user@electrabel.example" }
  })
  workflows.push({ id: contacted.state.instanceId, status: contacted.state.status, tenant: "engie" })
  return { seeded: true, tenants, templates: published, workflows }
}
