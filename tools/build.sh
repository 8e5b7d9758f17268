#!/usr/bin/env bash
# Transpiles every app and lib (src → dist) with SWC. Type checking is a
# separate step (`npm run typecheck`): SWC only strips types, which keeps the
# build fast; decorator metadata for NestJS is emitted (see .swcrc).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
swc=$root/node_modules/.bin/swc
pids=()
for project in "$root"/libs/*/ "$root"/apps/*/; do
  [ -d "$project/src" ] || continue
  (
    cd "$project"
    rm -rf dist
    "$swc" src -d dist --strip-leading-paths --quiet --ignore '**/*.spec.ts' \
      --config-file "$root/.swcrc"
  ) &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit $status
