-- @workflow-manager/pg-rls — migration 0006: due work (claims of due instances under leases) and
-- the queues' figures.
--
-- 1. `workflow_due_leases`: at most one lease per instance — who holds it (`owner`) and until when
--    (`lease_until`). Tied to the instance's owner by the composite foreign key, like every other
--    instance table, with the insert-time owner check, the tenant-immutability guard, ENABLE + FORCE
--    row-level security and the outbox's policies: a tenant scope its own instances' leases, the
--    operator (`market_ops` of a registered operator organisation) and the system scope (`worker`)
--    every tenant's. A lease whose `lease_until` has passed holds nothing; the next claim of the
--    instance overwrites it, and `wm_due_release` deletes its owner's leases.
-- 2. `wm_due_claim` hands out up to `p_limit` due index rows (`next_due_at <= p_now`) that no
--    running lease holds, in (`next_due_at`, `instance_id`) order, and leases them to `p_owner`.
--
--    Where the lock lives, and why. The claim locks the INDEX rows it picks
--    (`FOR UPDATE OF i SKIP LOCKED`): they exist for every due instance, so concurrent claimers
--    skip each other's picks instead of waiting, and spread over different instances. The lease
--    rows cannot carry that lock: a due instance has no lease row until its first claim, and
--    SKIP LOCKED has nothing to skip on a row that does not exist yet — two claimers would both
--    insert it, and the second would wait for the first to commit. A lock alone is not enough
--    either: it ends when the claim commits, and a claimer whose statement started before that
--    commit does not see the new lease in its snapshot, so it could lock the index row right after
--    and pick it again. What decides is the lease upsert: `ON CONFLICT DO UPDATE ... WHERE
--    lease_until <= p_now` is checked against the newest committed lease row (READ COMMITTED
--    upserts see it even when the statement's snapshot does not), so a lease that is running is
--    never overwritten, and only the instances whose lease this statement wrote are returned.
--    Two claimers can therefore never both get an instance while its lease runs, and never wait for
--    each other (a claim may wait for a concurrent `wm_due_release` of the same lease, which is one
--    short statement).
--
--    `SELECT ... FOR UPDATE` under row-level security needs the UPDATE privilege and a row that
--    passes an UPDATE policy's USING. The tenant's and the operator's UPDATE policies of the index
--    already let them lock their rows; the system scope gets `worker_lock`, whose USING admits the
--    worker and whose WITH CHECK is false: it may lock index rows but never write one (an UPDATE
--    by the worker fails with 42501, as before).
-- 3. `wm_due_release` deletes `p_owner`'s leases on the given instances, within the scope.
-- 4. `wm_due_stats` (due, leased, oldest due) and `wm_outbox_stats` (waiting, available, oldest
--    available, dead): one round trip each, on partial indexes (a new one for dead messages).
--
-- The four functions are SECURITY INVOKER: they enter the scope with `wm_enter_scope` and work as
-- `workflow_app` under row-level security. In a tenant scope they also filter on the tenant
-- explicitly, so that the tenant's partial index serves; `plan_cache_mode = force_custom_plan`
-- makes PL/pgSQL plan each call with its values, so the filter folds away in the other scopes.
--
-- Runs as the owner, in the migration transaction. Never edit once released.

-- Every function created below pins this path (`set search_path from current`).
select pg_catalog.set_config('search_path', pg_catalog.format('%I, pg_temp', pg_catalog.current_schema()), true);

-- ─── Leases of due instances ─────────────────────────────────────────────────────────────────────
create table workflow_due_leases (
  instance_id text collate "C" primary key check (instance_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$'),
  tenant_id uuid not null,
  owner text not null check (length(owner) between 1 and 200),
  lease_until timestamptz not null,
  claimed_at timestamptz not null default now(),
  constraint workflow_due_leases_instance_owner_fkey
    foreign key (instance_id, tenant_id) references wm_instance_owners (instance_id, tenant_id)
);
-- the running leases (`lease_until > now`) of the figures
create index workflow_due_leases_until_idx on workflow_due_leases (lease_until);
create trigger workflow_due_leases_tenant_immutable before update on workflow_due_leases
  for each row execute function wm_forbid_tenant_change();
-- a lease of an instance the writer does not own is refused before its (global) key is probed
create trigger workflow_due_leases_instance_owner before insert on workflow_due_leases
  for each row execute function wm_check_instance_owner();

alter table workflow_due_leases enable row level security;
alter table workflow_due_leases force row level security;
revoke all on workflow_due_leases from public;
grant select, insert, update, delete on workflow_due_leases to workflow_app;

-- The settings are read inline, as migration 0002 rewrote every older policy to.
create policy tenant_select on workflow_due_leases for select to workflow_app
  using (tenant_id = (select nullif(current_setting('app.current_tenant', true), '')::uuid));
create policy tenant_insert on workflow_due_leases for insert to workflow_app
  with check (tenant_id = (select nullif(current_setting('app.current_tenant', true), '')::uuid));
create policy tenant_update on workflow_due_leases for update to workflow_app
  using (tenant_id = (select nullif(current_setting('app.current_tenant', true), '')::uuid))
  with check (tenant_id = (select nullif(current_setting('app.current_tenant', true), '')::uuid));
create policy tenant_delete on workflow_due_leases for delete to workflow_app
  using (tenant_id = (select nullif(current_setting('app.current_tenant', true), '')::uuid));
create policy ops_or_worker_select on workflow_due_leases for select to workflow_app
  using ((select coalesce(current_setting('app.current_role', true), '')) in ('market_ops', 'worker'));
create policy ops_or_worker_insert on workflow_due_leases for insert to workflow_app
  with check ((select coalesce(current_setting('app.current_role', true), '')) in ('market_ops', 'worker'));
create policy ops_or_worker_update on workflow_due_leases for update to workflow_app
  using ((select coalesce(current_setting('app.current_role', true), '')) in ('market_ops', 'worker'))
  with check ((select coalesce(current_setting('app.current_role', true), '')) in ('market_ops', 'worker'));
create policy ops_or_worker_delete on workflow_due_leases for delete to workflow_app
  using ((select coalesce(current_setting('app.current_role', true), '')) in ('market_ops', 'worker'));

-- ─── The worker locks index rows, and writes none ────────────────────────────────────────────────
create policy worker_lock on workflow_instances_index for update to workflow_app
  using ((select coalesce(current_setting('app.current_role', true), '')) = 'worker')
  with check (false);

-- ─── Dead messages, counted by the outbox's figures ──────────────────────────────────────────────
create index workflow_outbox_dead_idx on workflow_outbox (tenant_id) where status = 'dead';

-- ─── Claims ──────────────────────────────────────────────────────────────────────────────────────
-- Leases up to `p_limit` due instances no running lease holds to `p_owner` until `p_lease_until`,
-- oldest due first, skipping index rows another transaction holds locked; returns them with the
-- index version the claim saw and the entry's `nextDueAt`, in that order. Errors: 22023 malformed
-- request, and the scope entry's.
create function wm_due_claim(
  p_tenant text,
  p_app_role text,
  p_owner text,
  p_now timestamptz,
  p_lease_until timestamptz,
  p_limit integer
) returns table (tenant_id uuid, instance_id text, version integer, due_at text)
  language plpgsql
  set search_path from current
  set plan_cache_mode = force_custom_plan
  as $$
#variable_conflict use_column
declare
  -- a tenant scope's own tenant (not the operator's organisation: that scope sees every tenant)
  v_own uuid := case when coalesce(p_app_role, '') = '' then nullif(p_tenant, '')::uuid end;
begin
  perform wm_enter_scope(p_tenant, p_app_role);
  if p_owner is null or length(p_owner) not between 1 and 200 or p_now is null or p_lease_until is null
     or p_lease_until <= p_now or p_limit is null or p_limit not between 1 and 500 then
    raise exception 'wm_due_claim: an owner of 1 to 200 characters, a lease ending after now, a limit of 1 to 500'
      using errcode = '22023';
  end if;
  return query
    with picked as (
      select i.tenant_id, i.instance_id, i.version, i.next_due_at, i.entry ->> 'nextDueAt' as due_at
        from workflow_instances_index i
       where i.next_due_at <= p_now
         and (v_own is null or i.tenant_id = v_own)
         and not exists (
           select 1 from workflow_due_leases l where l.instance_id = i.instance_id and l.lease_until > p_now)
       order by i.next_due_at, i.instance_id
       limit p_limit
       for update of i skip locked
    ), leased as (
      insert into workflow_due_leases as l (instance_id, tenant_id, owner, lease_until)
      select p.instance_id, p.tenant_id, p_owner, p_lease_until from picked p
      on conflict (instance_id) do update
        set owner = excluded.owner, lease_until = excluded.lease_until, claimed_at = now()
        where l.lease_until <= p_now
      returning l.instance_id
    )
    select p.tenant_id, p.instance_id, p.version, p.due_at
      from picked p join leased using (instance_id)
     order by p.next_due_at, p.instance_id;
end
$$;

-- Ends `p_owner`'s leases on `p_instance_ids` (at most 500) that the scope sees; returns how many.
create function wm_due_release(p_tenant text, p_app_role text, p_owner text, p_instance_ids text[])
  returns integer
  language plpgsql
  set search_path from current
  set plan_cache_mode = force_custom_plan
  as $$
declare
  v_own uuid := case when coalesce(p_app_role, '') = '' then nullif(p_tenant, '')::uuid end;
  v_released integer;
begin
  perform wm_enter_scope(p_tenant, p_app_role);
  if p_owner is null or p_instance_ids is null or cardinality(p_instance_ids) > 500 then
    raise exception 'wm_due_release: an owner and at most 500 instance ids' using errcode = '22023';
  end if;
  delete from workflow_due_leases l
   where l.instance_id = any (p_instance_ids) and l.owner = p_owner
     and (v_own is null or l.tenant_id = v_own);
  get diagnostics v_released = row_count;
  return v_released;
end
$$;

-- ─── Figures ─────────────────────────────────────────────────────────────────────────────────────
-- Due instances (`next_due_at <= p_now`), those of them under a running lease, the oldest due time.
create function wm_due_stats(p_tenant text, p_app_role text, p_now timestamptz)
  returns table (due integer, leased integer, oldest_due_at timestamptz)
  language plpgsql
  set search_path from current
  set plan_cache_mode = force_custom_plan
  as $$
declare
  v_own uuid := case when coalesce(p_app_role, '') = '' then nullif(p_tenant, '')::uuid end;
begin
  perform wm_enter_scope(p_tenant, p_app_role);
  return query
    select d.due::integer, (
             select count(*) from workflow_due_leases l
               join workflow_instances_index i on i.instance_id = l.instance_id
              where l.lease_until > p_now and i.next_due_at <= p_now and (v_own is null or l.tenant_id = v_own)
           )::integer,
           d.oldest
      from (select count(*) as due, min(i.next_due_at) as oldest
              from workflow_instances_index i
             where i.next_due_at <= p_now and (v_own is null or i.tenant_id = v_own)) as d;
end
$$;

-- Messages waiting (pending or claimed), available now (pending and due, or claimed with an ended
-- lease), the oldest `available_at` among those, and dead messages.
create function wm_outbox_stats(p_tenant text, p_app_role text, p_now timestamptz)
  returns table (waiting integer, available integer, oldest_available_at timestamptz, dead integer)
  language plpgsql
  set search_path from current
  set plan_cache_mode = force_custom_plan
  as $$
declare
  v_own uuid := case when coalesce(p_app_role, '') = '' then nullif(p_tenant, '')::uuid end;
begin
  perform wm_enter_scope(p_tenant, p_app_role);
  return query
    select (p.n + c.n)::integer, (p.ready + c.ready)::integer, least(p.oldest, c.oldest), d.n::integer
      from (select count(*) as n, count(*) filter (where o.available_at <= p_now) as ready,
                   min(o.available_at) filter (where o.available_at <= p_now) as oldest
              from workflow_outbox o
             where o.status = 'pending' and (v_own is null or o.tenant_id = v_own)) as p,
           (select count(*) as n, count(*) filter (where o.lease_until <= p_now) as ready,
                   min(o.available_at) filter (where o.lease_until <= p_now) as oldest
              from workflow_outbox o
             where o.status = 'claimed' and (v_own is null or o.tenant_id = v_own)) as c,
           (select count(*) as n
              from workflow_outbox o
             where o.status = 'dead' and (v_own is null or o.tenant_id = v_own)) as d;
end
$$;

revoke all on function wm_due_claim(text, text, text, timestamptz, timestamptz, integer),
  wm_due_release(text, text, text, text[]), wm_due_stats(text, text, timestamptz),
  wm_outbox_stats(text, text, timestamptz) from public;
grant execute on function wm_due_claim(text, text, text, timestamptz, timestamptz, integer),
  wm_due_release(text, text, text, text[]), wm_due_stats(text, text, timestamptz),
  wm_outbox_stats(text, text, timestamptz) to workflow_app;
