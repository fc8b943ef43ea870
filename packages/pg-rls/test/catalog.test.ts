/**
 * The catalog of a migrated database, checked as a whole (issue 10): every table with tenant data
 * has row-level security enabled and forced and is tied to the instance's owner, every function
 * of the schema pins a `search_path` that ends with `pg_temp`, and `workflow_app` has no way out —
 * no LOGIN/CREATEROLE/CREATEDB/REPLICATION/SUPERUSER/BYPASSRLS, no membership, no object of its
 * own, no CREATE on the schema, no TRUNCATE/TRIGGER/REFERENCES, no read of the password hashes.
 * Each query is shown to find a deliberately planted fault, inside a transaction rolled back;
 * faults on the role itself are planted on PGlite only (a server's roles are shared by every test
 * database of the cluster).
 */
import { describe, expect, it } from "vitest"
import type { PgQueryable } from "../src/index.js"
import { rolledBack } from "./support/attacks.js"
import { describeBackends } from "./support/backends.js"

type Rows = Promise<ReadonlyArray<Record<string, unknown>>>

/** Tables of the schema holding tenant data (a `tenant_id` column, or `tenants` itself). */
const TENANT_TABLES = `
  select c.oid, c.relname, c.relrowsecurity, c.relforcerowsecurity from pg_class c
   where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p')
     and (c.relname = 'tenants'
          or exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped))`

/** Functions of the schema (not an extension's), with their `search_path` setting if any. */
const FUNCTIONS = `
  select p.oid::regprocedure::text as name, p.prosecdef, p.proacl,
         (select s from unnest(coalesce(p.proconfig, '{}')) as s where s like 'search_path=%') as path
    from pg_proc p
   where p.pronamespace = current_schema()::regnamespace
     and not exists (select 1 from pg_depend d
                      where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')`

const catalog = {
  tenantTables: (q: PgQueryable) => q.query<{ relname: string }>(`select relname from (${TENANT_TABLES}) t order by 1`),
  unprotectedTables: (q: PgQueryable): Rows =>
    q.query(`select relname from (${TENANT_TABLES}) t where not (relrowsecurity and relforcerowsecurity) order by 1`),
  /** Tables with both `instance_id` and `tenant_id` whose pair does not reference the ownership table. */
  unownedTables: (q: PgQueryable): Rows =>
    q.query(`select relname from (${TENANT_TABLES}) t
      where relname <> 'wm_instance_owners'
        and exists (select 1 from pg_attribute a where a.attrelid = t.oid and a.attname = 'instance_id' and not a.attisdropped)
        and not exists (
          select 1 from pg_constraint k
           where k.conrelid = t.oid and k.contype = 'f' and k.confrelid = to_regclass('wm_instance_owners')
             and (select array_agg(a.attname::text order by a.attname) from pg_attribute a
                   where a.attrelid = t.oid and a.attnum = any (k.conkey)) = array['instance_id', 'tenant_id'])
      order by 1`),
  unpinnedFunctions: (q: PgQueryable): Rows =>
    q.query(`select name from (${FUNCTIONS}) f where path is null order by 1`),
  /** A pinned path without `pg_temp` last still searches temporary tables first. */
  tempFirstFunctions: (q: PgQueryable): Rows =>
    q.query(
      `select name, path from (${FUNCTIONS}) f where path is not null and path !~ '[ ,=]"?pg_temp"?$' order by 1`
    ),
  unpinnedDefiners: (q: PgQueryable): Rows =>
    q.query(`select name from (${FUNCTIONS}) f where prosecdef and path is null order by 1`),
  /** SECURITY DEFINER functions anyone may call (no ACL = EXECUTE for PUBLIC). */
  publicDefiners: (q: PgQueryable): Rows =>
    q.query(`select name from (${FUNCTIONS}) f
      where prosecdef and (proacl is null
        or exists (select 1 from aclexplode(proacl) x where x.grantee = 0 and x.privilege_type = 'EXECUTE'))
      order by 1`),
  /**
   * Every function's settings and grants: whether it is SECURITY DEFINER, its pinned path, and who
   * may EXECUTE it (`PUBLIC`, and whether `workflow_app` is granted it directly).
   */
  functionGrants: (q: PgQueryable): Rows =>
    q.query(`select name, prosecdef as definer, path,
                    proacl is null or exists (select 1 from aclexplode(proacl) x
                                               where x.grantee = 0 and x.privilege_type = 'EXECUTE') as public,
                    proacl is not null and exists (select 1 from aclexplode(proacl) x
                                                    where x.grantee = 'workflow_app'::regrole and x.privilege_type = 'EXECUTE') as app
               from (${FUNCTIONS}) f order by 1`),
  roleAttributes: (q: PgQueryable): Rows =>
    q.query(`select rolcanlogin, rolcreaterole, rolcreatedb, rolreplication, rolsuper, rolbypassrls
               from pg_roles where rolname = 'workflow_app'`),
  memberships: (q: PgQueryable): Rows =>
    q.query(`select r.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid
              where m.member = 'workflow_app'::regrole order by 1`),
  owned: (q: PgQueryable): Rows =>
    q.query(`select 'class' as kind, relname::text as name from pg_class where relowner = 'workflow_app'::regrole
             union all select 'function', proname::text from pg_proc where proowner = 'workflow_app'::regrole
             union all select 'schema', nspname::text from pg_namespace where nspowner = 'workflow_app'::regrole
             union all select 'type', typname::text from pg_type where typowner = 'workflow_app'::regrole
             union all select 'database', datname::text from pg_database where datdba = 'workflow_app'::regrole
             order by 1, 2`),
  privileges: (q: PgQueryable): Rows =>
    q.query(`select has_column_privilege('workflow_app', c.oid, 'password_hash', 'SELECT') as read_hash,
                    has_schema_privilege('workflow_app', current_schema(), 'CREATE') as create_in_schema
               from pg_class c where c.oid = 'users'::regclass`),
  /** TRUNCATE ignores row-level security; TRIGGER would run the app's code in other tenants' sessions. */
  dangerousGrants: (q: PgQueryable): Rows =>
    q.query(`select c.relname, p.privilege from pg_class c
               cross join unnest(array['TRUNCATE', 'TRIGGER', 'REFERENCES']) as p (privilege)
              where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p')
                and has_table_privilege('workflow_app', c.oid, p.privilege)
              order by 1, 2`)
}

