#!/usr/bin/env bash
# One real node for the control plane of ../cluster.sh: a kubelet (built from the same wrapper
# module, ../ensure-k8s.sh --node) with Debian's containerd, runc and CNI plugins, so pods really run —
# images from the local podman store, httpGet/exec probes called for real, resource limits set in
# cgroups, Pod Security's securityContext applied by runc (seccomp, no capabilities, non-root) —
# plus kube-proxy (nftables: Services' ClusterIPs route) and CoreDNS on the pods' gateway
# (service names resolve), both as host processes.
#
#   node.sh up       start containerd + kubelet for the cluster K8S_NAME (start the cluster first)
#   node.sh down     delete the node's pods, stop kubelet and containerd; no process, mount,
#                    network namespace, bridge or cgroup of theirs is left behind
#   node.sh status   what runs
#   node.sh images   (re-)import K8S_NODE_IMAGES from podman into the node
#
# Environment (all optional):
#   K8S_NAME                   the cluster's instance name (default local), as for cluster.sh
#   K8S_API_PORT               its kube-apiserver port (default 6443)
#   K8S_NODE_NAME              node name (default: this machine's hostname, which must resolve to a
#                              loopback address so the API server reaches the kubelet — logs, exec)
#   K8S_KUBELET_PORT           the kubelet's API on 127.0.0.1 (default 10250)
#   K8S_KUBELET_HEALTHZ_PORT   its healthz on 127.0.0.1 (default 10248)
#   K8S_POD_SUBNET             pod addresses, a /24 on a host bridge (default 10.245.0.0/24)
#   K8S_NODE_BRIDGE            the bridge's name (default mk8s0)
#   K8S_NODE_IMAGES            podman images to import (default localhost/meetup-analytics:dev);
#                              a localhost/NAME:TAG is also tagged NAME:TAG, the short name the
#                              chart's `image.repository` uses
#   K8S_PROXY_HEALTHZ_PORT     kube-proxy's healthz on 127.0.0.1 (default 10256)
#   K8S_PROXY_METRICS_PORT     kube-proxy's metrics on 127.0.0.1 (default 10249)
#   K8S_TIMEOUT                seconds to wait for each step (default 90)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"

K8S_NAME="${K8S_NAME:-local}"
K8S_API_PORT="${K8S_API_PORT:-6443}"
K8S_NODE_NAME="${K8S_NODE_NAME:-$(hostname)}"
K8S_KUBELET_PORT="${K8S_KUBELET_PORT:-10250}"
K8S_KUBELET_HEALTHZ_PORT="${K8S_KUBELET_HEALTHZ_PORT:-10248}"
K8S_POD_SUBNET="${K8S_POD_SUBNET:-10.245.0.0/24}"
K8S_NODE_BRIDGE="${K8S_NODE_BRIDGE:-mk8s0}"
K8S_NODE_IMAGES="${K8S_NODE_IMAGES:-localhost/meetup-analytics:dev}"
K8S_PROXY_HEALTHZ_PORT="${K8S_PROXY_HEALTHZ_PORT:-10256}"
K8S_PROXY_METRICS_PORT="${K8S_PROXY_METRICS_PORT:-10249}"
K8S_TIMEOUT="${K8S_TIMEOUT:-90}"
gateway="${K8S_POD_SUBNET%.*/*}.1"  # the bridge's address: the pods' route out, their DNS server
cluster_state="${MEETUP_CACHE_DIR:-$repo/.cache}/k8s/$K8S_NAME"
state="$cluster_state/node"          # config, certificates, logs, containerd's and kubelet's data
run="/run/meetup-k8s/$K8S_NAME"      # sockets and runtime state (short paths: unix sockets)
sock="$run/containerd.sock"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$repo/tools/image/containers.conf}"

log() { echo "[node] $*"; }
die() { echo "[node] ERROR: $*" >&2; exit 1; }
# shellcheck source=../common.sh
source "$here/../common.sh"


