#!/usr/bin/env bash
# Prints the directory that must come first on PATH so that `node` is the
# project's Node major (from .nvmrc). Prints nothing when the machine's own
# Node is recent enough. Otherwise installs Node from the npm registry
# package node-linux-<arch> (a Node binary shipped inside a registry package)
# into the project's cache, once.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${MEETUP_CACHE_DIR:-$repo/.cache}
want_major=$(tr -dc '0-9' <"$repo/.nvmrc")
# Exact version of the registry package; bump together with .nvmrc.
pinned=24.21.0

log() { printf '[node] %s\n' "$*" >&2; }

have_major=0
if command -v node >/dev/null 2>&1; then
  have_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
fi
if [ "$have_major" -ge "$want_major" ] 2>/dev/null && [ -z "${MEETUP_FORCE_NODE_PACKAGE:-}" ]; then
  exit 0
fi

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) log "no node-linux package for $(uname -m); install Node $want_major yourself"; exit 1 ;;
esac

dir="$cache/node/$pinned"
if [ ! -x "$dir/bin/node" ]; then
  command -v npm >/dev/null || { log "npm is needed to fetch Node $pinned (install any Node with npm first)"; exit 1; }
  log "machine Node is v$have_major, project wants v$want_major: fetching node-linux-$arch@$pinned from the npm registry"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$pinned" >/dev/null)
  mkdir -p "$tmp/x"
  tar -xzf "$tmp"/node-linux-"$arch"-*.tgz -C "$tmp/x"
  mkdir -p "$(dirname "$dir")"
  rm -rf "$dir"
  mv "$tmp/x/package" "$dir"
  "$dir/bin/node" -v >/dev/null
  log "installed Node $("$dir/bin/node" -v) in $dir"
fi
printf '%s\n' "$dir/bin"
