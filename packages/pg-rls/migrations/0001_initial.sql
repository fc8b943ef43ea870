-- @workflow-manager/pg-rls — migration 0001: roles, tables, row-level security, scoped functions.
--
-- Runs as the OWNER of the schema objects (the role that runs `migrate`). The application works as
-- `workflow_app`: no login, no superuser, no BYPASSRLS, owns nothing. Every table has ROW LEVEL
-- SECURITY enabled AND forced (so it applies to the owner too); tenant tables are filtered by the
-- per-transaction setting `app.current_tenant`, and an unset tenant sees no row (fail closed).
-- The operator (`market_ops`) reads every tenant through explicit policies keyed on
-- `app.current_role`; what it may write is spelled out policy by policy below.
--
-- Never edit this file once released: add a new numbered migration instead (`migrate` refuses to
-- run when an applied migration's checksum changed).

-- ─── The application role ────────────────────────────────────────────────────────────────────────
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'workflow_app') then
    create role workflow_app nologin nosuperuser nobypassrls nocreatedb nocreaterole noinherit;
  end if;
exception
  -- another database of the same cluster created it at the same moment (roles are cluster-wide)
  when duplicate_object or unique_violation then null;
end
$$;

do $$
begin
  if exists (select 1 from pg_roles where rolname = 'workflow_app' and (rolsuper or rolbypassrls)) then
    raise exception 'role workflow_app must have neither SUPERUSER nor BYPASSRLS'
      using errcode = '42501';
  end if;
end
$$;

-- ─── Scope settings ──────────────────────────────────────────────────────────────────────────────
-- The tenant in scope, or NULL when unset or empty: `tenant_id = NULL` is never true, so an unset
-- tenant sees nothing.
create function wm_current_tenant() returns uuid
  language sql stable parallel safe
  as $$ select nullif(current_setting('app.current_tenant', true), '')::uuid $$;

-- The application-level role in scope: '' (a tenant), 'market_ops' (the operator), or 'login'
-- (the credential lookup of the sign-in path).
create function wm_current_app_role() returns text
  language sql stable parallel safe
  as $$ select coalesce(current_setting('app.current_role', true), '') $$;

create function wm_is_market_ops() returns boolean
  language sql stable parallel safe
  as $$ select wm_current_app_role() = 'market_ops' $$;

-- Enters a scope for the rest of the current transaction (SET LOCAL semantics: is_local = true):
-- switches to workflow_app and sets the tenant and the application role. Every database access of
-- the adapter starts with it, either as the first statement of a transaction (`withTenant`) or as
-- the first statement of a scoped function below, which then runs as one single-statement
-- transaction. SECURITY INVOKER (the default): it grants nothing the caller could not do itself.
create function wm_enter_scope(p_tenant text, p_app_role text) returns void
  language plpgsql
  as $$
begin
  if p_tenant is not null and p_tenant <> '' then
    perform p_tenant::uuid; -- 22P02 for a malformed tenant id
  end if;
  perform set_config('role', 'workflow_app', true);
  perform set_config('app.current_tenant', coalesce(p_tenant, ''), true);
  perform set_config('app.current_role', coalesce(p_app_role, ''), true);
end
$$;

-- Shared guards.
create function wm_forbid_tenant_change() returns trigger
  language plpgsql
  as $$
begin
  if new.tenant_id is distinct from old.tenant_id then
    raise exception 'the tenant of a row cannot change (% → %)', old.tenant_id, new.tenant_id
      using errcode = 'WM403';
  end if;
  return new;
end
$$;

create function wm_forbid_change() returns trigger
  language plpgsql
  as $$
begin
  raise exception '% is append-only / immutable', tg_table_name using errcode = 'WM423';
end
$$;

