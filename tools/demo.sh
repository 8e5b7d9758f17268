#!/usr/bin/env bash
# Starts (or stops) the services of `make demo` as background Node processes
# against the local engines (KAFKA_BROKERS, ES_URL from the Makefile). Logs and
# pid files live in $MEETUP_CACHE_DIR/demo.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state=${MEETUP_CACHE_DIR:-$root/.cache}/demo
mkdir -p "$state"
cd "$root"

export ALERTING_API_TOKEN=${ALERTING_API_TOKEN:-demo-token-0123456789}

# name|http port|command (env and arguments); start order.
services=(
  "receiver|8095|RECEIVER_PORT=8095 node tools/demo/webhook-receiver.mjs"
  "simulator|8080|HTTP_PORT=8080 STREAM_PORT=8090 node apps/simulator/dist/main.js --synthetic --rate 20 --seed 7"
  "ingestor|8081|HTTP_PORT=8081 SOURCES=sim=ws://127.0.0.1:8090/2/rsvps INITIAL_SINCE_MTIME=0 node apps/ingestor/dist/main.js"
  "aggregator|8082|HTTP_PORT=8082 node apps/aggregator/dist/main.js"
  "alerting|8084|HTTP_PORT=8084 ALERTING_RULES_DIR=tools/demo/alert-rules WEBHOOK_ALLOWLIST=http://127.0.0.1:8095/ WEBHOOK_ALLOW_LOOPBACK=true node apps/alerting/dist/main.js"
  "console|8086|HTTP_PORT=8086 node apps/console/dist/main.js"
)

field() { cut -d'|' -f"$2" <<<"$1"; }

start() {
  local name=$1 command=$2 pidfile=$state/$1.pid
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "[demo] $name already runs (pid $(cat "$pidfile"))"
    return
  fi
  # shellcheck disable=SC2086 # the command is a list of words: env assignments, program, args
  nohup env $command >"$state/$name.log" 2>&1 &
  echo $! >"$pidfile"
}

wait_ready() {
  local name=$1 port=$2
  for _ in $(seq 1 120); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" && return 0
    sleep 0.5
  done
  echo "[demo] $name is not ready; last lines of $state/$name.log:" >&2
  tail -20 "$state/$name.log" >&2
  return 1
}

up() {
  for entry in "${services[@]}"; do start "$(field "$entry" 1)" "$(field "$entry" 3)"; done
  for entry in "${services[@]}"; do wait_ready "$(field "$entry" 1)" "$(field "$entry" 2)"; done
  # The batch job runs once after the stream has run for a while, as the CronJob would.
  (sleep 90 && node apps/batch/dist/main.js --mode full >"$state/batch.log" 2>&1) &
  echo $! >"$state/batch.pid"
  cat <<MSG
[demo] open the live console: http://127.0.0.1:8086/
[demo] running: simulator → ingestor → Kafka → aggregator → Elasticsearch; alerting → receiver.
  Kafka            ${KAFKA_BROKERS}
  Elasticsearch    ${ES_URL}
  stream           ws://127.0.0.1:8090/2/rsvps   (curl -N 'http://127.0.0.1:8090/2/rsvps' shows it live)
  alert receiver   tail -f $state/receiver.log
  batch job        runs once in 90 s (log: $state/batch.log); again: ES_URL=${ES_URL} npm run batch -- --mode full
MSG
  for entry in "${services[@]}"; do
    local name port
    name=$(field "$entry" 1)
    port=$(field "$entry" 2)
    [ "$name" = receiver ] && continue
    printf '  %-16s http://127.0.0.1:%s/health/ready  /metrics   log: %s\n' "$name" "$port" "$state/$name.log"
  done
  echo "  alerting API     http://127.0.0.1:8084/docs  (token: ${ALERTING_API_TOKEN})"
  echo "[demo] the README shows queries for live top countries, trending topics, groups and events."
  echo "[demo] stop everything with: make demo-down"
}

down() {
  for name in batch console alerting aggregator ingestor simulator receiver; do
    local pidfile=$state/$name.pid
    [ -f "$pidfile" ] || continue
    local pid
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
      echo "[demo] stopped $name"
    fi
    rm -f "$pidfile"
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
