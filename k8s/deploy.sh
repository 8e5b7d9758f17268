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
# --wait: until the services are ready, which they are once the bootstrap Job (a regular Job, started
# with everything else) has created their indices, and it waits for Elasticsearch itself;
# --wait-for-jobs: until that Job has completed. A first install pulls images and starts Kafka,
# Elasticsearch and Kibana: about 5-10 minutes on a laptop, hence 15 minutes
# (TIMEOUT=…, e.g. 25m on a slow machine); the Kibana import hook runs after, within the same timeout.
helm upgrade --install meetup "$root/charts/meetup-analytics" --namespace "$namespace" --create-namespace \
  -f "$root/charts/meetup-analytics/profiles/kind.yaml" "${extra[@]}" \
  --wait --wait-for-jobs --timeout "${TIMEOUT:-15m}" "$@"
helm test meetup --namespace "$namespace" --timeout 5m