/** Who may run a function: `app` = granted to workflow_app, `public` = EXECUTE for PUBLIC, `owner` = neither. */
type Grantee = "app" | "public" | "owner"

/**
 * Every function of the schema, whether it is SECURITY DEFINER and who may run it. Functions the
 * application calls are granted to workflow_app and revoked from PUBLIC; those only row-level
 * security policies and triggers call (which run as the session's role) keep PUBLIC's EXECUTE and
 * read nothing; owner-only ones are granted to no one.
 */
const EXPECTED_FUNCTIONS: ReadonlyArray<readonly [name: string, definer: boolean, grantee: Grantee]> = [
  ["wm_app_role_problems(text)", false, "app"],
  ["wm_check_instance_owner()", false, "public"],
  ["wm_commit(text,text,integer,jsonb,jsonb,jsonb,jsonb)", false, "app"],
  ["wm_create_operator_organisation(uuid,text,text)", false, "owner"],
  ["wm_current_app_role()", false, "public"],
  ["wm_current_tenant()", false, "public"],
  ["wm_due_claim(text,text,text,timestamp with time zone,timestamp with time zone,integer)", false, "app"],
  ["wm_due_release(text,text,text,text[])", false, "app"],
  ["wm_due_stats(text,text,timestamp with time zone)", false, "app"],
  ["wm_enter_scope(text,text)", false, "app"],
  ["wm_forbid_change()", false, "public"],
  ["wm_forbid_tenant_change()", false, "public"],
  ["wm_get_entries(text,text,text[])", false, "app"],
  ["wm_get_states(text,text,text[])", false, "app"],
  ["wm_get_user(text,text,uuid)", false, "app"],
  ["wm_is_market_ops()", false, "public"],
  ["wm_is_password_hash(text)", false, "app"],
  ["wm_load(text,text,text,text)", false, "app"],
  ["wm_login_attempt(text,text,integer,integer,integer)", true, "app"],
  ["wm_login_key(text,text)", false, "owner"],
  ["wm_login_succeeded(text,text)", true, "app"],
  ["wm_outbox_claim(text,text,text,timestamp with time zone,timestamp with time zone,integer,text[])", false, "app"],
  ["wm_outbox_settle(text,text,text,text,integer,text,text,text)", false, "app"],
  ["wm_outbox_stats(text,text,timestamp with time zone)", false, "app"],
  ["wm_read_events(text,text,text,integer,integer,timestamp with time zone,text)", false, "app"],
  ["wm_sign_in(text)", true, "app"]
]

