-- The application's login role. The migrations (run by the server as the owner at start) create
-- workflow_app and refuse to go on if it is weakened; wm_api only inherits its grants.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'workflow_app') THEN
    CREATE ROLE workflow_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB NOREPLICATION;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wm_api') THEN
    CREATE ROLE wm_api LOGIN PASSWORD 'wm_api' IN ROLE workflow_app;
  END IF;
END
$$;
