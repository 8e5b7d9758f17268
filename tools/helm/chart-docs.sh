#!/usr/bin/env bash
# charts/meetup-analytics/README.md from README.md.gotmpl and the `# --` comments above each
# value in values.yaml, with helm-docs (pinned, built from the Go module proxy into the cache),
# then Prettier (the repository's Markdown style, so `npm run lint` agrees).
#   tools/helm/chart-docs.sh           -> rewrites the README (`make chart-docs`)
#   tools/helm/chart-docs.sh --stdout  -> prints it instead (the chart tests compare it with the file)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
chart="$root/charts/meetup-analytics"
bin="$(WITH_HELM_DOCS=1 "$root/tools/helm/ensure-helm.sh")"
node_bin="$("$root/tools/node/ensure-node.sh")"
if [[ -n "$node_bin" ]]; then
  export PATH="$node_bin:$PATH"
fi
readme="$("$bin/helm-docs" --chart-search-root "$chart" --template-files README.md.gotmpl \
  --sort-values-order file --log-level warning --dry-run |
  "$root/node_modules/.bin/prettier" --stdin-filepath "$chart/README.md")"
if [[ "${1:-}" == "--stdout" ]]; then
  printf '%s\n' "$readme"
else
  printf '%s\n' "$readme" >"$chart/README.md"
fi
