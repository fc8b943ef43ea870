-- @workflow-manager/pg-rls — migration 0004: sign-in throttling shared by every process.
--
-- A server that runs several processes (or restarts) must count failed sign-ins in one place, or
-- an attacker spreads guesses over the processes. Attempts are counted per account (the e-mail
-- address, whether or not it is registered: an unknown address is throttled exactly like a known
-- one) and per client address, in fixed windows, in `wm_login_throttle`. Keys are stored as
-- SHA-256 digests: the table never holds an address someone typed.
--
-- `wm_login_attempt` takes an attempt atomically (the rows are locked): it refuses, with the
-- seconds to wait, once either key has used its limit in the current window, and counts the
-- attempt otherwise — so concurrent guesses cannot overshoot the limit. `wm_login_succeeded`
-- clears the account's count and gives the address back its attempt (a successful sign-in is not
-- a guess). The application role cannot read or write the table; it calls the two functions.
--
-- Runs as the owner, in the migration transaction. Never edit once released.

-- Every function created below pins this path (`set search_path from current`).
select pg_catalog.set_config('search_path', pg_catalog.format('%I, pg_temp', pg_catalog.current_schema()), true);

create table wm_login_throttle (
  key text collate "C" primary key check (key ~ '^(account|address):[0-9a-f]{64}$'),
  attempts integer not null default 0 check (attempts >= 0),
  window_start timestamptz not null default now()
);
create index wm_login_throttle_window_idx on wm_login_throttle (window_start);
alter table wm_login_throttle enable row level security;
alter table wm_login_throttle force row level security;
revoke all on wm_login_throttle from public;
-- only the owner (through the SECURITY DEFINER functions below) touches the rows
do $$
begin
  execute format('create policy owner_all on wm_login_throttle for all to %I using (true) with check (true)',
    current_user);
end
$$;

-- The stored key of an account (trimmed, lower-cased e-mail) or of a client address.
create function wm_login_key(p_kind text, p_value text) returns text
  language sql immutable
  set search_path from current
  as $$
    select p_kind || ':' || pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(p_value, 'UTF8')), 'hex')
  $$;

-- Takes one sign-in attempt for (account, address): `allowed = false` with `retry_after` seconds
-- when either has used its limit in the current window of `p_window_seconds`.
create function wm_login_attempt(
  p_account text,
  p_address text,
  p_max_account integer,
  p_max_address integer,
  p_window_seconds integer
) returns table (allowed boolean, retry_after integer)
  language plpgsql volatile security definer
  set search_path from current
  as $$
declare
  v_now timestamptz := pg_catalog.clock_timestamp();
  v_window interval;
  v_account text;
  v_address text;
  v_retry integer;
begin
  if p_account is null or p_address is null or length(p_account) > 1024 or length(p_address) > 1024
     or p_max_account is null or p_max_account not between 1 and 1000000
     or p_max_address is null or p_max_address not between 1 and 1000000
     or p_window_seconds is null or p_window_seconds not between 1 and 604800 then
    raise exception 'wm_login_attempt: account and address of at most 1024 characters, limits of 1 to 1000000, a window of 1 to 604800 seconds'
      using errcode = '22023';
  end if;
  v_window := make_interval(secs => p_window_seconds);
  v_account := wm_login_key('account', lower(btrim(p_account)));
  v_address := wm_login_key('address', p_address);

  -- a few expired rows go with every attempt, so the table stays as small as the live windows
  delete from wm_login_throttle t
   where t.key in (select o.key from wm_login_throttle o
                    where o.window_start < v_now - v_window
                    order by o.window_start limit 20
                    for update skip locked);

  -- both rows exist and are locked, in key order (no deadlock between concurrent attempts)
  insert into wm_login_throttle (key, attempts, window_start)
  select k, 0, v_now from unnest(array[v_account, v_address]) as x (k) order by k
  on conflict (key) do nothing;
  perform 1 from wm_login_throttle t where t.key in (v_account, v_address) order by t.key for update;

  -- a window that has ended starts again
  update wm_login_throttle t set attempts = 0, window_start = v_now
   where t.key in (v_account, v_address) and t.window_start <= v_now - v_window;

  select max(ceil(extract(epoch from (t.window_start + v_window - v_now))))::integer into v_retry
    from wm_login_throttle t
   where (t.key = v_account and t.attempts >= p_max_account)
      or (t.key = v_address and t.attempts >= p_max_address);
  if v_retry is not null then
    allowed := false;
    retry_after := greatest(v_retry, 1);
    return next;
    return;
  end if;

  update wm_login_throttle t set attempts = t.attempts + 1 where t.key in (v_account, v_address);
  allowed := true;
  retry_after := 0;
  return next;
end
$$;
revoke all on function wm_login_attempt(text, text, integer, integer, integer) from public;
grant execute on function wm_login_attempt(text, text, integer, integer, integer) to workflow_app;

-- A successful sign-in: the account's count is cleared, the address gets its attempt back.
create function wm_login_succeeded(p_account text, p_address text) returns void
  language plpgsql volatile security definer
  set search_path from current
  as $$
begin
  if p_account is null or p_address is null or length(p_account) > 1024 or length(p_address) > 1024 then
    raise exception 'wm_login_succeeded: account and address of at most 1024 characters' using errcode = '22023';
  end if;
  delete from wm_login_throttle t where t.key = wm_login_key('account', lower(btrim(p_account)));
  update wm_login_throttle t set attempts = greatest(t.attempts - 1, 0)
   where t.key = wm_login_key('address', p_address);
end
$$;
revoke all on function wm_login_succeeded(text, text) from public;
grant execute on function wm_login_succeeded(text, text) to workflow_app;
revoke all on function wm_login_key(text, text) from public;
