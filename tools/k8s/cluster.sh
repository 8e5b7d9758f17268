#!/usr/bin/env bash
# A real Kubernetes control plane on 127.0.0.1, without containers: etcd, kube-apiserver,
# kube-controller-manager and kube-scheduler as local processes (built from the Go module proxy
# by ensure-k8s.sh), kwok faking the nodes (pods it is given show Running and Ready, Job pods and
# `restartPolicy: Never` pods complete), and the operators' CRDs (../shared/crds) installed.
# Objects are validated, admitted (Pod Security included), stored and reconciled for real; no
# container runs (no kubelet, no CNI, no operator).
#
#   cluster.sh up       start (generates certificates once per state directory)
#   cluster.sh down     stop every process it started; nothing is left running or mounted
#   cluster.sh status   what runs, and the kubeconfig to use
#   cluster.sh env      KUBECONFIG=… line for eval
#
# Environment (all optional):
#   K8S_NAME            instance name (default local); state in .cache/k8s/<name>
#   K8S_API_PORT        kube-apiserver (default 6443)
#   K8S_ETCD_PORT       etcd clients (default 2379); peers use K8S_ETCD_PORT+1
#   K8S_CM_PORT         kube-controller-manager's secure port (default 10257)
#   K8S_SCHED_PORT      kube-scheduler's secure port (default 10259)
#   K8S_KWOK_PORT       kwok's metrics/health port (default 10247)
#   K8S_NODES           fake nodes, one zone each (default 3)
#   K8S_TIMEOUT         seconds to wait for each component (default 90)
#   MEETUP_CRDS_DIR     CRDs to install (default ../shared/crds beside the repository)
#   MEETUP_K8S_CACHE    where ensure-k8s.sh keeps the binaries
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

K8S_NAME="${K8S_NAME:-local}"
K8S_API_PORT="${K8S_API_PORT:-6443}"
K8S_ETCD_PORT="${K8S_ETCD_PORT:-2379}"
K8S_ETCD_PEER_PORT="$((K8S_ETCD_PORT + 1))"
K8S_CM_PORT="${K8S_CM_PORT:-10257}"
K8S_SCHED_PORT="${K8S_SCHED_PORT:-10259}"
K8S_KWOK_PORT="${K8S_KWOK_PORT:-10247}"
K8S_TIMEOUT="${K8S_TIMEOUT:-90}"
K8S_NODES="${K8S_NODES:-3}"
CRDS_DIR="${MEETUP_CRDS_DIR:-$repo/../shared/crds}"
state="${MEETUP_CACHE_DIR:-$repo/.cache}/k8s/$K8S_NAME"
components=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

log() { echo "[k8s] $*"; }
die() { echo "[k8s] ERROR: $*" >&2; exit 1; }
# shellcheck source=common.sh
source "$here/common.sh"

