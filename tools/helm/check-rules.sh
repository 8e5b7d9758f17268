#!/usr/bin/env bash
# `promtool check rules` on the PrometheusRule the chart renders (production profile).
# promtool is optional (its first build takes ~10 min): when it is not built, say so and skip.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="$("$root/tools/helm/ensure-helm.sh")"
promtool="${PROMTOOL:-$bin/promtool}"
if [[ ! -x "$promtool" ]]; then
  promtool="$(command -v promtool || true)"
fi
if [[ -z "$promtool" ]]; then
  echo "check-rules: SKIPPED promtool check rules: promtool not found (build it with 'make promtool', or apt-get install prometheus)"
  exit 0
fi
rules="$(mktemp --suffix=.rules.yaml)"
trap 'rm -f "$rules"' EXIT
"$bin/helm" template meetup "$root/charts/meetup-analytics" -f "$root/charts/meetup-analytics/profiles/production.yaml" \
  --show-only templates/prometheusrule.yaml |
  node -e 'const y=require("yaml");let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(y.stringify(y.parse(s).spec)))' >"$rules"
"$promtool" check rules "$rules"
