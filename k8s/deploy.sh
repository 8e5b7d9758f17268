#!/usr/bin/env bash
# Installs (or upgrades) the chart on the kind cluster with the kind profile and waits for it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cluster="${KIND_CLUSTER:-meetup}"
namespace="${NAMESPACE:-meetup}"
kubectl config use-context "kind-$cluster"
extra=()
# Without kube-prometheus-stack there are no ServiceMonitor/PrometheusRule CRDs to apply them to.
if ! kubectl get crd servicemonitors.monitoring.coreos.com >/dev/null 2>&1; then
  extra+=(--set monitoring.serviceMonitor.enabled=false --set monitoring.prometheusRule.enabled=false)
fi
# The hook Jobs wait for Elasticsearch and Kibana, which take a few minutes on a laptop.
helm upgrade --install meetup "$root/charts/meetup-analytics" --namespace "$namespace" --create-namespace \
  -f "$root/charts/meetup-analytics/profiles/kind.yaml" "${extra[@]}" --timeout 20m --wait "$@"
helm test meetup --namespace "$namespace" --timeout 5m
