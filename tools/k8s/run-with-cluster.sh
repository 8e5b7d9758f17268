#!/usr/bin/env bash
# Runs a command against a control plane of its own (cluster.sh), then stops it whatever the
# command's outcome: `run-with-cluster.sh npx jest --selectProjects kubernetes`.
# The command sees KUBECONFIG (an administrator of that cluster) and K8S_BIN (the pinned kubectl,
# kube-apiserver, … directory). Defaults keep it apart from `make k8s-up`'s cluster:
# K8S_NAME=check on ports 16443 (API), 12379-12380 (etcd), 10357, 10359, 10347.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export K8S_NAME="${K8S_NAME:-check}" K8S_API_PORT="${K8S_API_PORT:-16443}" K8S_ETCD_PORT="${K8S_ETCD_PORT:-12379}"
export K8S_CM_PORT="${K8S_CM_PORT:-10357}" K8S_SCHED_PORT="${K8S_SCHED_PORT:-10359}" K8S_KWOK_PORT="${K8S_KWOK_PORT:-10347}"
[[ $# -gt 0 ]] || { echo "usage: run-with-cluster.sh <command> [args…]" >&2; exit 2; }

K8S_BIN="$("$here/ensure-k8s.sh")"
export K8S_BIN
trap '"$here/cluster.sh" down' EXIT
"$here/cluster.sh" up
eval "export $("$here/cluster.sh" env)"
"$@"
