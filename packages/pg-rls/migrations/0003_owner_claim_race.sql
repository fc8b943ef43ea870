-- @workflow-manager/pg-rls — migration 0003: a race in the first write of an instance.
--
-- Two concurrent first writes of one instance id (two snapshots saved at once, two keyed creates)
-- both try to claim its owner row. `wm_commit` claimed it with `on conflict (instance_id) do
-- nothing`, which absorbs a collision on the primary key only: when the loser's insert met the
-- winner's row in the composite (instance_id, tenant_id) key first, it failed with a unique
-- violation instead of finding the owner. The claim now absorbs a collision on any key.
--
-- Runs as the owner, in the migration transaction. Never edit once released.

create or replace function wm_commit(
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
    -- no conflict target: a concurrent first write may collide on the primary key or on the
    -- (instance_id, tenant_id) key the foreign keys reference, and both mean "already claimed"
    insert into wm_instance_owners (instance_id, tenant_id) values (v_instance, v_tenant)
      on conflict do nothing;
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