-- ─── Tenants, users, market roles ────────────────────────────────────────────────────────────────
create table tenants (
  id uuid primary key default gen_random_uuid(),
  company_name text not null check (length(company_name) between 1 and 300),
  -- VAT or enterprise number, normalised: country prefix + digits/letters, e.g. BE0123456789
  vat_number text not null check (vat_number ~ '^[A-Z]{2}[0-9A-Z]{2,13}$'),
  -- Energy Identification Code (16 characters)
  eic text check (eic ~ '^[0-9A-Z-]{16}$'),
  status text not null default 'PENDING' check (status in ('PENDING', 'ACTIVE', 'SUSPENDED', 'CLOSED')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- only the operator creates tenants and sees all of them: these keys cannot be probed by a tenant
  constraint tenants_vat_number_key unique (vat_number),
  constraint tenants_eic_key unique (eic)
);

create table users (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  email text not null check (length(email) between 3 and 320 and email = lower(email) and email like '_%@_%'),
  -- an argon2id / bcrypt hash computed by the server; NULL = no password sign-in (invited, SSO)
  password_hash text check (length(password_hash) between 1 and 1024),
  role text not null check (role ~ '^[a-z][a-z0-9_]{0,62}$'),
  display_name text check (length(display_name) <= 300),
  status text not null default 'ACTIVE' check (status in ('INVITED', 'ACTIVE', 'DISABLED')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- unique per tenant, not globally: a global key would let one tenant learn, by a failed insert,
  -- that an e-mail address is registered with another tenant
  constraint users_tenant_email_key unique (tenant_id, email)
);
create index users_email_idx on users (email);

create table tenant_market_roles (
  tenant_id uuid not null references tenants (id),
  role text not null check (role ~ '^[A-Z][A-Z0-9_]{1,15}$'),
  status text not null default 'REQUESTED' check (status in ('REQUESTED', 'ACTIVE', 'SUSPENDED', 'TERMINATED')),
  contract_reference text check (length(contract_reference) between 1 and 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint tenant_market_roles_pkey primary key (tenant_id, role)
);

-- ─── Templates (global: shared by every tenant) ──────────────────────────────────────────────────
create table workflow_templates (
  id text collate "C" not null check (id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$'),
  version integer not null check (version >= 1),
  name text not null check (length(name) >= 1),
  market_role text check (length(market_role) >= 1),
  -- the whole template document (core's `Template` schema), exactly as published
  definition jsonb not null,
  published boolean not null default true,
  published_at timestamptz not null default now(),
  constraint workflow_templates_pkey primary key (id, version)
);
create index workflow_templates_market_role_idx on workflow_templates (market_role);

-- ─── Instances: events (the truth), state and index (projections) ────────────────────────────────
-- Instance ids are core `Identifier`s (1–200 of [A-Za-z0-9._:-]; the engine makes UUID v4 by
-- default), so they are text, checked by pattern, with byte order ("C") so that keyset pages
-- order them exactly as JavaScript compares them.
create table workflow_events (
  instance_id text collate "C" not null check (instance_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$'),
  sequence integer not null check (sequence >= 1),
  tenant_id uuid not null references tenants (id),
  type text not null,
  step_id text collate "C",
  command_id text collate "C",
  occurred_at timestamptz not null,
  -- the whole event document (core's `WorkflowEvent` schema), exactly as appended
  event jsonb not null,
  recorded_at timestamptz not null default now(),
  -- no lost or duplicated events: of two appends at one expected version exactly one inserts
  constraint workflow_events_pkey primary key (instance_id, sequence)
);
create index workflow_events_command_idx on workflow_events (instance_id, command_id) where command_id is not null;
create index workflow_events_tenant_idx on workflow_events (tenant_id);

create table workflow_instances (
  instance_id text collate "C" primary key check (instance_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$'),
  tenant_id uuid not null references tenants (id),
  version integer not null check (version >= 0),
  -- the state document (core's `WorkflowState` schema) at `version`
  state jsonb not null,
  stored_at timestamptz not null default now()
);
create index workflow_instances_tenant_idx on workflow_instances (tenant_id);

create table workflow_instances_index (
  instance_id text collate "C" primary key check (instance_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$'),
  tenant_id uuid not null references tenants (id),
  template_id text collate "C" not null,
  template_version integer not null,
  market_role text not null,
  status text not null,
  current_step_id text collate "C",
  version integer not null check (version >= 0),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  -- the index entry document (core's `IndexEntry` schema); the columns above are derived from it
  entry jsonb not null,
  stored_at timestamptz not null default now()
);
create index workflow_instances_index_tenant_page_idx on workflow_instances_index (tenant_id, created_at, instance_id);
create index workflow_instances_index_tenant_status_idx on workflow_instances_index (tenant_id, status, created_at, instance_id);
create index workflow_instances_index_page_idx on workflow_instances_index (created_at, instance_id);

-- ─── Jobs / outbox of the worker ─────────────────────────────────────────────────────────────────
create table workflow_jobs (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants (id),
  instance_id text collate "C",
  kind text not null check (length(kind) between 1 and 200),
  -- derived from (instanceId, stepId, attempt): an external effect is enqueued at most once
  idempotency_key text not null check (length(idempotency_key) between 1 and 500),
  payload jsonb not null default '{}'::jsonb,
  status text not null default 'PENDING' check (status in ('PENDING', 'RUNNING', 'DONE', 'FAILED', 'DEAD')),
  attempts integer not null default 0 check (attempts >= 0),
  run_at timestamptz not null default now(),
  locked_by text,
  locked_until timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint workflow_jobs_tenant_key unique (tenant_id, idempotency_key)
);
create index workflow_jobs_due_idx on workflow_jobs (run_at) where status in ('PENDING', 'FAILED');

-- ─── Guards ──────────────────────────────────────────────────────────────────────────────────────
create trigger users_tenant_immutable before update on users
  for each row execute function wm_forbid_tenant_change();
create trigger tenant_market_roles_tenant_immutable before update on tenant_market_roles
  for each row execute function wm_forbid_tenant_change();
create trigger workflow_instances_tenant_immutable before update on workflow_instances
  for each row execute function wm_forbid_tenant_change();
create trigger workflow_instances_index_tenant_immutable before update on workflow_instances_index
  for each row execute function wm_forbid_tenant_change();
create trigger workflow_jobs_tenant_immutable before update on workflow_jobs
  for each row execute function wm_forbid_tenant_change();
-- events are append-only and published templates immutable, for every role including the owner
create trigger workflow_events_append_only before update or delete on workflow_events
  for each row execute function wm_forbid_change();
create trigger workflow_templates_immutable before update on workflow_templates
  for each row execute function wm_forbid_change();

-- ─── Privileges: the application role gets exactly these, and owns nothing ───────────────────────
revoke all on tenants, users, tenant_market_roles, workflow_templates, workflow_events, workflow_instances,
  workflow_instances_index, workflow_jobs from public;
grant select, insert, update on tenants to workflow_app;
grant select, insert, update on users to workflow_app;
grant select, insert, update on tenant_market_roles to workflow_app;
grant select, insert on workflow_templates to workflow_app;
grant select, insert on workflow_events to workflow_app;
grant select, insert, update on workflow_instances to workflow_app;
grant select, insert, update on workflow_instances_index to workflow_app;
grant select, insert, update on workflow_jobs to workflow_app;

-- ─── Row-level security: enabled AND forced on every table ───────────────────────────────────────
alter table tenants enable row level security;
alter table tenants force row level security;
alter table users enable row level security;
alter table users force row level security;
alter table tenant_market_roles enable row level security;
alter table tenant_market_roles force row level security;
alter table workflow_templates enable row level security;
alter table workflow_templates force row level security;
alter table workflow_events enable row level security;
alter table workflow_events force row level security;
alter table workflow_instances enable row level security;
alter table workflow_instances force row level security;
alter table workflow_instances_index enable row level security;
alter table workflow_instances_index force row level security;
alter table workflow_jobs enable row level security;
alter table workflow_jobs force row level security;

-- `(select f())` makes each setting an init-plan evaluated once per statement, not once per row.

-- tenants: a tenant reads its own row; the operator reads, creates and updates every tenant.
create policy tenant_select on tenants for select to workflow_app
  using (id = (select wm_current_tenant()));
create policy market_ops_select on tenants for select to workflow_app
  using ((select wm_is_market_ops()));
create policy market_ops_insert on tenants for insert to workflow_app
  with check ((select wm_is_market_ops()));
create policy market_ops_update on tenants for update to workflow_app
  using ((select wm_is_market_ops())) with check ((select wm_is_market_ops()));

-- users: a tenant reads, creates and updates its own users; the operator every tenant's; the
-- sign-in lookup ('login') reads every user (to find the accounts of an e-mail address).
create policy tenant_select on users for select to workflow_app
  using (tenant_id = (select wm_current_tenant()));
create policy tenant_insert on users for insert to workflow_app
  with check (tenant_id = (select wm_current_tenant()));
create policy tenant_update on users for update to workflow_app
  using (tenant_id = (select wm_current_tenant())) with check (tenant_id = (select wm_current_tenant()));
create policy market_ops_select on users for select to workflow_app
  using ((select wm_is_market_ops()));
create policy market_ops_insert on users for insert to workflow_app
  with check ((select wm_is_market_ops()));
create policy market_ops_update on users for update to workflow_app
  using ((select wm_is_market_ops())) with check ((select wm_is_market_ops()));
create policy login_select on users for select to workflow_app
  using ((select wm_current_app_role()) = 'login');

-- tenant_market_roles: a tenant reads its own; granting and changing roles is an operator action.
create policy tenant_select on tenant_market_roles for select to workflow_app
  using (tenant_id = (select wm_current_tenant()));
create policy market_ops_select on tenant_market_roles for select to workflow_app
  using ((select wm_is_market_ops()));
create policy market_ops_insert on tenant_market_roles for insert to workflow_app
  with check ((select wm_is_market_ops()));
create policy market_ops_update on tenant_market_roles for update to workflow_app
  using ((select wm_is_market_ops())) with check ((select wm_is_market_ops()));

-- workflow_templates: everyone in the application reads; publishing is an operator action.
create policy everyone_select on workflow_templates for select to workflow_app
  using (true);
create policy market_ops_insert on workflow_templates for insert to workflow_app
  with check ((select wm_is_market_ops()));

-- workflow_events: a tenant reads and appends its own; the operator reads and appends for every
-- tenant (operator commands: pause, approve, reject, rollback, ...). Nobody updates or deletes.
create policy tenant_select on workflow_events for select to workflow_app
  using (tenant_id = (select wm_current_tenant()));
create policy tenant_insert on workflow_events for insert to workflow_app
  with check (tenant_id = (select wm_current_tenant()));
create policy market_ops_select on workflow_events for select to workflow_app
  using ((select wm_is_market_ops()));
create policy market_ops_insert on workflow_events for insert to workflow_app
  with check ((select wm_is_market_ops()));

-- workflow_instances and workflow_instances_index: projections written with the events.
create policy tenant_select on workflow_instances for select to workflow_app
  using (tenant_id = (select wm_current_tenant()));
create policy tenant_insert on workflow_instances for insert to workflow_app
  with check (tenant_id = (select wm_current_tenant()));
create policy tenant_update on workflow_instances for update to workflow_app
  using (tenant_id = (select wm_current_tenant())) with check (tenant_id = (select wm_current_tenant()));
create policy market_ops_select on workflow_instances for select to workflow_app
  using ((select wm_is_market_ops()));
create policy market_ops_insert on workflow_instances for insert to workflow_app
  with check ((select wm_is_market_ops()));
create policy market_ops_update on workflow_instances for update to workflow_app
  using ((select wm_is_market_ops())) with check ((select wm_is_market_ops()));

create policy tenant_select on workflow_instances_index for select to workflow_app
  using (tenant_id = (select wm_current_tenant()));
create policy tenant_insert on workflow_instances_index for insert to workflow_app
  with check (tenant_id = (select wm_current_tenant()));
create policy tenant_update on workflow_instances_index for update to workflow_app
  using (tenant_id = (select wm_current_tenant())) with check (tenant_id = (select wm_current_tenant()));
create policy market_ops_select on workflow_instances_index for select to workflow_app
  using ((select wm_is_market_ops()));
create policy market_ops_insert on workflow_instances_index for insert to workflow_app
  with check ((select wm_is_market_ops()));
create policy market_ops_update on workflow_instances_index for update to workflow_app
  using ((select wm_is_market_ops())) with check ((select wm_is_market_ops()));

-- workflow_jobs: a tenant reads and enqueues its own; the operator and the worker ('worker')
-- read and update every tenant's (claiming, completing, retrying jobs).
create policy tenant_select on workflow_jobs for select to workflow_app
  using (tenant_id = (select wm_current_tenant()));
create policy tenant_insert on workflow_jobs for insert to workflow_app
  with check (tenant_id = (select wm_current_tenant()));
create policy ops_or_worker_select on workflow_jobs for select to workflow_app
  using ((select wm_current_app_role()) in ('market_ops', 'worker'));
create policy market_ops_insert on workflow_jobs for insert to workflow_app
  with check ((select wm_is_market_ops()));
create policy ops_or_worker_update on workflow_jobs for update to workflow_app
  using ((select wm_current_app_role()) in ('market_ops', 'worker'))
  with check ((select wm_current_app_role()) in ('market_ops', 'worker'));

-- ─── Scoped functions: one statement = one round trip ────────────────────────────────────────────
-- Each enters the scope first (as the caller could with `wm_enter_scope`), then works as
-- workflow_app under RLS. SECURITY INVOKER: they grant nothing; RLS decides what they may touch.
-- Called outside an explicit transaction, a call is its own transaction and its scope ends with it.

-- The write path: appends `p_events` (one instance, sequences p_expected + 1, + 2, ...) when the
-- instance's last sequence is `p_expected`, then upserts the state and the index entry, each
-- version-guarded (written only over a lower version). Any of the three may be empty/NULL.
-- Errors: WM409 version conflict (detail = actual version), 23505 lost race (same meaning),
-- WM403 instance of another tenant, 22023 malformed batch, 42501 RLS refusal.
create function wm_commit(
  p_tenant text,
  p_app_role text,
  p_expected integer,
  p_events jsonb,
  p_state jsonb,
  p_entry jsonb
) returns table (state_written boolean, index_written boolean)
  language plpgsql
  as $$
declare
  v_instance text;
  v_tenant uuid;
  v_last_sequence integer;
  v_last_tenant uuid;
begin
  perform wm_enter_scope(p_tenant, p_app_role);
  state_written := false;
  index_written := false;

  if p_events is not null and jsonb_array_length(p_events) > 0 then
    v_instance := p_events -> 0 ->> 'instanceId';
    v_tenant := (p_events -> 0 ->> 'tenantId')::uuid;
    if exists (
      select 1 from jsonb_array_elements(p_events) with ordinality as x (e, n)
      where e ->> 'instanceId' is distinct from v_instance
        or (e ->> 'tenantId')::uuid is distinct from v_tenant
        or (e ->> 'sequence')::integer is distinct from p_expected + n::integer
    ) then
      raise exception 'a batch must hold events of one instance and one tenant, with sequences from % on',
        p_expected + 1 using errcode = '22023';
    end if;

    select e.sequence, e.tenant_id into v_last_sequence, v_last_tenant
      from workflow_events e where e.instance_id = v_instance
      order by e.sequence desc limit 1;
    if coalesce(v_last_sequence, 0) <> p_expected then
      raise exception 'expected version %, found %', p_expected, coalesce(v_last_sequence, 0)
        using errcode = 'WM409', detail = coalesce(v_last_sequence, 0)::text;
    end if;
    if v_last_tenant is not null and v_last_tenant <> v_tenant then
      raise exception 'instance % belongs to another tenant', v_instance using errcode = 'WM403';
    end if;

    insert into workflow_events (instance_id, sequence, tenant_id, type, step_id, command_id, occurred_at, event)
    select e ->> 'instanceId', (e ->> 'sequence')::integer, (e ->> 'tenantId')::uuid, e ->> 'type',
           e ->> 'stepId', e ->> 'commandId', (e ->> 'occurredAt')::timestamptz, e
      from jsonb_array_elements(p_events) as x (e);
  end if;

  if p_state is not null then
    insert into workflow_instances as t (instance_id, tenant_id, version, state)
    values (p_state ->> 'instanceId', (p_state ->> 'tenantId')::uuid, (p_state ->> 'version')::integer, p_state)
    on conflict (instance_id) do update
      set tenant_id = excluded.tenant_id, version = excluded.version, state = excluded.state, stored_at = now()
      where t.version < excluded.version;
    state_written := found;
  end if;

  if p_entry is not null then
    insert into workflow_instances_index as t (
      instance_id, tenant_id, template_id, template_version, market_role, status, current_step_id,
      version, created_at, updated_at, entry)
    values (
      p_entry ->> 'instanceId', (p_entry ->> 'tenantId')::uuid, p_entry ->> 'templateId',
      (p_entry ->> 'templateVersion')::integer, p_entry ->> 'marketRole', p_entry ->> 'status',
      p_entry ->> 'currentStepId', (p_entry ->> 'version')::integer,
      (p_entry ->> 'createdAt')::timestamptz, (p_entry ->> 'updatedAt')::timestamptz, p_entry)
    on conflict (instance_id) do update
      set tenant_id = excluded.tenant_id, template_id = excluded.template_id,
          template_version = excluded.template_version, market_role = excluded.market_role,
          status = excluded.status, current_step_id = excluded.current_step_id, version = excluded.version,
          created_at = excluded.created_at, updated_at = excluded.updated_at, entry = excluded.entry,
          stored_at = now()
      where t.version < excluded.version;
    index_written := found;
  end if;

  return next;
end
$$;

-- The hot reads, one round trip each.
create function wm_read_events(
  p_tenant text,
  p_app_role text,
  p_instance text,
  p_from integer,
  p_to integer,
  p_until timestamptz,
  p_command text
) returns setof jsonb
  language plpgsql
  as $$
begin
  perform wm_enter_scope(p_tenant, p_app_role);
  return query
    select e.event from workflow_events e
     where e.instance_id = p_instance
       and (p_from is null or e.sequence >= p_from)
       and (p_to is null or e.sequence <= p_to)
       and (p_until is null or e.occurred_at <= p_until)
       and (p_command is null or e.command_id = p_command)
     order by e.sequence;
end
$$;

create function wm_get_states(p_tenant text, p_app_role text, p_instances text[]) returns setof jsonb
  language plpgsql
  as $$
begin
  perform wm_enter_scope(p_tenant, p_app_role);
  return query select s.state from workflow_instances s where s.instance_id = any (p_instances);
end
$$;

create function wm_get_entries(p_tenant text, p_app_role text, p_instances text[]) returns setof jsonb
  language plpgsql
  as $$
begin
  perform wm_enter_scope(p_tenant, p_app_role);
  return query select i.entry from workflow_instances_index i where i.instance_id = any (p_instances);
end
$$;

revoke all on function wm_enter_scope(text, text), wm_commit(text, text, integer, jsonb, jsonb, jsonb),
  wm_read_events(text, text, text, integer, integer, timestamptz, text), wm_get_states(text, text, text[]),
  wm_get_entries(text, text, text[]) from public;
grant execute on function wm_enter_scope(text, text), wm_commit(text, text, integer, jsonb, jsonb, jsonb),
  wm_read_events(text, text, text, integer, integer, timestamptz, text), wm_get_states(text, text, text[]),
  wm_get_entries(text, text, text[]) to workflow_app;
