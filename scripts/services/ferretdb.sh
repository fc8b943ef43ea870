#!/usr/bin/env bash
# Builds FerretDB 1.24.2 from the Go module proxy (once, cached under .tools/) and starts it on
# 127.0.0.1:27017 with its SQLite backend, then waits until it answers a `ping`.
#
#   scripts/services/ferretdb.sh build   # build only
#   scripts/services/ferretdb.sh start   # build if needed, start, wait for ping (default)
#   scripts/services/ferretdb.sh stop
#   scripts/services/ferretdb.sh status
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version="v1.24.2"
tools="$root/.tools"
bin="$tools/ferretdb/ferretdb-$version"
data="$tools/ferretdb/data"
log="$tools/ferretdb/ferretdb.log"
pidfile="$tools/ferretdb/ferretdb.pid"
addr="${FERRETDB_ADDR:-127.0.0.1:27017}"
export PATH="/usr/local/go/bin:$PATH"

build() {
  [[ -x "$bin" ]] && return 0
  command -v go >/dev/null || { echo "ferretdb: Go is required to build FerretDB (not found)" >&2; exit 1; }
  mkdir -p "$tools/ferretdb"
  local gopath; gopath="$(go env GOMODCACHE)"
  echo "ferretdb: downloading github.com/FerretDB/FerretDB@$version from the Go module proxy"
  local dir
  dir="$(cd "$tools/ferretdb" && GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$dir" ]] || { echo "ferretdb: module download failed" >&2; exit 1; }
  local src="$tools/ferretdb/src"
  rm -rf "$src"; cp -r "$dir" "$src"; chmod -R u+w "$src"
  mkdir -p "$src/build/version"; echo "$version" > "$src/build/version/version.txt"
  echo "ferretdb: building (CGO_ENABLED=0)"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -o "$bin.tmp" ./cmd/ferretdb)
  mv "$bin.tmp" "$bin"
  rm -rf "$src"
  echo "ferretdb: built $bin"
}

ping_ok() {
  # A real MongoDB-wire `ping` through the project's Node (mongodb driver), else bash /dev/tcp as a port probe.
  # The driver is a devDependency of packages/test-utils; a root install would do too.
  if [[ -n "${WM_NODE:-}" && -f "$root/scripts/services/mongo-ping.mjs" ]] \
     && [[ -d "$root/packages/test-utils/node_modules/mongodb" || -d "$root/node_modules/mongodb" ]]; then
    "$WM_NODE" "$root/scripts/services/mongo-ping.mjs" "mongodb://$addr/" >/dev/null 2>&1
  else
    (exec 3<>"/dev/tcp/${addr%:*}/${addr#*:}") 2>/dev/null
  fi
}

start() {
  build
  if ping_ok; then echo "ferretdb: already answering on $addr"; return 0; fi
  mkdir -p "$data"
  nohup "$bin" --handler=sqlite --sqlite-url="file:$data/" --listen-addr="$addr" \
    --state-dir=- --debug-addr=- --telemetry=disable --log-level=warn >"$log" 2>&1 &
  echo $! > "$pidfile"
  local deadline=$((SECONDS + 30))
  while (( SECONDS < deadline )); do
    if ping_ok; then echo "ferretdb: up on $addr (pid $(cat "$pidfile"))"; return 0; fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "ferretdb: process exited; log follows" >&2; cat "$log" >&2; exit 1
    fi
    sleep 0.2
  done
  echo "ferretdb: no ping answer on $addr after 30 s; log follows" >&2; cat "$log" >&2; exit 1
}

stop() {
  if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill "$(cat "$pidfile")"; rm -f "$pidfile"; echo "ferretdb: stopped"
  else
    pkill -f "ferretdb-$version" 2>/dev/null && echo "ferretdb: stopped" || echo "ferretdb: not running"
  fi
}

case "${1:-start}" in
  build) build ;;
  start) start ;;
  stop) stop ;;
  status) if ping_ok; then echo "ferretdb: up on $addr"; else echo "ferretdb: down"; exit 1; fi ;;
  *) echo "usage: $0 [build|start|stop|status]" >&2; exit 2 ;;
esac