validate_env() {
  [[ "$K8S_NAME" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || die "K8S_NAME='$K8S_NAME': use letters, digits, '.', '_' or '-'"
  local v names=(K8S_API_PORT K8S_ETCD_PORT K8S_ETCD_PEER_PORT K8S_CM_PORT K8S_SCHED_PORT K8S_KWOK_PORT)
  for v in "${names[@]}" K8S_TIMEOUT K8S_NODES; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v='${!v}' is not a number"
  done
  for v in "${names[@]}"; do
    (( ${!v} > 0 && ${!v} < 65536 )) || die "$v='${!v}' is not a TCP port"
  done
  local ports=()
  for v in "${names[@]}"; do ports+=("${!v}"); done
  [[ $(printf '%s\n' "${ports[@]}" | sort -u | wc -l) -eq ${#names[@]} ]] \
    || die "the ports must differ: $(for v in "${names[@]}"; do printf '%s=%s ' "$v" "${!v}"; done)"
}


require_ports_free() {
  local v owner
  for v in K8S_API_PORT K8S_ETCD_PORT K8S_ETCD_PEER_PORT K8S_CM_PORT K8S_SCHED_PORT K8S_KWOK_PORT; do
    if owner="$(port_owner "${!v}")"; then
      die "port ${!v} ($v) is already taken by $owner; stop it or choose another port with $v=…"
    fi
  done
}

pid_of() { [[ -f "$state/run/$1.pid" ]] && cat "$state/run/$1.pid"; }
running() { local pid; pid="$(pid_of "$1")" && kill -0 "$pid" 2>/dev/null; }

# ------------------------------------------------------------------------ certificates

# One CA; the API server's serving certificate; a client certificate per component, named as
# Kubernetes' bootstrap RBAC expects (system:kube-controller-manager, system:kube-scheduler), and
# an administrator in system:masters; the service-account signing key.
make_pki() {
  local pki="$state/pki"
  [[ -f "$pki/.complete" ]] && return 0
  command -v openssl >/dev/null || die "openssl is needed for the cluster's certificates (apt-get install openssl)"
  rm -rf "$pki" && mkdir -p "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=meetup-local-ca" \
    -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
  cat >"$pki/apiserver.ext" <<EOF
subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth
EOF
  sign "$pki" apiserver "/CN=kube-apiserver" "$pki/apiserver.ext"
  printf 'extendedKeyUsage=clientAuth\n' >"$pki/client.ext"
  sign "$pki" admin "/O=system:masters/CN=kubernetes-admin" "$pki/client.ext"
  sign "$pki" controller-manager "/CN=system:kube-controller-manager" "$pki/client.ext"
  sign "$pki" scheduler "/CN=system:kube-scheduler" "$pki/client.ext"
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  chmod 600 "$pki"/*.key
  touch "$pki/.complete"
}

sign() { # dir name subject extfile
  openssl req -newkey rsa:2048 -nodes -subj "$3" -keyout "$1/$2.key" -out "$1/$2.csr" 2>/dev/null
  openssl x509 -req -in "$1/$2.csr" -CA "$1/ca.crt" -CAkey "$1/ca.key" -CAcreateserial \
    -days 3650 -extfile "$4" -out "$1/$2.crt" 2>/dev/null
}

kubeconfig() { # name -> file
  local file="$state/$1.kubeconfig" pki="$state/pki"
  write_kubeconfig "$file" "$1" "$pki/$1.crt" "$pki/$1.key" "$pki/ca.crt"
  echo "$file"
}

# ------------------------------------------------------------------------ processes

start() { # name binary args...
  local name="$1"
  shift
  # setsid: its own process group, so `down` ends it and anything it spawned.
  setsid "$@" >>"$state/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$state/run/$name.pid"
}


healthy() { # port path
  curl --silent --fail --max-time 2 --cacert "$state/pki/ca.crt" \
    --cert "$state/pki/admin.crt" --key "$state/pki/admin.key" "https://127.0.0.1:$1$2"
}
insecure_healthy() { curl --silent --fail --insecure --max-time 2 "https://127.0.0.1:$1$2"; }

stop_all() {
  local name pid deadline
  for name in $(printf '%s\n' "${components[@]}" | tac); do
    pid="$(pid_of "$name")" || continue
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      deadline=$((SECONDS + 20))
      while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
      kill -KILL -- "-$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
      log "$name stopped (pid $pid)"
    fi
    rm -f "$state/run/$name.pid"
  done
}

cmd_up() {
  validate_env
  local name bin
  for name in "${components[@]}"; do
    running "$name" && die "$name of '$K8S_NAME' already runs (pid $(pid_of "$name")); run 'cluster.sh down' first"
  done
  require_ports_free
  bin="$("$here/ensure-k8s.sh")"
  mkdir -p "$state/run" "$state/logs"
  make_pki
  local pki="$state/pki" admin cm sched t0=$SECONDS
  admin="$(kubeconfig admin)"
  cm="$(kubeconfig controller-manager)"
  sched="$(kubeconfig scheduler)"
  # A start that fails half-way stops what it started.
  trap 'stop_all' EXIT

  # A fresh store on each start: a cluster for checks, not for keeping.
  rm -rf "$state/etcd"
  start etcd "$bin/etcd" --name "$K8S_NAME" --data-dir "$state/etcd" \
    --listen-client-urls "http://127.0.0.1:$K8S_ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$K8S_ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$K8S_ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$K8S_ETCD_PEER_PORT" \
    --initial-cluster "$K8S_NAME=http://127.0.0.1:$K8S_ETCD_PEER_PORT" \
    --listen-metrics-urls "" --log-level warn --quota-backend-bytes 2147483648
  wait_until "etcd" curl --silent --fail "http://127.0.0.1:$K8S_ETCD_PORT/health"

  # --endpoint-reconciler-type=none: a 127.0.0.1 advertise address makes the `kubernetes`
  # Endpoints invalid, and nothing in the cluster dials it.
  start kube-apiserver "$bin/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$K8S_ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$K8S_API_PORT" \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" \
    --service-account-issuer "https://kubernetes.default.svc.cluster.local" \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 \
    --authorization-mode Node,RBAC \
    --allow-privileged=true \
    --endpoint-reconciler-type none \
    --profiling=false
  wait_until "kube-apiserver" healthy "$K8S_API_PORT" /readyz

  start kube-controller-manager "$bin/kube-controller-manager" \
    --kubeconfig "$cm" --authentication-kubeconfig "$cm" --authorization-kubeconfig "$cm" \
    --bind-address 127.0.0.1 --secure-port "$K8S_CM_PORT" --leader-elect=false \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --use-service-account-credentials=true \
    --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
    --profiling=false
  start kube-scheduler "$bin/kube-scheduler" \
    --kubeconfig "$sched" --authentication-kubeconfig "$sched" --authorization-kubeconfig "$sched" \
    --bind-address 127.0.0.1 --secure-port "$K8S_SCHED_PORT" --leader-elect=false --profiling=false
  wait_until "kube-controller-manager" insecure_healthy "$K8S_CM_PORT" /healthz
  wait_until "kube-scheduler" insecure_healthy "$K8S_SCHED_PORT" /healthz

  # kwok plays the kubelet of the nodes annotated kwok.x-k8s.io/node=fake, renewing each node's
  # Lease as a kubelet does (without the flag it renews none, and the node lifecycle controller
  # marks the nodes NotReady after its grace period, taking every pod's readiness with them).
  start kwok "$bin/kwok" --kubeconfig "$admin" --node-lease-duration-seconds 40 \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --server-address "127.0.0.1:$K8S_KWOK_PORT" --cidr 10.244.0.1/16 --node-ip 127.0.0.1 \
    --config "$here/kwok-stages.yaml"
  wait_until "kwok" curl --silent --fail "http://127.0.0.1:$K8S_KWOK_PORT/healthz"

  local kubectl=("$bin/kubectl" --kubeconfig "$admin")
  if [[ -d "$CRDS_DIR" ]]; then
    "${kubectl[@]}" apply --server-side -R -f "$CRDS_DIR" >/dev/null
    crds_established() {
      ! "${kubectl[@]}" get crd -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Established")].status}{"\n"}{end}' | grep -vq '^True$'
    }
    wait_until "the CRDs" crds_established
  else
    log "no CRDs at $CRDS_DIR (MEETUP_CRDS_DIR): operator resources will be refused"
  fi
  local i
  ((K8S_NODES == 0)) || for ((i = 0; i < K8S_NODES; i++)); do
    sed -e "s/NAME/kwok-node-$i/g" -e "s/ZONE/local-$i/" "$here/fake-node.yaml"
    echo ---
  done | "${kubectl[@]}" apply -f - >/dev/null
  # (`kubectl wait` errors out on an object that has no conditions yet; these loops wait.)
  nodes_ready() {
    [[ "$("${kubectl[@]}" get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c '^True$')" -eq "$K8S_NODES" ]]
  }
  wait_until "the nodes" nodes_ready
  wait_until "the default ServiceAccount" "${kubectl[@]}" get serviceaccount default -n default
  trap - EXIT
  log "control plane $("$bin/kube-apiserver" --version | cut -d' ' -f2) up in $((SECONDS - t0)) s on https://127.0.0.1:$K8S_API_PORT"
  log "export KUBECONFIG=$admin"
}

cmd_down() {
  validate_env
  stop_all
  # Nothing is mounted by this script; say so if something is (a kubelet would mount volumes).
  if findmnt -rn -o TARGET | grep -q "^$state/"; then
    die "mounts remain under $state: $(findmnt -rn -o TARGET | grep "^$state/" | tr '\n' ' ')"
  fi
  log "'$K8S_NAME' is down"
}

cmd_status() {
  local name any=1
  for name in "${components[@]}"; do
    if running "$name"; then
      echo "$name: running (pid $(pid_of "$name"))"
      any=0
    else
      echo "$name: stopped"
    fi
  done
  [[ -f "$state/admin.kubeconfig" ]] && echo "KUBECONFIG=$state/admin.kubeconfig"
  return $any
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) echo "KUBECONFIG=$state/admin.kubeconfig" ;;
  *) echo "usage: cluster.sh up|down|status|env" >&2; exit 2 ;;
esac