ctr_() { ctr --address "$sock" --namespace k8s.io "$@"; }
pid_of() { [[ -f "$state/run/$1.pid" ]] && cat "$state/run/$1.pid"; }
# Alive and not a zombie (a killed process may wait a while for its reaper).
running() {
  local pid
  pid="$(pid_of "$1")" && kill -0 "$pid" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]]
}
running_tasks() { ctr_ tasks ls 2>/dev/null | awk '$3 == "RUNNING" { print $1 }'; }
kubectl_() { "$k8s_bin/kubectl" --kubeconfig "$cluster_state/admin.kubeconfig" "$@"; }



require_tools() {
  local missing=()
  command -v containerd >/dev/null || missing+=("containerd (apt-get install containerd)")
  command -v ctr >/dev/null || missing+=("ctr (apt-get install containerd)")
  command -v runc >/dev/null || missing+=("runc (apt-get install runc)")
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local ]] || missing+=("the CNI plugins in /usr/lib/cni (apt-get install containernetworking-plugins)")
  command -v podman >/dev/null || missing+=("podman, for the images (apt-get install podman)")
  command -v openssl >/dev/null || missing+=("openssl (apt-get install openssl)")
  command -v nft >/dev/null || missing+=("nft, for kube-proxy (apt-get install nftables)")
  command -v go >/dev/null || missing+=("a Go toolchain 1.24+ (apt-get install golang-go)")
  ((${#missing[@]} == 0)) || die "missing: ${missing[*]}"
  [[ "$(id -u)" == 0 ]] || die "a kubelet and containerd need root (mounts, cgroups, network namespaces)"
}

# ------------------------------------------------------------------------ configuration

node_pki() {
  local pki="$state/pki" ca="$cluster_state/pki"
  [[ -f "$ca/ca.key" ]] || die "no cluster CA in $ca: start the cluster first (K8S_NAME=$K8S_NAME tools/k8s/cluster.sh up)"
  if [[ -f "$pki/node.crt" && -f "$pki/kube-proxy.crt" ]] && openssl verify -CAfile "$ca/ca.crt" "$pki/node.crt" >/dev/null 2>&1 \
    && [[ "$(openssl x509 -noout -subject -in "$pki/node.crt")" == *"system:node:$K8S_NODE_NAME"* ]]; then
    return 0
  fi
  rm -rf "$pki" && mkdir -p "$pki"
  # The Node authorizer and NodeRestriction admission know a kubelet by this name and group.
  openssl req -newkey rsa:2048 -nodes -subj "/O=system:nodes/CN=system:node:$K8S_NODE_NAME" \
    -keyout "$pki/node.key" -out "$pki/node.csr" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >"$pki/client.ext"
  openssl x509 -req -in "$pki/node.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -CAserial "$pki/ca.srl" \
    -CAcreateserial -days 3650 -extfile "$pki/client.ext" -out "$pki/node.crt" 2>/dev/null
  # kube-proxy: the bootstrap RBAC binds this user to system:node-proxier.
  openssl req -newkey rsa:2048 -nodes -subj "/CN=system:kube-proxy" \
    -keyout "$pki/kube-proxy.key" -out "$pki/kube-proxy.csr" 2>/dev/null
  openssl x509 -req -in "$pki/kube-proxy.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -CAserial "$pki/ca.srl" \
    -days 3650 -extfile "$pki/client.ext" -out "$pki/kube-proxy.crt" 2>/dev/null
  chmod 600 "$pki/node.key" "$pki/kube-proxy.key"
}

write_config() {
  mkdir -p "$state/cni" "$state/logs" "$state/run" "$run"
  cat >"$state/containerd.toml" <<EOF
version = 2
root = "$state/containerd"
state = "$run/containerd"
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[metrics]
  address = ""
[plugins."io.containerd.grpc.v1.cri"]
  # Built locally (pause/); no registry serves it here.
  sandbox_image = "registry.k8s.io/pause:3.10"
  disable_apparmor = true
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        # cgroupfs: no systemd here; runc (not crun) accepts the hybrid cgroup v1 layout.
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$state/cni"
EOF
  # A host bridge, the default route through its gateway (this machine: Services when a
  # kube-proxy runs, a DNS server on the gateway); no masquerade, so no iptables rule to clean up.
  cat >"$state/cni/10-meetup.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "meetup-$K8S_NAME",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$K8S_NODE_BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$K8S_POD_SUBNET", "gateway": "$gateway" }]],
        "routes": [{ "dst": "0.0.0.0/0" }],
        "dataDir": "$run/ipam"
      }
    }
  ]
}
EOF
  write_kubeconfig "$state/kubelet.kubeconfig" "$K8S_NODE_NAME" "$state/pki/node.crt" "$state/pki/node.key" "$cluster_state/pki/ca.crt"
  # The kubelet's API listens on 127.0.0.1 only; the API server (which presents no client
  # certificate to kubelets here) reaches it for logs/exec through the node's Hostname address.
  cat >"$state/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $K8S_KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $K8S_KUBELET_HEALTHZ_PORT
