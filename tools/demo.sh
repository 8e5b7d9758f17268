#!/usr/bin/env bash
# Starts (or stops) the services of `make demo` as background Node processes
# against the local engines. Logs and pid files live in $MEETUP_CACHE_DIR/demo.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state=${MEETUP_CACHE_DIR:-$root/.cache}/demo
mkdir -p "$state"

# app:port — the services that exist so far, in start order.
services=(simulator:8080 ingestor:8081 aggregator:8082 batch:8083 alerting:8084)

start() {
  local app=$1 port=$2 pidfile=$state/$1.pid
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "[demo] $app already runs (pid $(cat "$pidfile"))"
    return
  fi
  HTTP_PORT=$port nohup node "$root/apps/$app/dist/main.js" >"$state/$app.log" 2>&1 &
  echo $! >"$pidfile"
}

wait_ready() {
  local app=$1 port=$2
  for _ in $(seq 1 60); do
    if curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "[demo] $app is not ready; last lines of $state/$app.log:" >&2
  tail -20 "$state/$app.log" >&2
  return 1
}

up() {
  for entry in "${services[@]}"; do start "${entry%%:*}" "${entry##*:}"; done
  for entry in "${services[@]}"; do wait_ready "${entry%%:*}" "${entry##*:}"; done
  cat <<MSG
[demo] running. Where to look:
  Kafka            ${KAFKA_BROKERS}
  Elasticsearch    ${ES_URL}   (try: curl '${ES_URL}/_cat/aliases/meetup_*?v')
MSG
  for entry in "${services[@]}"; do
    printf '  %-16s http://127.0.0.1:%s/health/ready  /metrics   log: %s\n' \
      "${entry%%:*}" "${entry##*:}" "$state/${entry%%:*}.log"
  done
  echo "[demo] stop everything with: make demo-down"
}

down() {
  for entry in "${services[@]}"; do
    local app=${entry%%:*} pidfile=$state/${entry%%:*}.pid
    [ -f "$pidfile" ] || continue
    local pid
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
      echo "[demo] stopped $app"
    fi
    rm -f "$pidfile"
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
