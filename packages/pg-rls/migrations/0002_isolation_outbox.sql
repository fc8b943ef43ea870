-- @workflow-manager/pg-rls — migration 0002: isolation holes closed, the outbox, the one-call load.
--
-- 1. Operators come from an organisation no tenant can write (`wm_operator_organisations`, written
--    by the owner only): the operator scope names it and is refused for any other tenant, and only
--    users of such an organisation may have the role `market_ops`.
-- 2. Every event, state, index and outbox row of an instance is tied, by composite foreign keys,
--    to the one tenant that owns the instance (`wm_instance_owners`), for every role.
-- 3. Every function pins `search_path` (the schema, then pg_temp), and the scope entry pins it for
--    the rest of the transaction: a TEMP table can no longer shadow a table of the schema.
-- 4. An over-privileged pre-existing `workflow_app` is refused (LOGIN, CREATEROLE, CREATEDB,
--    REPLICATION, SUPERUSER, BYPASSRLS, membership in a role, owned objects).
-- 5. Password hashes must be argon2id or bcrypt at OWASP parameters, and the application role can
--    no longer read them: sign-in goes through `wm_sign_in`.
-- 6. The outbox (`workflow_outbox`), written by `wm_commit` in the same statement as the events,
--    claimed under a lease with FOR UPDATE SKIP LOCKED; `wm_load` reads an instance in one round
--    trip; the index has a `next_due_at` column for due-instance listings. `workflow_jobs`, never
--    used, is dropped.
--
-- Runs as the owner, in the migration transaction. Never edit once released.

-- Every function created below pins this path (`set search_path from current`).
select pg_catalog.set_config('search_path', pg_catalog.format('%I, pg_temp', pg_catalog.current_schema()), true);

-- ─── The application role: nothing that leads out of row-level security ─────────────────────────
-- The problems of a role, for the migration and for the adapter's storage check.
create function wm_app_role_problems(p_role text default 'workflow_app') returns text[]
  language plpgsql stable
  set search_path from current
  as $$
declare
  v pg_roles%rowtype;
  v_problems text[] := '{}';
  v_memberships text;
begin
  select * into v from pg_roles where rolname = p_role;
  if not found then
    return array['role ' || p_role || ' does not exist'];
  end if;
  if v.rolsuper then v_problems := v_problems || 'SUPERUSER'::text; end if;
  if v.rolbypassrls then v_problems := v_problems || 'BYPASSRLS'::text; end if;
  if v.rolcanlogin then v_problems := v_problems || 'LOGIN'::text; end if;
  if v.rolcreaterole then v_problems := v_problems || 'CREATEROLE'::text; end if;
  if v.rolcreatedb then v_problems := v_problems || 'CREATEDB'::text; end if;
  if v.rolreplication then v_problems := v_problems || 'REPLICATION'::text; end if;
  select string_agg(r.rolname, ', ' order by r.rolname) into v_memberships
    from pg_auth_members m join pg_roles r on r.oid = m.roleid
   where m.member = v.oid;
  if v_memberships is not null then
    v_problems := v_problems || ('membership in ' || v_memberships);
  end if;
  if exists (select 1 from pg_class where relowner = v.oid)
     or exists (select 1 from pg_proc where proowner = v.oid)
     or exists (select 1 from pg_namespace where nspowner = v.oid)
     or exists (select 1 from pg_type where typowner = v.oid) then
    v_problems := v_problems || 'ownership of objects'::text;
  end if;
  return v_problems;
end
$$;

do $$
declare
  v_problems text[] := wm_app_role_problems();
begin
  if cardinality(v_problems) > 0 then
    raise exception 'role workflow_app must not have: %', array_to_string(v_problems, ', ')
      using errcode = '42501',
            hint = 'ALTER ROLE workflow_app NOLOGIN NOCREATEROLE NOCREATEDB NOREPLICATION NOSUPERUSER NOBYPASSRLS; '
                   'REVOKE every role granted to workflow_app; reassign what it owns (REASSIGN OWNED BY workflow_app TO <owner>)';
  end if;