authentication:
  anonymous: { enabled: true }
  webhook: { enabled: false }
  x509: { clientCAFile: "$cluster_state/pki/ca.crt" }
authorization: { mode: AlwaysAllow }
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
# No KUBE-FIREWALL / canary chains in the host's iptables (nothing to clean up; no kube-proxy here).
makeIPTablesUtilChains: false
containerRuntimeEndpoint: unix://$sock
imageServiceEndpoint: unix://$sock
resolvConf: /etc/resolv.conf
# Images come from podman, not a registry: never collect them, never evict for disk.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: { memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%" }
maxPods: 30
clusterDomain: cluster.local
clusterDNS: ["$gateway"]
EOF
  write_kubeconfig "$state/kube-proxy.kubeconfig" kube-proxy "$state/pki/kube-proxy.crt" "$state/pki/kube-proxy.key" "$cluster_state/pki/ca.crt"
  # Bound to the gateway only; answers cluster.local from the API server, forwards the rest.
  cat >"$state/Corefile" <<EOF
.:53 {
    bind $gateway
    errors
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $cluster_state/admin.kubeconfig admin@$K8S_NAME
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    forward . /etc/resolv.conf
    cache 30
}
EOF
}

# ------------------------------------------------------------------------ images

import_pause() {
  ctr_ images check "name==registry.k8s.io/pause:3.10" 2>/dev/null | grep -q . && return 0
  local work
  work="$(mktemp -d)"
  (cd "$here/pause" && GOTOOLCHAIN=local GOFLAGS=-buildvcs=false CGO_ENABLED=0 nice -n 19 \
    go build -trimpath -ldflags "-s -w" -o "$work/pause" .)
  "$here/oci-image.sh" "$work/pause" registry.k8s.io/pause:3.10 "$work/pause.tar"
  ctr_ images import "$work/pause.tar" >/dev/null
  rm -rf "$work"
}

