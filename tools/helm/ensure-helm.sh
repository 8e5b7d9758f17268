#!/usr/bin/env bash
# Prints the directory holding the project's pinned helm (and promtool), building them
# with `go install` from the Go module proxy on first use. Nothing else is downloaded.
#   tools/helm/ensure-helm.sh            -> helm only
#   WITH_PROMTOOL=1 tools/helm/ensure-helm.sh -> helm and promtool (Prometheus v3.9, module v0.309.1)
#   WITH_HELM_DOCS=1 tools/helm/ensure-helm.sh -> helm and helm-docs (the chart README's values table)
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.19.5}"
HELM_DOCS_VERSION="${HELM_DOCS_VERSION:-v1.14.2}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="${MEETUP_CACHE_DIR:-$root/.cache}/go"
bin="$cache/bin"
mkdir -p "$bin"

if ! command -v go >/dev/null 2>&1; then
  echo "ensure-helm: a Go toolchain (1.24+) is needed to build helm; install Go and retry" >&2
  exit 1
fi

export GOPATH="$cache" GOBIN="$bin" GOMODCACHE="$cache/pkg/mod" GOFLAGS="-buildvcs=false -modcacherw"
export CGO_ENABLED=0 GOTOOLCHAIN=local

# helm's own Makefile stamps its version and the Kubernetes version it targets (the default
# for `helm template`/`lint` capabilities and deprecation checks); a bare `go install` would
# leave Kubernetes 1.20.
K8S_MINOR="${K8S_MINOR:-34}"
helm_ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  helm_ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$K8S_MINOR"
done

install_pinned() { # name module@version [go install flags...]
  local name="$1" module="$2" stamp="$bin/.$1.version"
  shift 2
  local want="$module $*"
  if [[ -x "$bin/$name" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  echo "ensure-helm: building $module (first use, a few minutes)" >&2
  go install "$@" "$module" >&2
  echo "$want" >"$stamp"
}

install_pinned helm "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" -ldflags "$helm_ldflags"
if [[ "${WITH_HELM_DOCS:-0}" == "1" ]]; then
  install_pinned helm-docs "github.com/norwoodj/helm-docs/cmd/helm-docs@$HELM_DOCS_VERSION"
fi
# promtool's module has `exclude` directives, so `go install pkg@version` refuses it; it is
# built inside tools/helm/promtool (go.mod/go.sum pin Prometheus). First build: ~10 min.
if [[ "${WITH_PROMTOOL:-0}" == "1" ]]; then
  stamp="$bin/.promtool.version"
  want="$(sha256sum "$root/tools/helm/promtool/go.sum" | cut -c1-16)"
  if [[ ! -x "$bin/promtool" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "ensure-helm: building promtool (first use, about ten minutes)" >&2
    (cd "$root/tools/helm/promtool" && go build -o "$bin/promtool" github.com/prometheus/prometheus/cmd/promtool) >&2
    echo "$want" >"$stamp"
  fi
fi
echo "$bin"