end
$$;

-- ─── Operator organisations: written by the owner only ───────────────────────────────────────────
create table wm_operator_organisations (
  tenant_id uuid primary key references tenants (id) deferrable initially deferred,
  created_at timestamptz not null default now()
);
alter table wm_operator_organisations enable row level security;
alter table wm_operator_organisations force row level security;
revoke all on wm_operator_organisations from public;
grant select on wm_operator_organisations to workflow_app;
create policy everyone_select on wm_operator_organisations for select to workflow_app using (true);
-- the owner registers organisations (through wm_create_operator_organisation)
do $$
begin
  execute format('create policy owner_all on wm_operator_organisations for all to %I using (true) with check (true)',
    current_user);
  execute format('create policy owner_sign_in on users for select to %I using (true)', current_user);
  -- the owner creates the tenant row of an organisation it registers, and no other
  execute format('create policy owner_register on tenants for insert to %I with check '
    '(exists (select 1 from wm_operator_organisations o where o.tenant_id = tenants.id))', current_user);
end
$$;
create trigger wm_operator_organisations_immutable before update on wm_operator_organisations
  for each row execute function wm_forbid_change();

-- ─── The scope entry, pinned; the operator scope only for an operator organisation ───────────────
drop function wm_enter_scope(text, text);
-- Enters a scope for the rest of the transaction and returns the search_path to pin for it (the
-- caller runs `select pg_catalog.set_config('search_path', wm_enter_scope($1, $2), true)`).
-- Application roles: '' (a tenant), 'market_ops' (the operator: `p_tenant` must be a registered
-- operator organisation), 'worker' (the system: reads every tenant, writes delivery progress),
-- 'publisher' (publishes templates, which belong to no tenant; sees no tenant row).
create function wm_enter_scope(p_tenant text, p_app_role text) returns text
  language plpgsql
  set search_path from current
  as $$
declare
  v_tenant uuid := nullif(p_tenant, '')::uuid; -- 22P02 for a malformed tenant id
  v_role text := coalesce(p_app_role, '');
begin
  if v_role not in ('', 'market_ops', 'worker', 'publisher') then
    raise exception 'unknown application role %', v_role using errcode = '22023';
  end if;
  perform set_config('role', 'workflow_app', true);
  if v_role = 'market_ops'
     and (v_tenant is null or not exists (select 1 from wm_operator_organisations o where o.tenant_id = v_tenant)) then
    raise exception 'no operator scope: tenant % is not a registered operator organisation', coalesce(p_tenant, '')
      using errcode = '42501';
  end if;
  perform set_config('app.current_tenant', coalesce(v_tenant::text, ''), true);
  perform set_config('app.current_role', v_role, true);
  return current_setting('search_path');
end
$$;

