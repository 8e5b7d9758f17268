#!/usr/bin/env bash
# Runs every benchmark (`apps/*/bench/*.bench.ts`, `libs/*/bench/*.bench.ts`)
# one after the other. A benchmark is a plain TypeScript program (run through
# @swc-node/register) that measures and prints its results; it asserts no
# timings. Engines' addresses arrive as TEST_KAFKA_BROKERS / TEST_ES_URL.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
shopt -s nullglob
benches=(apps/*/bench/*.bench.ts libs/*/bench/*.bench.ts)
[ ${#benches[@]} -gt 0 ] || { echo "[bench] no benchmarks found"; exit 0; }
for bench in "${benches[@]}"; do
  if [ -n "${BENCH:-}" ] && [[ $bench != *"$BENCH"* ]]; then continue; fi
  echo "[bench] $bench"
  SWC_NODE_PROJECT="$root/tsconfig.json" node -r @swc-node/register "$bench"
done
