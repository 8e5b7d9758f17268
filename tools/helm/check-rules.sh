#!/usr/bin/env bash
# `promtool check rules` on the PrometheusRule the chart renders (production profile), then
# `promtool test rules` with the alert scenarios of charts/meetup-analytics/tests/rules/
# (series in, alerts expected out), each run next to the rendered rules as `rules.yaml`.
# promtool is optional (its first build takes ~10 min): when it is not built, say so and skip.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="$("$root/tools/helm/ensure-helm.sh")"
promtool="${PROMTOOL:-$bin/promtool}"
if [[ ! -x "$promtool" ]]; then
  promtool="$(command -v promtool || true)"
fi
if [[ -z "$promtool" ]]; then
  echo "check-rules: SKIPPED promtool check/test rules: promtool not found (build it with 'make promtool', or apt-get install prometheus)"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin/helm" template meetup "$root/charts/meetup-analytics" --namespace meetup \
  -f "$root/charts/meetup-analytics/profiles/production.yaml" \
  --show-only templates/prometheusrule.yaml |
  node -e 'const y=require("yaml");let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(y.stringify(y.parse(s).spec)))' >"$work/rules.yaml"
"$promtool" check rules "$work/rules.yaml"
cp "$root"/charts/meetup-analytics/tests/rules/*.test.yaml "$work/"
"$promtool" test rules "$work"/*.test.yaml
