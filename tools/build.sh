#!/usr/bin/env bash
# Transpiles every app and lib (src → dist) with SWC. Type checking is a
# separate step (`npm run typecheck`): SWC only strips types, which keeps the
# build fast; decorator metadata for NestJS is emitted (see .swcrc).
#
# Usage: tools/build.sh [project-dir …]   (default: every app and lib)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
swc=$root/node_modules/.bin/swc
if [ $# -gt 0 ]; then
  projects=()
  for dir in "$@"; do projects+=("$(cd "$dir" && pwd)"); done
else
  projects=("$root"/libs/*/ "$root"/apps/*/)
fi
pids=()
for project in "${projects[@]}"; do
  [ -d "$project/src" ] || continue
  (
    cd "$project"
    rm -rf dist
    "$swc" src -d dist --strip-leading-paths --quiet --ignore '**/*.spec.ts' \
      --config-file "$root/.swcrc"
    # A project with a browser page bundles it into dist/ too, after swc (dist was just emptied).
    if [ -f build-web.mjs ]; then node build-web.mjs; fi
  ) &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit $status