import_images() {
  local image short work
  work="$(mktemp -d)"
  for image in $K8S_NODE_IMAGES; do
    podman image exists "$image" || die "no image $image in podman (build it: make image)"
    log "importing $image from podman"
    podman save --quiet --format oci-archive -o "$work/image.tar" "$image" >/dev/null
    ctr_ images import --base-name "${image%:*}" "$work/image.tar" >/dev/null
    rm -f "$work/image.tar"
    if [[ "$image" == localhost/* ]]; then
      short="${image#localhost/}"
      ctr_ images rm "docker.io/library/$short" >/dev/null 2>&1 || true
      ctr_ images tag "$image" "docker.io/library/$short" >/dev/null
    fi
  done
  rm -rf "$work"
}

# ------------------------------------------------------------------------ processes

start() { # name command...
  local name="$1"
  shift
  setsid "$@" >>"$state/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$state/run/$name.pid"
}

stop() { # name
  local pid deadline
  pid="$(pid_of "$1")" || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 20))
    while running "$1" && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    while running "$1"; do sleep 0.1; done
    log "$1 stopped (pid $pid)"
  fi
  rm -f "$state/run/$1.pid"
}

cmd_up() {
  require_tools
  local name v t0=$SECONDS kubelet_bin
  for name in containerd kubelet kube-proxy coredns; do
    running "$name" && die "$name of '$K8S_NAME' already runs (pid $(pid_of "$name")); run 'node.sh down' first"
  done
  for v in K8S_KUBELET_PORT K8S_KUBELET_HEALTHZ_PORT K8S_PROXY_HEALTHZ_PORT K8S_PROXY_METRICS_PORT; do
    if owner="$(port_owner "${!v}")"; then die "port ${!v} ($v) is already taken by $owner; choose another with $v=…"; fi
  done
  getent ahosts "$K8S_NODE_NAME" | grep -qE '^(127\.|::1 )' \
    || log "warning: $K8S_NODE_NAME does not resolve to a loopback address: kubectl logs/exec will not reach the kubelet"
  k8s_bin="$("$repo/tools/k8s/ensure-k8s.sh" --check)" || die "the control plane is not built (make k8s-build)"
  kubectl_ get --raw /readyz >/dev/null 2>&1 || die "no cluster '$K8S_NAME' answers on 127.0.0.1:$K8S_API_PORT (tools/k8s/cluster.sh up)"
  kubelet_bin="$("$here/../ensure-k8s.sh" --node)"
  node_pki
  write_config
  ip -4 addr show | grep -q " $gateway/" && die "$gateway (K8S_POD_SUBNET) is already an address of this machine; choose another K8S_POD_SUBNET"
  trap 'cmd_down' EXIT

  # The bridge exists before the first pod, so CoreDNS can bind the gateway address.
  ip link add "$K8S_NODE_BRIDGE" type bridge
  ip addr add "$gateway/${K8S_POD_SUBNET#*/}" dev "$K8S_NODE_BRIDGE"
  ip link set "$K8S_NODE_BRIDGE" up
  start containerd containerd --config "$state/containerd.toml"
  wait_until "containerd" ctr_ version
  import_pause
  import_images

  start kubelet "$kubelet_bin/kubelet" --config "$state/kubelet.yaml" \
    --kubeconfig "$state/kubelet.kubeconfig" --hostname-override "$K8S_NODE_NAME" \
    --node-ip "$(ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -n1)" \
    --root-dir "$state/kubelet" --cert-dir "$state/pki/serving" --v=1
  node_ready() {
    [[ "$(kubectl_ get node "$K8S_NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]]
  }
  wait_until "the node $K8S_NODE_NAME" node_ready

  # --masquerade-all: a pod reaching a Service backed by a pod on the same bridge gets its reply
  # through the host. The conntrack flags leave the host's sysctls as they are.
  start kube-proxy "$kubelet_bin/kube-proxy" --kubeconfig "$state/kube-proxy.kubeconfig" \
    --proxy-mode nftables --masquerade-all --hostname-override "$K8S_NODE_NAME" \
    --cluster-cidr "$K8S_POD_SUBNET" \
    --healthz-bind-address "127.0.0.1:$K8S_PROXY_HEALTHZ_PORT" --metrics-bind-address "127.0.0.1:$K8S_PROXY_METRICS_PORT" \
    --conntrack-max-per-core 0 --conntrack-tcp-timeout-established 0 --conntrack-tcp-timeout-close-wait 0 --v=1
  start coredns "$kubelet_bin/coredns" -conf "$state/Corefile"
  wait_until "kube-proxy" curl --silent --fail "http://127.0.0.1:$K8S_PROXY_HEALTHZ_PORT/healthz"
  wait_until "CoreDNS" grep -q "^.:53 on $gateway" "$state/logs/coredns.log"
  trap - EXIT
  log "node $K8S_NODE_NAME ready in $((SECONDS - t0)) s (kubelet $("$kubelet_bin/kubelet" --version | cut -d' ' -f2), containerd $(containerd --version | cut -d' ' -f3))"
}

# Everything the kubelet/containerd made, removed — also when either died or the API is gone.
cmd_down() {
  local deadline target cg netns=""
  k8s_bin="$("$repo/tools/k8s/ensure-k8s.sh" --check 2>/dev/null)" || k8s_bin=""
  if [[ -n "$k8s_bin" ]] && kubectl_ get --raw /readyz >/dev/null 2>&1; then
    if running kubelet; then
      # The kubelet stops its pods the proper way (CNI DEL, volumes unmounted); cordoned, so the
      # controllers' replacements stay Pending.
      kubectl_ cordon "$K8S_NODE_NAME" >/dev/null 2>&1 || true
      kubectl_ delete pods --all-namespaces --field-selector "spec.nodeName=$K8S_NODE_NAME" \
        --grace-period 5 --wait=false >/dev/null 2>&1 || true
      deadline=$((SECONDS + 60))
      while ((SECONDS < deadline)) && running kubelet && [[ -n "$(running_tasks)" ]]; do sleep 1; done
    fi
    # The node object goes too (its pods are then garbage-collected by the control plane).
    kubectl_ delete node "$K8S_NODE_NAME" --wait=false >/dev/null 2>&1 || true
  fi
  stop coredns
  stop kube-proxy
  # kube-proxy's rules live in tables of their own.
  nft delete table ip kube-proxy 2>/dev/null || true
  nft delete table ip6 kube-proxy 2>/dev/null || true
  stop kubelet
  if running containerd; then
    # Whatever still runs (the kubelet was gone): note the pods' network namespaces, kill and
    # delete the tasks, so the shims exit.
    netns="$(for target in $(ctr_ containers ls -q 2>/dev/null); do ctr_ containers info "$target" 2>/dev/null; done \
      | grep -oE '"/(var/)?run/netns/cni-[0-9a-f-]+"' | tr -d '"' | sort -u || true)"
    for target in $(ctr_ tasks ls -q 2>/dev/null); do
      ctr_ tasks kill -s SIGKILL "$target" >/dev/null 2>&1 || true
    done
    sleep 1
    for target in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks delete -f "$target" >/dev/null 2>&1 || true; done
    for target in $(ctr_ containers ls -q 2>/dev/null); do ctr_ containers delete "$target" >/dev/null 2>&1 || true; done
  fi
  stop containerd
  # Shims of this containerd only (matched by its socket path).
  for target in $(pgrep -f -- "-address $sock" || true); do kill -TERM "$target" 2>/dev/null || true; done
  # Mounts: pod volumes and the root-dir bind mount (kubelet), rootfs overlays and shm
  # (containerd), pods' network namespaces — deepest first.
  for target in $(findmnt -rn -o TARGET | grep -E "^($state|$run)/" | sort -r); do umount "$target" 2>/dev/null || umount -l "$target"; done
  # Network namespaces of pods the kubelet could not stop (their veths go with them).
  for target in $netns; do
    umount "$target" 2>/dev/null || true
    rm -f "$target"
  done
  # The pods' cgroups (cgroupfs driver): /kubepods in every hierarchy, leaves first.
  for cg in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
    [[ -d "$cg" ]] && find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
  ip link show "$K8S_NODE_BRIDGE" >/dev/null 2>&1 && ip link delete "$K8S_NODE_BRIDGE"
  rm -rf "$run"
  local left
  left="$(findmnt -rn -o TARGET | grep -E "^($state|$run)/" || true)"
  [[ -z "$left" ]] || die "mounts remain: $left"
  left="$(ls -d /sys/fs/cgroup/*/kubepods 2>/dev/null || true)"
  [[ -z "$left" ]] || die "cgroups remain: $left"
  ! nft list tables 2>/dev/null | grep -q kube-proxy || die "kube-proxy's nftables tables remain"
  log "node of '$K8S_NAME' is down"
}

cmd_status() {
  local name any=1
  for name in containerd kubelet kube-proxy coredns; do
    if running "$name"; then echo "$name: running (pid $(pid_of "$name"))"; any=0; else echo "$name: stopped"; fi
  done
  return $any
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  images)
    running containerd || die "containerd of '$K8S_NAME' does not run (node.sh up)"
    import_images ;;
  *) echo "usage: node.sh up|down|status|images" >&2; exit 2 ;;
esac
