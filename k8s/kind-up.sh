#!/usr/bin/env bash
# Creates a kind cluster and installs the operators the chart needs, at pinned versions:
# Strimzi (Kafka) and ECK (Elasticsearch, Kibana); with MONITORING=1 also kube-prometheus-stack
# (Prometheus, Grafana with its dashboard sidecar), with KEDA=1 also KEDA.
# Needs docker, kind, kubectl and helm on PATH. Runs on a developer machine, not in CI.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
cluster="${KIND_CLUSTER:-meetup}"
for tool in docker kind kubectl helm; do
  command -v "$tool" >/dev/null || { echo "kind-up: $tool is not on PATH" >&2; exit 1; }
done

if ! kind get clusters | grep -qx "$cluster"; then
  kind create cluster --name "$cluster" --config "$here/kind-config.yaml" --wait 120s
fi
kubectl config use-context "kind-$cluster"

echo "kind-up: Strimzi $STRIMZI_VERSION"
kubectl create namespace strimzi --dry-run=client -o yaml | kubectl apply -f -
helm upgrade --install strimzi oci://quay.io/strimzi-helm/strimzi-kafka-operator \
  --version "$STRIMZI_VERSION" --namespace strimzi --set watchAnyNamespace=true --wait

echo "kind-up: ECK $ECK_VERSION"
helm repo add elastic https://helm.elastic.co --force-update >/dev/null
helm upgrade --install elastic-operator elastic/eck-operator --version "$ECK_VERSION" \
  --namespace elastic-system --create-namespace --wait

if [[ "${MONITORING:-0}" == "1" ]]; then
  echo "kind-up: kube-prometheus-stack $KUBE_PROMETHEUS_STACK_VERSION"
  helm repo add prometheus-community https://prometheus-community.github.io/helm-charts --force-update >/dev/null
  # The chart's ServiceMonitors and PrometheusRules carry `release: kube-prometheus-stack` (kind profile).
  helm upgrade --install kube-prometheus-stack prometheus-community/kube-prometheus-stack \
    --version "$KUBE_PROMETHEUS_STACK_VERSION" --namespace monitoring --create-namespace \
    --set grafana.sidecar.dashboards.enabled=true --set grafana.sidecar.dashboards.searchNamespace=ALL --wait
fi

if [[ "${KEDA:-0}" == "1" ]]; then
  echo "kind-up: KEDA $KEDA_VERSION"
  helm repo add kedacore https://kedacore.github.io/charts --force-update >/dev/null
  helm upgrade --install keda kedacore/keda --version "$KEDA_VERSION" --namespace keda --create-namespace --wait
fi
echo "kind-up: cluster kind-$cluster is ready; next: make images kind-load deploy"
