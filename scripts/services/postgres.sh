#!/usr/bin/env bash
# Makes sure PostgreSQL answers on 127.0.0.1:5432 (the tests' DATABASE_URL default). When it does not,
# starts the machine's cluster with pg_ctlcluster and waits for it. It never installs or initialises
# a cluster: the distro's PostgreSQL (trust auth for user postgres on 127.0.0.1) is a prerequisite.
#
#   scripts/services/postgres.sh start    # default: check, start if needed, wait
#   scripts/services/postgres.sh status
set -euo pipefail
host="${PGHOST_CHECK:-127.0.0.1}"
port="${PGPORT_CHECK:-5432}"

ready() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h "$host" -p "$port" -t 2
  else
    (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
  fi
}

start() {
  if ready; then echo "postgres: answering on $host:$port"; return 0; fi
  if ! command -v pg_ctlcluster >/dev/null || [[ ! -d /etc/postgresql ]]; then
    echo "postgres: nothing answers on $host:$port and no local cluster to start (pg_ctlcluster or /etc/postgresql missing)." >&2
    echo "postgres: install the distro's PostgreSQL (apt-get install postgresql) or point DATABASE_URL at a running server." >&2
    exit 1
  fi
  local version
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  if [[ -z "$version" ]]; then echo "postgres: /etc/postgresql has no cluster" >&2; exit 1; fi
  echo "postgres: not answering on $host:$port; starting cluster $version/main"
  if ! pg_ctlcluster --skip-systemctl-redirect "$version" main start; then
    echo "postgres: pg_ctlcluster $version main start failed; see /var/log/postgresql/postgresql-$version-main.log" >&2
    exit 1
  fi
  for _ in $(seq 1 60); do
    if ready; then echo "postgres: up on $host:$port"; return 0; fi
    sleep 0.5
  done
  echo "postgres: cluster $version/main started but $host:$port did not answer within 30 s" >&2
  exit 1
}

case "${1:-start}" in
  start) start ;;
  status) if ready; then echo "postgres: up on $host:$port"; else echo "postgres: down"; exit 1; fi ;;
  *) echo "usage: $0 [start|status]" >&2; exit 2 ;;
esac
