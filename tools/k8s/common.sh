# Sourced by cluster.sh and kubelet/node.sh (which define `die` and `state` first).

# "pid 123 (kube-apiserver)" for a listening port, or nothing (exit 1) when the port is free.
port_owner() {
  local line
  line="$(ss -Hltnp "sport = :$1" 2>/dev/null | head -n1)" || true
  [[ -n "$line" ]] || return 1
  if [[ "$line" =~ \(\(\"([^\"]+)\",pid=([0-9]+) ]]; then
    echo "pid ${BASH_REMATCH[2]} (${BASH_REMATCH[1]})"
  else
    echo "an unknown process"
  fi
}

wait_until() { # what command...
  local what="$1" deadline=$((SECONDS + K8S_TIMEOUT))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "$what not ready within ${K8S_TIMEOUT}s (logs: $state/logs/)"
    sleep 0.5
  done
}

# A kubeconfig for one client certificate of the cluster K8S_NAME on 127.0.0.1:K8S_API_PORT.
write_kubeconfig() { # file user certificate key ca
  cat >"$1" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
  - name: $K8S_NAME
    cluster: { server: "https://127.0.0.1:$K8S_API_PORT", certificate-authority: "$5" }
users:
  - name: $2
    user: { client-certificate: "$3", client-key: "$4" }
contexts:
  - name: $2@$K8S_NAME
    context: { cluster: $K8S_NAME, user: $2 }
current-context: $2@$K8S_NAME
KUBECONFIG
}