const NO_ATTRIBUTES = {
  rolcanlogin: false,
  rolcreaterole: false,
  rolcreatedb: false,
  rolreplication: false,
  rolsuper: false,
  rolbypassrls: false
}

await describeBackends("catalog of a migrated database", (backend) => {
  it("every table with tenant data has RLS enabled and forced and is tied to the instance's owner", async () => {
    const { admin } = backend()
    const tables = (await catalog.tenantTables(admin)).map((t) => t.relname)
    expect(tables).toEqual(
      expect.arrayContaining([
        "tenants",
        "users",
        "workflow_events",
        "workflow_instances",
        "workflow_instances_index",
        "workflow_due_leases",
        "wm_instance_owners",
        "wm_operator_organisations"
      ])
    )
    expect(await catalog.unprotectedTables(admin)).toEqual([])
    expect(await catalog.unownedTables(admin)).toEqual([])
  })

  it("every function pins search_path with pg_temp last; no SECURITY DEFINER function is unpinned or public", async () => {
    const { admin } = backend()
    expect(await catalog.unpinnedFunctions(admin)).toEqual([])
    expect(await catalog.tempFirstFunctions(admin)).toEqual([])
    expect(await catalog.unpinnedDefiners(admin)).toEqual([])
    expect(await catalog.publicDefiners(admin)).toEqual([])
  })

  it("every function's settings and grants are the expected ones: path pinned to the schema then pg_temp, definer or invoker, EXECUTE", async () => {
    const { admin } = backend()
    const [{ schema } = { schema: "" }] = await admin.query<{ schema: string }>(
      "select format('%I', current_schema()) as schema"
    )
    expect(await catalog.functionGrants(admin)).toEqual(
      EXPECTED_FUNCTIONS.map(([name, definer, grantee]) => ({
        name,
        definer,
        path: `search_path=${schema}, pg_temp`,
        public: grantee === "public",
        app: grantee === "app"
      }))
    )
  })

  it("workflow_app has no attribute, membership, object, schema CREATE or hash read that leads out of RLS", async () => {
    const { admin } = backend()
    expect(await catalog.roleAttributes(admin)).toEqual([NO_ATTRIBUTES])
    expect(await catalog.memberships(admin)).toEqual([])
    expect(await catalog.owned(admin)).toEqual([])
    expect(await catalog.privileges(admin)).toEqual([{ read_hash: false, create_in_schema: false }])
    expect(await catalog.dangerousGrants(admin)).toEqual([])
  })

  it("each query finds a planted fault (rolled back)", async () => {
    const { admin } = backend()
    const found = await rolledBack(admin, async (tx) => {
      await tx.exec(`
        create table wm_probe_rows (tenant_id uuid, instance_id text);
        create table wm_probe_half (tenant_id uuid);
        alter table wm_probe_half enable row level security;
        create function wm_probe_unpinned() returns int language sql as 'select 1';
        create function wm_probe_temp_first() returns int language sql set search_path = public as 'select 1';
        create function wm_probe_definer() returns int language sql security definer as 'select 1';
        create table wm_probe_owned (id int);
        alter table wm_probe_owned owner to workflow_app;
        grant select (password_hash) on users to workflow_app;
        grant truncate on workflow_events to workflow_app;
      `)
      await tx.query(
        `grant create on schema ${(await tx.query<{ s: string }>("select current_schema() as s"))[0]?.s} to workflow_app`
      )
      return {
        unprotected: await catalog.unprotectedTables(tx),
        unowned: await catalog.unownedTables(tx),
        unpinned: await catalog.unpinnedFunctions(tx),
        tempFirst: await catalog.tempFirstFunctions(tx),
        definers: await catalog.unpinnedDefiners(tx),
        functionGrants: await catalog.functionGrants(tx),
        publicDefiners: await catalog.publicDefiners(tx),
        owned: await catalog.owned(tx),
        privileges: await catalog.privileges(tx),
        grants: await catalog.dangerousGrants(tx)
      }
    })
    // (arrayContaining: the planted fault is found whatever else the query finds)
    expect(found.unprotected).toEqual(
      expect.arrayContaining([{ relname: "wm_probe_half" }, { relname: "wm_probe_rows" }])
    )
    expect(found.unowned).toEqual(expect.arrayContaining([{ relname: "wm_probe_rows" }]))
    expect(found.unpinned).toEqual(
      expect.arrayContaining([{ name: "wm_probe_unpinned()" }, { name: "wm_probe_definer()" }])
    )
    expect(found.tempFirst).toEqual(
      expect.arrayContaining([{ name: "wm_probe_temp_first()", path: "search_path=public" }])
    )
    expect(found.definers).toEqual(expect.arrayContaining([{ name: "wm_probe_definer()" }]))
    expect(found.publicDefiners).toEqual(expect.arrayContaining([{ name: "wm_probe_definer()" }]))
    expect(found.functionGrants).toEqual(
      expect.arrayContaining([{ name: "wm_probe_definer()", definer: true, path: null, public: true, app: false }])
    )
    // a grant to PUBLIC or a lost grant of a scoped function, and a definer in place of an invoker, are found
    const regranted = await rolledBack(admin, async (tx) => {
      await tx.exec(`
        grant execute on function wm_get_user(text, text, uuid) to public;
        revoke execute on function wm_get_states(text, text, text[]) from workflow_app;
        alter function wm_load(text, text, text, text) security definer;
      `)
      return catalog.functionGrants(tx)
    })
    const row = (name: string) => regranted.find((r) => r.name === name)
    expect(row("wm_get_user(text,text,uuid)")).toMatchObject({ public: true, app: true })
    expect(row("wm_get_states(text,text,text[])")).toMatchObject({ public: false, app: false })
    expect(row("wm_load(text,text,text,text)")).toMatchObject({ definer: true })
    expect(found.owned).toEqual([
      { kind: "class", name: "wm_probe_owned" },
      { kind: "type", name: "_wm_probe_owned" },
      { kind: "type", name: "wm_probe_owned" }
    ])
    expect(found.privileges).toEqual([{ read_hash: true, create_in_schema: true }])
    expect(found.grants).toEqual(expect.arrayContaining([{ relname: "workflow_events", privilege: "TRUNCATE" }]))
    // a dropped ownership key is found too
    const unowned = await rolledBack(admin, async (tx) => {
      const keys = await tx.query<{ name: string }>(
        `select conname as name from pg_constraint
          where conrelid = 'workflow_events'::regclass and contype = 'f' and confrelid = 'wm_instance_owners'::regclass`
      )
      expect(keys.length).toBeGreaterThan(0)
      for (const { name } of keys) await tx.query(`alter table workflow_events drop constraint "${name}"`)
      return catalog.unownedTables(tx)
    })
    expect(unowned).toEqual(expect.arrayContaining([{ relname: "workflow_events" }]))
  })

  describe("planted on the role itself", () => {
    it("finds attributes and memberships of workflow_app (PGlite only)", async (context) => {
      const { admin, name } = backend()
      if (name !== "pglite") return context.skip("roles are shared by every database of the server")
      const found = await rolledBack(admin, async (tx) => {
        await tx.exec("alter role workflow_app login createrole createdb; grant pg_read_all_data to workflow_app")
        return { attributes: await catalog.roleAttributes(tx), memberships: await catalog.memberships(tx) }
      })
      expect(found.attributes).toEqual([
        { ...NO_ATTRIBUTES, rolcanlogin: true, rolcreaterole: true, rolcreatedb: true }
      ])
      expect(found.memberships).toEqual([{ rolname: "pg_read_all_data" }])
    })
  })
})
