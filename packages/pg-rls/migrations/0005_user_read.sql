-- @workflow-manager/pg-rls — migration 0005: a user read in one round trip.
--
-- A server re-reads the signed-in user on every request (so that a disabled user is refused at
-- once). Through `withTenant` that read was a transaction of four round trips (BEGIN, the scope
-- entry, the SELECT, COMMIT); `wm_get_user` is one statement. It enters the scope exactly as
-- `wm_load` does — a tenant's inline (`role` workflow_app, `app.current_tenant`,
-- `app.current_role` for the transaction), any other through `wm_enter_scope`, which refuses the
-- operator scope to a tenant that is not a registered operator organisation — and then reads as
-- `workflow_app` (SECURITY INVOKER), under the row-level security of `users`: a row is returned
-- only when the scope sees it, and never the password hash (the role cannot read that column).
--
-- Runs as the owner, in the migration transaction. Never edit once released.

-- Every function created below pins this path (`set search_path from current`).
select pg_catalog.set_config('search_path', pg_catalog.format('%I, pg_temp', pg_catalog.current_schema()), true);

-- One user as the scope sees it: no row when it does not exist or is outside the scope.
create function wm_get_user(p_tenant text, p_app_role text, p_id uuid)
  returns table (
    id uuid, tenant_id uuid, email text, role text, display_name text, status text,
    created_at timestamptz, updated_at timestamptz)
  language plpgsql security invoker
  set search_path from current
  as $$
begin
  if coalesce(p_app_role, '') = '' then
    -- as in wm_load: a tenant's scope inline, any other through wm_enter_scope
    perform set_config('role', 'workflow_app', true),
            set_config('app.current_tenant', coalesce(nullif(p_tenant, '')::uuid::text, ''), true),
            set_config('app.current_role', '', true);
  else
    perform wm_enter_scope(p_tenant, p_app_role);
  end if;
  return query
    select u.id, u.tenant_id, u.email, u.role, u.display_name, u.status, u.created_at, u.updated_at
      from users u
     where u.id = p_id;
end
$$;

revoke all on function wm_get_user(text, text, uuid) from public;
grant execute on function wm_get_user(text, text, uuid) to workflow_app;
