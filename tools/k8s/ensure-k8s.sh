#!/usr/bin/env bash
# Prints the directory holding the project's pinned Kubernetes binaries, building each from the
# Go module proxy on first use (nothing else is downloaded):
#   the control plane — etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl
#   and kwok (fake nodes);
#   with --node also a real node's — kubelet, kube-proxy and CoreDNS (kubelet/node.sh).
#
# The binaries live outside the clone (MEETUP_K8S_CACHE, default ~/.cache/meetup-analytics/k8s)
# so a fresh clone on the same machine reuses them. The control plane's cold build takes ~15–25
# min on 2 cores and ~5 GB of Go build cache; the node's adds ~2 min (CoreDNS ~6 min cold); a
# warm call returns at once.
#   tools/k8s/ensure-k8s.sh [--node]          -> build what is missing, print the bin directory
#   tools/k8s/ensure-k8s.sh [--node] --check  -> exit 0 when everything is built (no build), else 1
#   tools/k8s/ensure-k8s.sh --background      -> start the control plane's cold build at the
#       lowest CPU priority and return at once (`make test` does, so the build uses what the
#       other tests leave idle); a later call waits for it (one build at a time, under a lock).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

cache="${MEETUP_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/meetup-analytics/k8s}"
bin="$cache/bin"

# name -> what it is built from; the stamp records it, so a version change rebuilds.
declare -A source_of=(
  [kube-apiserver]="k8s.io/kubernetes/cmd/kube-apiserver@$KUBERNETES_VERSION"
  [kube-controller-manager]="k8s.io/kubernetes/cmd/kube-controller-manager@$KUBERNETES_VERSION"
  [kube-scheduler]="k8s.io/kubernetes/cmd/kube-scheduler@$KUBERNETES_VERSION"
  [kubectl]="k8s.io/kubernetes/cmd/kubectl@$KUBERNETES_VERSION"
  [etcd]="go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  [kwok]="sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  [kubelet]="k8s.io/kubernetes/cmd/kubelet@$KUBERNETES_VERSION"
  [kube-proxy]="k8s.io/kubernetes/cmd/kube-proxy@$KUBERNETES_VERSION"
  [coredns]="github.com/coredns/coredns@$COREDNS_VERSION"
)
order=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok)
mode=build
for arg in "$@"; do
  case "$arg" in
    --node) order+=(kubelet kube-proxy coredns) ;;
    --check) mode=check ;;
    --background) mode=background ;;
    *) echo "usage: ensure-k8s.sh [--node] [--check | --background]" >&2; exit 2 ;;
  esac
done

built() { [[ -x "$bin/$1" && -f "$bin/.$1.source" && "$(cat "$bin/.$1.source")" == "${source_of[$1]}" ]]; }
all_built() {
  local name
  for name in "${order[@]}"; do built "$name" || return 1; done
}

if [[ "$mode" == check ]]; then
  all_built || exit 1
  echo "$bin"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "ensure-k8s: a Go toolchain (1.24+) is needed to build the control plane; install Go (e.g. apt-get install golang-go, or from the Go module proxy) and retry" >&2
  exit 1
fi

mkdir -p "$bin"
if [[ "$mode" == background ]]; then
  all_built && exit 0
  nohup nice -n 19 "$0" >"$cache/build.log" 2>&1 </dev/null &
  echo "ensure-k8s: building the control plane in the background (log: $cache/build.log)" >&2
  exit 0
fi
# One build at a time: a second caller waits here, then finds the binaries built.
exec 9>"$cache/.lock"
flock 9
export GOTOOLCHAIN=local GOFLAGS="-buildvcs=false -modcacherw" CGO_ENABLED=0

# Kubernetes stamps its version at link time, as its release build does; unstamped binaries
# report v0.0.0-master and charts' kubeVersion checks fail.
minor="${KUBERNETES_VERSION#v1.}"
minor="${minor%%.*}"
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  k8s_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

build() { # name
  local name="$1" started=$SECONDS
  echo "ensure-k8s: building $name from ${source_of[$name]} (first use)" >&2
  case "$name" in
    kube-* | kubectl | kubelet)
      (cd "$here/control-plane" && go build -trimpath -ldflags "$k8s_ldflags" -o "$bin/$name" "k8s.io/kubernetes/cmd/$name") >&2 ;;
    etcd)
      (cd "$here/etcd" && go build -trimpath -ldflags "-s -w" -o "$bin/etcd" go.etcd.io/etcd/server/v3) >&2 ;;
    kwok | coredns)
      GOBIN="$bin" go install -trimpath -ldflags "-s -w" "${source_of[$name]}" >&2 ;;
  esac
  echo "${source_of[$name]}" >"$bin/.$name.source"
  echo "ensure-k8s: $name built in $((SECONDS - started)) s" >&2
}

for name in "${order[@]}"; do
  built "$name" || build "$name"
done
echo "$bin"