-- Registers an operator organisation (its tenant row and its operator flag), as the owner (the
-- owner's policies allow exactly these two rows). Owner only: EXECUTE is revoked from PUBLIC and
-- never granted to workflow_app.
create function wm_create_operator_organisation(p_id uuid, p_company_name text, p_vat_number text) returns uuid
  language plpgsql
  set search_path from current
  as $$
declare
  v_id uuid := coalesce(p_id, gen_random_uuid());
begin
  insert into wm_operator_organisations (tenant_id) values (v_id);
  insert into tenants (id, company_name, vat_number, status) values (v_id, p_company_name, p_vat_number, 'ACTIVE');
  return v_id;
end
$$;
revoke all on function wm_create_operator_organisation(uuid, text, text) from public;

-- users: the role market_ops only in an operator organisation, whoever writes
create policy market_ops_only_in_operator_organisation on users as restrictive for all to workflow_app
  using (true)
  with check (role <> 'market_ops' or exists (select 1 from wm_operator_organisations o where o.tenant_id = users.tenant_id));

-- ─── Password hashes: argon2id / bcrypt at OWASP parameters, never readable by the app role ──────
create function wm_is_password_hash(p_hash text) returns boolean
  language plpgsql immutable parallel safe
  set search_path from current
  as $$
declare
  m text[];
begin
  if p_hash is null then
    return true;
  end if;
  m := regexp_match(p_hash,
    '^\$argon2id\$v=19\$m=([0-9]{1,9}),t=([0-9]{1,6}),p=([0-9]{1,4})\$[A-Za-z0-9+/]{11,86}\$[A-Za-z0-9+/]{22,}$');
  if m is not null then
    -- OWASP: m=47104 t=1, m=19456 t=2, m=12288 t=3, m=9216 t=4, m=7168 t=5 (KiB), p >= 1
    return m[1]::bigint >= 7168 and m[1]::bigint * m[2]::bigint >= 35840 and m[3]::integer >= 1;
  end if;
  m := regexp_match(p_hash, '^\$2[aby]\$([0-9]{2})\$[./A-Za-z0-9]{53}$');
  return m is not null and m[1]::integer between 10 and 31;
end
$$;

alter table users no force row level security;
-- a stored value that is not such a hash cannot verify any password safely: the account must reset it
update users set password_hash = null where not wm_is_password_hash(password_hash);
alter table users force row level security;
alter table users add constraint users_password_hash_format check (wm_is_password_hash(password_hash));

drop policy login_select on users;
revoke select, update on users from workflow_app;
grant select (id, tenant_id, email, role, display_name, status, created_at, updated_at) on users to workflow_app;
grant update (email, role, display_name, status, password_hash, updated_at) on users to workflow_app;

-- The sign-in lookup: the ACTIVE accounts of an e-mail address, with their hashes. The only way
-- the application reads a hash: runs as the owner (SECURITY DEFINER, pinned path).
create function wm_sign_in(p_email text)
  returns table (
    id uuid, tenant_id uuid, email text, role text, display_name text, status text,
    created_at timestamptz, updated_at timestamptz, password_hash text)
  language sql stable security definer
  set search_path from current
  as $$
    select u.id, u.tenant_id, u.email, u.role, u.display_name, u.status, u.created_at, u.updated_at, u.password_hash
      from users u
     where u.email = p_email and u.status = 'ACTIVE' and u.password_hash is not null
     order by u.tenant_id
     limit 100
  $$;
revoke all on function wm_sign_in(text) from public;
grant execute on function wm_sign_in(text) to workflow_app;

-- ─── Instance ownership: one tenant per instance, for every row of it ────────────────────────────
create table wm_instance_owners (
  instance_id text collate "C" primary key check (instance_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$'),
  tenant_id uuid not null references tenants (id),
  created_at timestamptz not null default now(),
  constraint wm_instance_owners_instance_tenant_key unique (instance_id, tenant_id)
);
create index wm_instance_owners_tenant_idx on wm_instance_owners (tenant_id);
create trigger wm_instance_owners_immutable before update or delete on wm_instance_owners
  for each row execute function wm_forbid_change();
alter table wm_instance_owners enable row level security;
alter table wm_instance_owners force row level security;
revoke all on wm_instance_owners from public;
grant select, insert on wm_instance_owners to workflow_app;
create policy tenant_select on wm_instance_owners for select to workflow_app
  using (tenant_id = (select wm_current_tenant()));
create policy tenant_insert on wm_instance_owners for insert to workflow_app
  with check (tenant_id = (select wm_current_tenant()));
create policy ops_or_worker_select on wm_instance_owners for select to workflow_app
  using ((select wm_current_app_role()) in ('market_ops', 'worker'));
create policy market_ops_insert on wm_instance_owners for insert to workflow_app
  with check ((select wm_is_market_ops()));

-- existing instances: the owner is the tenant of the first event (or of the snapshot / entry)
alter table workflow_events no force row level security;
alter table workflow_instances no force row level security;
alter table workflow_instances_index no force row level security;
alter table wm_instance_owners no force row level security;
insert into wm_instance_owners (instance_id, tenant_id)
  select instance_id, tenant_id from workflow_events where sequence = 1
  union select instance_id, tenant_id from workflow_instances
  union select instance_id, tenant_id from workflow_instances_index
  on conflict (instance_id) do nothing;
alter table workflow_events force row level security;
alter table workflow_instances force row level security;
alter table workflow_instances_index force row level security;
alter table wm_instance_owners force row level security;

-- the owner row references the tenant: the tenant keys of these tables are implied (one check less per write)
alter table workflow_events drop constraint workflow_events_tenant_id_fkey;
alter table workflow_instances drop constraint workflow_instances_tenant_id_fkey;
alter table workflow_instances_index drop constraint workflow_instances_index_tenant_id_fkey;
alter table workflow_events add constraint workflow_events_instance_owner_fkey
  foreign key (instance_id, tenant_id) references wm_instance_owners (instance_id, tenant_id);
alter table workflow_instances add constraint workflow_instances_instance_owner_fkey
  foreign key (instance_id, tenant_id) references wm_instance_owners (instance_id, tenant_id);
alter table workflow_instances_index add constraint workflow_instances_index_instance_owner_fkey
  foreign key (instance_id, tenant_id) references wm_instance_owners (instance_id, tenant_id);

-- ─── Templates are published in the publisher scope (or the operator's) ──────────────────────────
create policy publisher_insert on workflow_templates for insert to workflow_app
  with check ((select wm_current_app_role()) = 'publisher');

-- An outbox message of an instance the writer does not own is refused before its (global) id is
-- probed: the error is the same whether or not another tenant's message has that id. The check
-- runs as the writer, under its row-level security: a tenant sees only its own owner rows. (The
-- event, state and index tables are keyed by the instance id itself, whose owner row already
-- tells a raw workflow_app session whether it is taken: no such check would hide more there.)
create function wm_check_instance_owner() returns trigger
  language plpgsql
  set search_path from current
  as $$
begin
  -- a row of another tenant than the scope's is row-level security's to refuse (42501)
  if new.tenant_id is distinct from nullif(current_setting('app.current_tenant', true), '')::uuid
     and current_setting('app.current_role', true) is distinct from 'market_ops' then
    return new;
  end if;
  if not exists (
    select 1 from wm_instance_owners o where o.instance_id = new.instance_id and o.tenant_id = new.tenant_id
  ) then
    raise exception 'instance % is not an instance of tenant %', new.instance_id, new.tenant_id
      using errcode = '23503', table = tg_table_name, constraint = tg_table_name || '_instance_owner_fkey';
  end if;
  return new;
end
$$;


-- ─── The system (worker) scope reads every tenant's instances ────────────────────────────────────
create policy worker_select on workflow_events for select to workflow_app
  using ((select wm_current_app_role()) = 'worker');
create policy worker_select on workflow_instances for select to workflow_app
  using ((select wm_current_app_role()) = 'worker');
create policy worker_select on workflow_instances_index for select to workflow_app
  using ((select wm_current_app_role()) = 'worker');

-- ─── The index: the next due time, listed by time ────────────────────────────────────────────────
alter table workflow_instances_index add column next_due_at timestamptz;
alter table workflow_instances_index no force row level security;
update workflow_instances_index set next_due_at = (entry ->> 'nextDueAt')::timestamptz where entry ? 'nextDueAt';
alter table workflow_instances_index force row level security;
create index workflow_instances_index_due_idx on workflow_instances_index (next_due_at, instance_id)
  where next_due_at is not null;
create index workflow_instances_index_tenant_due_idx on workflow_instances_index (tenant_id, next_due_at, instance_id)
  where next_due_at is not null;

-- ─── The outbox ──────────────────────────────────────────────────────────────────────────────────
drop table workflow_jobs;

create table workflow_outbox (
  -- core's message id starts with the instance id: no tenant can take another's message id
  id text collate "C" primary key check (length(id) between 1 and 600),
  tenant_id uuid not null,
  instance_id text collate "C" not null,
  sequence integer not null check (sequence >= 1),
  kind text collate "C" not null check (length(kind) between 1 and 200),
  -- the whole message document (core's `OutboxMessage` schema), with `availableAt` kept current
  message jsonb not null,
  available_at timestamptz not null,
  status text not null default 'pending' check (status in ('pending', 'claimed', 'done', 'dead')),
  attempt integer not null default 0 check (attempt >= 0),
  owner text check (length(owner) between 1 and 200),
  lease_until timestamptz,
  last_error text check (length(last_error) <= 2000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint workflow_outbox_id_of_instance check (starts_with(id, instance_id || ':')),
  constraint workflow_outbox_instance_owner_fkey
    foreign key (instance_id, tenant_id) references wm_instance_owners (instance_id, tenant_id)
);
create index workflow_outbox_pending_idx on workflow_outbox (available_at, sequence, id) where status = 'pending';
create index workflow_outbox_leased_idx on workflow_outbox (lease_until) where status = 'claimed';
create index workflow_outbox_instance_idx on workflow_outbox (instance_id);
create trigger workflow_outbox_tenant_immutable before update on workflow_outbox
  for each row execute function wm_forbid_tenant_change();
create trigger workflow_outbox_instance_owner before insert on workflow_outbox
  for each row execute function wm_check_instance_owner();

alter table workflow_outbox enable row level security;
alter table workflow_outbox force row level security;
revoke all on workflow_outbox from public;
grant select, insert, update on workflow_outbox to workflow_app;
create policy tenant_select on workflow_outbox for select to workflow_app
  using (tenant_id = (select wm_current_tenant()));
create policy tenant_insert on workflow_outbox for insert to workflow_app
  with check (tenant_id = (select wm_current_tenant()));
create policy tenant_update on workflow_outbox for update to workflow_app
  using (tenant_id = (select wm_current_tenant())) with check (tenant_id = (select wm_current_tenant()));
create policy ops_or_worker_select on workflow_outbox for select to workflow_app
  using ((select wm_current_app_role()) in ('market_ops', 'worker'));
create policy market_ops_insert on workflow_outbox for insert to workflow_app
  with check ((select wm_is_market_ops()));
create policy ops_or_worker_update on workflow_outbox for update to workflow_app
  using ((select wm_current_app_role()) in ('market_ops', 'worker'))
  with check ((select wm_current_app_role()) in ('market_ops', 'worker'));

-- ─── The write path, with ownership and the outbox ───────────────────────────────────────────────
drop function wm_commit(text, text, integer, jsonb, jsonb, jsonb);
-- Appends `p_events` (one instance, sequences p_expected + 1, ...) when the instance's last sequence
-- is `p_expected`, claims or checks the instance's owner, upserts the state and the index entry
-- (version-guarded), and queues `p_messages` (a repeated id is a no-op) — one statement, one
-- transaction. Errors: WM409 version conflict or an instance held by another tenant (detail = the
-- actual version), 23505 lost race, WM403 a projection of another tenant's instance, 22023 a
-- malformed batch, 42501 RLS refusal.
create function wm_commit(
  p_tenant text,
  p_app_role text,
  p_expected integer,
  p_events jsonb,
  p_state jsonb,
  p_entry jsonb,
  p_messages jsonb
) returns table (state_written boolean, index_written boolean)
  language plpgsql
  set search_path from current
  as $$
declare
  v_doc jsonb := coalesce(p_events -> 0, p_state, p_entry);
  v_instance text := v_doc ->> 'instanceId';
  v_tenant uuid := (v_doc ->> 'tenantId')::uuid;
  v_has_events boolean := p_events is not null and jsonb_array_length(p_events) > 0;
  v_owner uuid;
  v_last_sequence integer;
begin
  if coalesce(p_app_role, '') = '' then
    -- a tenant's scope, entered inline (the hot path: no nested call); any other goes through
    -- wm_enter_scope, which checks it
    perform set_config('role', 'workflow_app', true),
            set_config('app.current_tenant', coalesce(nullif(p_tenant, '')::uuid::text, ''), true),
            set_config('app.current_role', '', true);
  else
    perform wm_enter_scope(p_tenant, p_app_role);
  end if;
  state_written := false;
  index_written := false;
  if v_instance is null then
    return next;
    return;
  end if;
  if exists (
    select 1 from (
      select e from jsonb_array_elements(coalesce(p_events, '[]')) as x (e)
      union all select p_state where p_state is not null
      union all select p_entry where p_entry is not null
      union all select m from jsonb_array_elements(coalesce(p_messages, '[]')) as y (m)
    ) as d (e)
    where e ->> 'instanceId' is distinct from v_instance or (e ->> 'tenantId')::uuid is distinct from v_tenant
  ) then
    raise exception 'a commit must hold documents of one instance and one tenant' using errcode = '22023';
  end if;

  -- the owner: claimed by the first write of the instance, checked by every later one
  select o.tenant_id into v_owner from wm_instance_owners o where o.instance_id = v_instance;
  if v_owner is null then
    insert into wm_instance_owners (instance_id, tenant_id) values (v_instance, v_tenant)
      on conflict (instance_id) do nothing;
    if found then
      v_owner := v_tenant;
    else
      -- a concurrent first write of the same instance won the insert: its row is visible now
      -- (when it is this scope's to see)
      select o.tenant_id into v_owner from wm_instance_owners o where o.instance_id = v_instance;
    end if;
  end if;
  if v_owner is distinct from v_tenant then
    -- held by another tenant (invisible to this scope, or visible to the operator's)
    if v_has_events then
      raise exception 'instance % is not available to this scope: its id is taken', v_instance
        using errcode = 'WM409', detail = '';
    end if;
    raise exception 'instance % is not available to this scope: its id is taken', v_instance using errcode = 'WM403';
  end if;

  if v_has_events then
    if exists (
      select 1 from jsonb_array_elements(p_events) with ordinality as x (e, n)
      where (e ->> 'sequence')::integer is distinct from p_expected + n::integer
    ) then
      raise exception 'a batch must hold events with sequences from % on', p_expected + 1 using errcode = '22023';
    end if;
    select e.sequence into v_last_sequence
      from workflow_events e where e.instance_id = v_instance
      order by e.sequence desc limit 1;
    if coalesce(v_last_sequence, 0) <> p_expected then
      raise exception 'expected version %, found %', p_expected, coalesce(v_last_sequence, 0)
        using errcode = 'WM409', detail = coalesce(v_last_sequence, 0)::text;
    end if;
    insert into workflow_events (instance_id, sequence, tenant_id, type, step_id, command_id, occurred_at, event)
    select v_instance, (e ->> 'sequence')::integer, v_tenant, e ->> 'type',
           e ->> 'stepId', e ->> 'commandId', (e ->> 'occurredAt')::timestamptz, e
      from jsonb_array_elements(p_events) as x (e);
  end if;

  if p_state is not null then
    insert into workflow_instances as t (instance_id, tenant_id, version, state)
    values (v_instance, v_tenant, (p_state ->> 'version')::integer, p_state)
    on conflict (instance_id) do update
      set version = excluded.version, state = excluded.state, stored_at = now()
      where t.version < excluded.version;
    state_written := found;
  end if;

  if p_entry is not null then
    insert into workflow_instances_index as t (
      instance_id, tenant_id, template_id, template_version, market_role, status, current_step_id,
      version, created_at, updated_at, next_due_at, entry)
    values (
      v_instance, v_tenant, p_entry ->> 'templateId',
      (p_entry ->> 'templateVersion')::integer, p_entry ->> 'marketRole', p_entry ->> 'status',
      p_entry ->> 'currentStepId', (p_entry ->> 'version')::integer,
      (p_entry ->> 'createdAt')::timestamptz, (p_entry ->> 'updatedAt')::timestamptz,
      (p_entry ->> 'nextDueAt')::timestamptz, p_entry)
    on conflict (instance_id) do update
      set template_id = excluded.template_id,
          template_version = excluded.template_version, market_role = excluded.market_role,
          status = excluded.status, current_step_id = excluded.current_step_id, version = excluded.version,
          created_at = excluded.created_at, updated_at = excluded.updated_at, next_due_at = excluded.next_due_at,
          entry = excluded.entry, stored_at = now()
      where t.version < excluded.version;
    index_written := found;
  end if;

  if p_messages is not null and jsonb_array_length(p_messages) > 0 then
    insert into workflow_outbox (id, tenant_id, instance_id, sequence, kind, message, available_at)
    select m ->> 'id', v_tenant, v_instance, (m ->> 'sequence')::integer, m ->> 'kind', m,
           (m ->> 'availableAt')::timestamptz
      from jsonb_array_elements(p_messages) as y (m)
    on conflict (id) do nothing;
  end if;

  return next;
end
$$;

-- ─── The one-call load ───────────────────────────────────────────────────────────────────────────
-- The snapshot ('s'), the events after it ('e', by sequence) and the events `p_command` recorded
-- ('k', by sequence) of one instance, as the scope sees them: one round trip.
create function wm_load(p_tenant text, p_app_role text, p_instance text, p_command text)
  returns table (part text, doc jsonb)
  language plpgsql
  set search_path from current
  as $$
begin
  if coalesce(p_app_role, '') = '' then
    -- as in wm_commit: a tenant's scope inline, any other through wm_enter_scope
    perform set_config('role', 'workflow_app', true),
            set_config('app.current_tenant', coalesce(nullif(p_tenant, '')::uuid::text, ''), true),
            set_config('app.current_role', '', true);
  else
    perform wm_enter_scope(p_tenant, p_app_role);
  end if;
  return query
    with snapshot as (
      select s.version, s.state from workflow_instances s where s.instance_id = p_instance
    )
    select x.part, x.doc from (
      select 's' as part, 0 as sequence, snapshot.state as doc from snapshot
      union all
      select 'e', e.sequence, e.event from workflow_events e
       where e.instance_id = p_instance and e.sequence > coalesce((select version from snapshot), 0)
      union all
      select 'k', e.sequence, e.event from workflow_events e
       where p_command is not null and e.instance_id = p_instance and e.command_id = p_command
    ) as x
    order by x.part desc, x.sequence;
end
$$;

-- ─── Outbox delivery ─────────────────────────────────────────────────────────────────────────────
-- Claims up to `p_limit` available messages (pending and due, or claimed with an ended lease) in
-- (available_at, sequence, id) order, skipping rows another claimer holds locked.
create function wm_outbox_claim(
  p_tenant text,
  p_app_role text,
  p_owner text,
  p_now timestamptz,
  p_lease_until timestamptz,
  p_limit integer,
  p_kinds text[]
) returns table (doc jsonb, attempt integer)
  language plpgsql
  set search_path from current
  as $$
begin
  perform wm_enter_scope(p_tenant, p_app_role);
  return query
    with picked as (
      select o.id from workflow_outbox o
       where ((o.status = 'pending' and o.available_at <= p_now) or (o.status = 'claimed' and o.lease_until <= p_now))
         and (p_kinds is null or o.kind = any (p_kinds))
       order by o.available_at, o.sequence, o.id
       limit p_limit
       for update skip locked
    ), claimed as (
      update workflow_outbox o
         set status = 'claimed', attempt = o.attempt + 1, owner = p_owner, lease_until = p_lease_until,
             updated_at = now()
        from picked
       where o.id = picked.id
      returning o.message, o.attempt, o.available_at, o.sequence, o.id
    )
    select c.message, c.attempt from claimed c order by c.available_at, c.sequence, c.id;
end
$$;

-- Settles the current claim of a message: 'done', 'dead', or back to 'pending' at `p_retry_at`.
-- Returns false when the claim (owner, attempt) is no longer held.
create function wm_outbox_settle(
  p_tenant text,
  p_app_role text,
  p_id text,
  p_owner text,
  p_attempt integer,
  p_status text,
  p_error text,
  p_retry_at text
) returns boolean
  language plpgsql
  set search_path from current
  as $$
begin
  perform wm_enter_scope(p_tenant, p_app_role);
  if p_status not in ('done', 'dead', 'pending') then
    raise exception 'unknown outbox status %', p_status using errcode = '22023';
  end if;
  update workflow_outbox o
     set status = p_status,
         last_error = coalesce(left(p_error, 2000), o.last_error),
         available_at = coalesce(p_retry_at::timestamptz, o.available_at),
         message = case when p_retry_at is null then o.message
                        else jsonb_set(o.message, '{availableAt}', to_jsonb(p_retry_at)) end,
         owner = case when p_status = 'done' then o.owner end,
         lease_until = case when p_status = 'done' then o.lease_until end,
         updated_at = now()
   where o.id = p_id and o.status = 'claimed' and o.owner = p_owner and o.attempt = p_attempt;
  return found;
end
$$;

-- ─── Policies read the scope settings inline ─────────────────────────────────────────────────────
-- A function with a pinned search_path cannot be inlined and costs a settings save and restore per
-- call; the policies called wm_current_tenant() and friends ~20 times per command. The same
-- expressions, written inline, are bound to pg_catalog's functions when the policy is created (a
-- policy stores resolved objects, not names), so they need no search_path. `(select ...)` keeps
-- each an init-plan evaluated once per statement.
do $$
declare
  p record;
  v_using text;
  v_check text;
  f_tenant constant text := $f$nullif(current_setting('app.current_tenant'::text, true), ''::text)::uuid$f$;
  f_role constant text := $f$coalesce(current_setting('app.current_role'::text, true), ''::text)$f$;
begin
  for p in
    select pol.polname, c.relname,
           pg_get_expr(pol.polqual, pol.polrelid) as qual,
           pg_get_expr(pol.polwithcheck, pol.polrelid) as with_check
      from pg_policy pol join pg_class c on c.oid = pol.polrelid
     where c.relnamespace = current_schema()::regnamespace
  loop
    v_using := replace(replace(replace(p.qual,
      'wm_current_tenant()', f_tenant),
      'wm_current_app_role()', f_role),
      'wm_is_market_ops()', '(' || f_role || $f$ = 'market_ops'::text)$f$);
    v_check := replace(replace(replace(p.with_check,
      'wm_current_tenant()', f_tenant),
      'wm_current_app_role()', f_role),
      'wm_is_market_ops()', '(' || f_role || $f$ = 'market_ops'::text)$f$);
    if v_using is distinct from p.qual then
      execute format('alter policy %I on %I using (%s)', p.polname, p.relname, v_using);
    end if;
    if v_check is distinct from p.with_check then
      execute format('alter policy %I on %I with check (%s)', p.polname, p.relname, v_check);
    end if;
  end loop;
end
$$;

-- ─── Grants, and every older function pinned too ─────────────────────────────────────────────────
revoke all on function wm_enter_scope(text, text), wm_app_role_problems(text), wm_is_password_hash(text),
  wm_commit(text, text, integer, jsonb, jsonb, jsonb, jsonb), wm_load(text, text, text, text),
  wm_outbox_claim(text, text, text, timestamptz, timestamptz, integer, text[]),
  wm_outbox_settle(text, text, text, text, integer, text, text, text) from public;
grant execute on function wm_enter_scope(text, text), wm_app_role_problems(text), wm_is_password_hash(text),
  wm_commit(text, text, integer, jsonb, jsonb, jsonb, jsonb), wm_load(text, text, text, text),
  wm_outbox_claim(text, text, text, timestamptz, timestamptz, integer, text[]),
  wm_outbox_settle(text, text, text, text, integer, text, text, text) to workflow_app;

do $$
declare
  f regprocedure;
begin
  for f in
    select p.oid::regprocedure from pg_proc p
     where p.pronamespace = current_schema()::regnamespace
       and p.prokind in ('f', 'p')
       and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
       and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%')
  loop
    execute format('alter function %s set search_path from current', f);
  end loop;
end
$$;
