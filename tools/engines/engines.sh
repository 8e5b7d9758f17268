#!/usr/bin/env bash
# Local Apache Kafka (KRaft) and Elasticsearch as plain background JVMs: no Docker,
# everything fetched from Maven Central. One node of each by default; KAFKA_NODES and
# ES_NODES make production-shaped clusters (e.g. 3 brokers and 2 nodes for the torture run).
#
#   engines.sh up | down | status | fetch | clean | versions
#   engines.sh kafka-start | kafka-stop | es-start | es-stop        every node of that engine
#   engines.sh kafka-node <n> start|stop|kill                      one broker (n from 1)
#   engines.sh es-node <n> start|stop|kill                         one Elasticsearch node
#   engines.sh kafka-scram-users <name>=<password> [...]   SCRAM-SHA-512 users (KAFKA_SECURE=1)
#
# Environment (all optional):
#   ENGINES_NAME           instance name (default demo; tests use test)
#   KAFKA_PORT             broker listener, PLAINTEXT (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller listener (default KAFKA_PORT+1)
#   KAFKA_SECURE           1: also SASL_PLAINTEXT and SASL_SSL listeners (SCRAM-SHA-512) and
#                          ACLs, as Strimzi runs the chart's cluster (default 0)
#   KAFKA_SASL_PORT        SASL_PLAINTEXT listener when KAFKA_SECURE=1 (default KAFKA_PORT+2)
#   KAFKA_SASL_SSL_PORT    SASL_SSL listener when KAFKA_SECURE=1 (default KAFKA_PORT+3)
#   ES_PORT                Elasticsearch HTTP (default 9200)
#   ES_TRANSPORT_PORT      Elasticsearch transport (default ES_PORT+100, i.e. 9300)
#   KAFKA_NODES            brokers, each also a KRaft controller (default 1; 3 gives internal
#                          topics and new topics replication factor 3, min.insync.replicas 2).
#                          Broker n uses every Kafka port above plus 4*(n-1)
#   ES_NODES               Elasticsearch nodes (default 1; node 1 is the only master-eligible
#                          one, the others hold data). Node n uses ES_PORT+n-1, ES_TRANSPORT_PORT+n-1
#   MEETUP_CACHE_DIR       cache root (default <repo>/.cache)
#   ENGINES_TIMEOUT        seconds to wait for an engine to come up (default 120)
#   KAFKA_HEAP_OPTS        default "-Xms512m -Xmx1g"
#   ES_HEAP                default 1g (-Xms and -Xmx)
#   KAFKA_JAVA_HOME, ES_JAVA_HOME   force a JDK for one engine
#   ES_RUN_AS              user Elasticsearch runs as when this script runs as root
#                          (Elasticsearch refuses to run as root; default nobody)
#   KAFKA_VERSION, ES_VERSION   try another version than the pin in versions.env
#   ES_ZIP_SHA512_OVERRIDE sha512 of that other Elasticsearch zip, when Maven Central serves none
# See README.md next to this file.
set -euo pipefail

ENGINES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$ENGINES_DIR/../.." && pwd)"

# A version given in the environment wins over its pin (to try one before pinning it).
_env_kafka_version="${KAFKA_VERSION:-}" _env_es_version="${ES_VERSION:-}"
# shellcheck source=versions.env
source "$ENGINES_DIR/versions.env"
# The pinned zip checksum belongs to the pinned version only.
[[ -z "$_env_es_version" || "$_env_es_version" == "$ES_VERSION" ]] || ES_ZIP_SHA512="${ES_ZIP_SHA512_OVERRIDE:-}"
KAFKA_VERSION="${_env_kafka_version:-$KAFKA_VERSION}" ES_VERSION="${_env_es_version:-$ES_VERSION}"
ES_ZIP_SHA512="${ES_ZIP_SHA512:-}"

ENGINES_NAME="${ENGINES_NAME:-demo}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_SECURE="${KAFKA_SECURE:-0}"
KAFKA_SASL_PORT="${KAFKA_SASL_PORT:-$((KAFKA_PORT + 2))}"
KAFKA_SASL_SSL_PORT="${KAFKA_SASL_SSL_PORT:-$((KAFKA_PORT + 3))}"
ES_PORT="${ES_PORT:-9200}"
ES_TRANSPORT_PORT="${ES_TRANSPORT_PORT:-$((ES_PORT + 100))}"
ENGINES_TIMEOUT="${ENGINES_TIMEOUT:-120}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms512m -Xmx1g}"
ES_HEAP="${ES_HEAP:-1g}"
ES_RUN_AS="${ES_RUN_AS:-nobody}"
# Unset: the count the instance was formed with (so down, status and *-node need not repeat it), else 1.
KAFKA_NODES_GIVEN="${KAFKA_NODES:-}" ES_NODES_GIVEN="${ES_NODES:-}"
KAFKA_NODES="${KAFKA_NODES:-1}"
ES_NODES="${ES_NODES:-1}"
STOP_TIMEOUT=60
# Broker n's ports are the base ports plus KAFKA_NODE_STEP*(n-1): one step holds a broker's four.
KAFKA_NODE_STEP=4

# ---------------------------------------------------------------------------- helpers

log() { echo "[engines] $*"; }
warn() { echo "[engines] WARNING: $*" >&2; }
die() { echo "[engines] ERROR: $*" >&2; exit 1; }

now() { date +%s; }

# Millisecond stopwatch for "took" messages.
ms() { date +%s%3N; }
since() { local t0=$1; local d=$(( $(ms) - t0 )); printf '%d.%01ds' $((d / 1000)) $(((d % 1000) / 100)); }

validate_env() {
  [[ "$ENGINES_NAME" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] \
    || die "ENGINES_NAME='$ENGINES_NAME': use letters, digits, '.', '_' or '-'"
  [[ "$KAFKA_SECURE" == 0 || "$KAFKA_SECURE" == 1 ]] || die "KAFKA_SECURE='$KAFKA_SECURE': use 1 or 0"
  [[ "$KAFKA_NODES" =~ ^[1-9]$ ]] || die "KAFKA_NODES='$KAFKA_NODES': use 1 to 9"
  [[ "$ES_NODES" =~ ^[1-9]$ ]] || die "ES_NODES='$ES_NODES': use 1 to 9"
  local v names=(KAFKA_PORT KAFKA_CONTROLLER_PORT ES_PORT ES_TRANSPORT_PORT)
  # The SASL ports only matter (and must be free of clashes) when their listeners exist.
  (( KAFKA_SECURE == 0 )) || names+=(KAFKA_SASL_PORT KAFKA_SASL_SSL_PORT)
  for v in "${names[@]}" ENGINES_TIMEOUT; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v='${!v}' is not a number"
  done
  # Every port of every node: node n adds a step per engine to each base port.
  local ports=() n p step count
  for v in "${names[@]}"; do
    if [[ "$v" == ES_* ]]; then step=1; count=$ES_NODES; else step=$KAFKA_NODE_STEP; count=$KAFKA_NODES; fi
    for (( n = 0; n < count; n++ )); do
      p=$(( ${!v} + step * n ))
      (( p > 0 && p < 65536 )) || die "$v='${!v}' gives node $((n + 1)) port $p, which is not a TCP port"
      ports+=("$p")
    done
  done
  [[ $(printf '%s\n' "${ports[@]}" | sort -u | wc -l) -eq ${#ports[@]} ]] \
    || die "the ports of $(sed 's/ /, /g' <<<"${names[*]}") must all differ, for every node (${ports[*]})"
  [[ "$ES_HEAP" =~ ^[0-9]+[mMgG]$ ]] || die "ES_HEAP='$ES_HEAP': use e.g. 512m or 1g"
}

setup_paths() {
  local cache="${MEETUP_CACHE_DIR:-$REPO_ROOT/.cache}"
  mkdir -p "$cache"
  CACHE_DIR="$(cd "$cache" && pwd)"
  # ES_JAVA_OPTS is split on whitespace by Elasticsearch's launcher.
  [[ "$CACHE_DIR" != *[[:space:]]* ]] || die "MEETUP_CACHE_DIR must not contain spaces: '$CACHE_DIR'"

  DIST_DIR="$CACHE_DIR/engines/dist"
  M2_DIR="$CACHE_DIR/m2"
  KAFKA_DIST="$DIST_DIR/kafka-$KAFKA_VERSION"
  KAFKA_LIBS="$KAFKA_DIST/libs"
  ES_DIST="$DIST_DIR/elasticsearch-$ES_VERSION"

  INSTANCE_DIR="$CACHE_DIR/engines/$ENGINES_NAME"
  # Shared by every broker of the instance: one cluster id, one CA and certificate (all on 127.0.0.1).
  KAFKA_CLUSTER_ID_FILE="$INSTANCE_DIR/kafka/cluster.id"
  KAFKA_NODES_FILE="$INSTANCE_DIR/kafka/nodes"
  KAFKA_TLS_DIR="$INSTANCE_DIR/kafka/tls"
  ES_CLUSTER_NAME="meetup-$ENGINES_NAME"
  ES_NODES_FILE="$INSTANCE_DIR/es/nodes"
  # The given ports are node 1's; kafka_node/es_node point the per-node variables at node n.
  KAFKA_BASE_PORT=$KAFKA_PORT KAFKA_BASE_CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT
  KAFKA_BASE_SASL_PORT=$KAFKA_SASL_PORT KAFKA_BASE_SASL_SSL_PORT=$KAFKA_SASL_SSL_PORT
  ES_BASE_PORT=$ES_PORT ES_BASE_TRANSPORT_PORT=$ES_TRANSPORT_PORT
  [[ -n "$KAFKA_NODES_GIVEN" || ! -s "$KAFKA_NODES_FILE" ]] || KAFKA_NODES="$(<"$KAFKA_NODES_FILE")"
  [[ -n "$ES_NODES_GIVEN" || ! -s "$ES_NODES_FILE" ]] || ES_NODES="$(<"$ES_NODES_FILE")"
  kafka_node 1
  es_node 1
}

# Broker n (from 1): its node id, ports and folder (node 1 keeps the single-node layout).
kafka_node() {
  local n=$1 off=$(( KAFKA_NODE_STEP * ($1 - 1) ))
  KAFKA_NODE_ID=$n
  KAFKA_PORT=$(( KAFKA_BASE_PORT + off ))
  KAFKA_CONTROLLER_PORT=$(( KAFKA_BASE_CONTROLLER_PORT + off ))
  KAFKA_SASL_PORT=$(( KAFKA_BASE_SASL_PORT + off ))
  KAFKA_SASL_SSL_PORT=$(( KAFKA_BASE_SASL_SSL_PORT + off ))
  KAFKA_DIR="$INSTANCE_DIR/kafka"
  (( n == 1 )) || KAFKA_DIR+="-$n"
  KAFKA_LABEL="kafka"
  (( KAFKA_NODES == 1 )) || KAFKA_LABEL="kafka-$n"
}

# Elasticsearch node n (from 1).
es_node() {
  local n=$1
  ES_NODE=$n
  ES_PORT=$(( ES_BASE_PORT + n - 1 ))
  ES_TRANSPORT_PORT=$(( ES_BASE_TRANSPORT_PORT + n - 1 ))
  ES_DIR="$INSTANCE_DIR/es" ES_NODE_NAME="$ES_CLUSTER_NAME" ES_LABEL="elasticsearch"
  (( n == 1 )) || { ES_DIR+="-$n"; ES_NODE_NAME+="-$n"; }
  (( ES_NODES == 1 )) || ES_LABEL="elasticsearch-$n"
}

# An instance keeps the node count it was first started with (a KRaft quorum and an
# Elasticsearch cluster are formed once); another count needs `clean` first.
check_node_count() {
  local file=$1 want=$2 engine=$3 formed=$4 had
  if [[ -s "$file" ]]; then had="$(<"$file")"; elif [[ -e "$formed" ]]; then had=1; else had=""; fi
  if [[ -n "$had" && "$had" != "$want" ]]; then
    die "$engine: instance '$ENGINES_NAME' was formed with $had node(s), not $want; 'engines.sh clean' first"
  fi
  mkdir -p "$(dirname "$file")"
  echo "$want" >"$file"
}

# Serialise commands on one instance (and fetches on the shared dist folder).
# The lock fds are closed for every JVM started, so they never hold a lock.
lock_instance() {
  mkdir -p "$INSTANCE_DIR"
  exec 9>"$INSTANCE_DIR/.lock"
  flock -w 600 9 || die "another engines.sh is busy with instance '$ENGINES_NAME' ($INSTANCE_DIR/.lock)"
}

# Replace @KEY@ in a template with values given as KEY=value arguments.
render() {
  local template=$1 out=$2; shift 2
  local content kv key val
  content="$(<"$template")"
  for kv in "$@"; do
    key="${kv%%=*}"; val="${kv#*=}"
    content="${content//"@$key@"/"$val"}"
  done
  if [[ "$content" =~ @[A-Z_]+@ ]]; then die "unfilled placeholder ${BASH_REMATCH[0]} in $template"; fi
  printf '%s\n' "$content" >"$out.tmp" && mv "$out.tmp" "$out"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

# The JVMs carry -Dmeetup.engines=<engine dir>; that marker (not a process name) is how a
# process is recognised as ours, so a recycled pid or another instance is never touched.
marker_of() { echo "-Dmeetup.engines=$1"; }

pid_has_marker() {
  local pid=$1 marker=$2 cmd
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ " $cmd " == *" $marker "* ]]
}

pids_with_marker() {
  local marker=$1 regex
  regex="$(sed 's/[][\\.*^$+?(){}|/]/\\&/g' <<<"$marker")( |\$)"
  pgrep -f -- "$regex" || true
}

# Pid of the engine JVM whose files live in $1 (pid file first, marker scan second).
engine_pid() {
  local dir=$1 pidfile=$2 marker pid=""
  marker="$(marker_of "$dir")"
  [[ -f "$pidfile" ]] && pid="$(tr -dc '0-9' <"$pidfile")"
  if pid_alive "$pid" && pid_has_marker "$pid" "$marker"; then echo "$pid"; return 0; fi
  pid="$(pids_with_marker "$marker" | head -n1)"
  if [[ -n "$pid" ]]; then echo "$pid" >"$pidfile" 2>/dev/null || true; echo "$pid"; return 0; fi
  rm -f "$pidfile"
  return 1
}

stop_pid() {
  local name=$1 pid=$2 deadline
  log "$name: stopping pid $pid (SIGTERM)"
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$(( $(now) + STOP_TIMEOUT ))
  while pid_alive "$pid"; do
    if (( $(now) >= deadline )); then
      warn "$name: pid $pid still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.2
  done
}

# One node of an engine (label, folder, pid file): SIGTERM, or with KILL a SIGKILL as a crash
# (no shutdown), and wait until it is gone.
stop_node() {
  local label=$1 dir=$2 pidfile=$3 signal=$4 pid
  if pid="$(engine_pid "$dir" "$pidfile")"; then
    if [[ "$signal" == KILL ]]; then
      log "$label: killing pid $pid (SIGKILL)"
      kill -KILL "$pid" 2>/dev/null || true
      while pid_alive "$pid"; do sleep 0.1; done
    else
      stop_pid "$label" "$pid"
    fi
    # Any other JVM of this node left behind (e.g. after a lost pid file).
    for pid in $(pids_with_marker "$(marker_of "$dir")"); do stop_pid "$label" "$pid"; done
    log "$label: stopped"
  else
    log "$label: not running"
  fi
  rm -f "$pidfile"
}

# on_every_node parallel|serial <select function> <count> <command...>: runs the command with
# each node selected (kafka_node/es_node n) in a subshell; fails when any run failed.
on_every_node() {
  local how=$1 select=$2 count=$3 n rc=0 pids=()
  shift 3
  for (( n = 1; n <= count; n++ )); do
    if [[ "$how" == parallel ]]; then
      ( "$select" "$n"; "$@" ) & pids+=($!)
    else
      ( "$select" "$n"; "$@" ) || rc=1
    fi
  done
  for n in "${pids[@]}"; do wait "$n" || rc=1; done
  return $rc
}

show_log_tail() {
  local f
  for f in "$@"; do
    [[ -s "$f" ]] || continue
    echo "[engines] ---- last lines of $f (stack frames left out) ----" >&2
    grep -Ev '^[[:space:]]+(at |\.\.\. [0-9]+ more)' "$f" | tail -n 25 | sed 's/^/[engines] | /' >&2
  done
}

# Write KEY=value lines describing a running engine (read back by status).
write_run_env() {
  local file=$1; shift
  printf '%s\n' "$@" >"$file"
}

read_run_env() {
  local file=$1 key=$2
  [[ -f "$file" ]] || return 0
  sed -n "s/^$key=//p" "$file" | head -n1
}

# ---------------------------------------------------------------------------- JDK

java_major_of() {
  local ver
  ver="$("$1" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')" || return 1
  [[ -n "$ver" ]] || return 1
  case "$ver" in
    1.*) ver="${ver#1.}"; echo "${ver%%.*}" ;;
    *) echo "${ver%%[.+-]*}" ;;
  esac
}

candidate_java_homes() {
  local h
  {
    [[ -n "${JAVA_HOME:-}" ]] && echo "$JAVA_HOME"
    for h in /usr/lib/jvm/* /usr/lib64/jvm/* /opt/java/* /opt/jdk* "${HOME:-/nonexistent}"/.sdkman/candidates/java/* "${HOME:-/nonexistent}"/.jdks/*; do
      [[ -d "$h" ]] && echo "$h"
    done
    if command -v java >/dev/null 2>&1; then
      h="$(readlink -f "$(command -v java)")"
      echo "${h%/bin/java}"
    fi
  } | while read -r h; do
    [[ -x "$h/bin/java" ]] && readlink -f "$h"
  done | awk '!seen[$0]++'
}

# pick_java <engine> <forced home or ""> <min major> <max tested major>
# Prints "<home> <major>". The newest JDK in [min, max tested] wins (so 21+ is preferred
# over 17 when both exist); a newer-than-tested one is used only as a last resort.
pick_java() {
  local engine=$1 forced=$2 min=$3 max=$4 home major found=""
  local best="" best_major=0 above="" above_major=999
  if [[ -n "$forced" ]]; then
    [[ -x "$forced/bin/java" ]] || die "$engine: no java at $forced/bin/java (from ${engine^^}_JAVA_HOME)"
    major="$(java_major_of "$forced/bin/java")" || die "$engine: cannot run $forced/bin/java -version"
    (( major >= min )) || die "$engine needs Java $min or newer; $forced is Java $major"
    echo "$forced $major"; return 0
  fi
  while read -r home; do
    [[ -n "$home" ]] || continue
    major="$(java_major_of "$home/bin/java" 2>/dev/null)" || continue
    found+=" $home(Java $major)"
    if (( major >= min && major <= max && major > best_major )); then
      best="$home"; best_major=$major
    elif (( major > max && major < above_major )); then
      above="$home"; above_major=$major
    fi
  done < <(candidate_java_homes)
  if [[ -n "$best" ]]; then echo "$best $best_major"; return 0; fi
  if [[ -n "$above" ]]; then
    warn "$engine: only Java $above_major found, tested up to Java $max; trying it" >&2
    echo "$above $above_major"; return 0
  fi
  die "$engine needs Java $min or newer (tested $min..$max). Found:${found:- no JDK}." \
      "Install a JDK $min+ (Debian's openjdk-<major>-jdk-headless where the release has one: Debian 12" \
      "stops at 17; or an Eclipse Temurin JDK under /usr/lib/jvm) or point ${engine^^}_JAVA_HOME at one."
}

# ---------------------------------------------------------------------------- fetch

fetch_kafka() {
  if [[ -f "$KAFKA_DIST/.complete" ]]; then return 0; fi
  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed to fetch the Kafka jars from Maven Central"
  local t0 tmp
  t0=$(ms)
  log "kafka: fetching Apache Kafka $KAFKA_VERSION jars from Maven Central (Maven repo $M2_DIR)"
  tmp="$KAFKA_DIST.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp/libs"
  if ! mvn -q -B -f "$ENGINES_DIR/kafka/pom.xml" \
      -Dmaven.repo.local="$M2_DIR" \
      -Dkafka.version="$KAFKA_VERSION" -Dlog4j.version="$LOG4J_VERSION" \
      -DoutputDirectory="$tmp/libs" \
      dependency:copy-dependencies >"$tmp/mvn.log" 2>&1; then
    show_log_tail "$tmp/mvn.log"
    rm -rf "$tmp"
    die "kafka: mvn dependency:copy-dependencies failed"
  fi
  [[ -f "$tmp/libs/kafka_2.13-$KAFKA_VERSION.jar" ]] || { rm -rf "$tmp"; die "kafka: kafka_2.13-$KAFKA_VERSION.jar missing after mvn"; }
  rm -f "$tmp/mvn.log"
  rm -rf "$KAFKA_DIST"
  mv "$tmp" "$KAFKA_DIST"
  touch "$KAFKA_DIST/.complete"
  log "kafka: $(ls "$KAFKA_LIBS" | wc -l) jars, $(du -sm "$KAFKA_LIBS" | cut -f1) MB in $KAFKA_LIBS ($(since "$t0"))"
}

fetch_es() {
  if [[ -f "$ES_DIST/.complete" ]]; then return 0; fi
  local t0 url zip tmp want got algo
  t0=$(ms)
  url="$MAVEN_CENTRAL_URL/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$ES_VERSION/elasticsearch-$ES_VERSION.zip"
  zip="$DIST_DIR/elasticsearch-$ES_VERSION.zip"
  log "elasticsearch: downloading $url"
  curl -fsSL --retry 3 --connect-timeout 20 -o "$zip.part" "$url" || die "elasticsearch: download failed: $url"
  # The 9.x zips come without .sha512/.sha1 files next to them, so versions.env pins the
  # sha512 of the pinned zip; without a pin, the strongest checksum served next to the zip.
  want=""
  if [[ -n "$ES_ZIP_SHA512" ]]; then
    got="$(sha512sum "$zip.part" | cut -d' ' -f1)"
    [[ "$got" == "$ES_ZIP_SHA512" ]] \
      || { rm -f "$zip.part"; die "elasticsearch: sha512 mismatch for $url (got $got, pinned $ES_ZIP_SHA512)"; }
    log "elasticsearch: sha512 verified against the pin ($(du -m "$zip.part" | cut -f1) MB)"
    want="$ES_ZIP_SHA512"
  else
    for algo in sha512 sha1; do
      if want="$(curl -fsSL --retry 3 "$url.$algo" 2>/dev/null)"; then
        want="${want%% *}"; want="$(tr -d '[:space:]' <<<"$want")"
        got="$("${algo}sum" "$zip.part" | cut -d' ' -f1)"
        [[ "$got" == "$want" ]] || { rm -f "$zip.part"; die "elasticsearch: $algo mismatch for $url (got $got, want $want)"; }
        log "elasticsearch: $algo verified ($(du -m "$zip.part" | cut -f1) MB)"
        break
      fi
      want=""
    done
  fi
  [[ -n "$want" ]] || { rm -f "$zip.part"; die "elasticsearch: no .sha512/.sha1 checksum next to $url (pin one as ES_ZIP_SHA512_OVERRIDE to try this version)"; }
  tmp="$DIST_DIR/es.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  unzip -q "$zip.part" -d "$tmp" || { rm -rf "$tmp" "$zip.part"; die "elasticsearch: unzip failed"; }
  [[ -x "$tmp/elasticsearch-$ES_VERSION/bin/elasticsearch" ]] || { rm -rf "$tmp"; die "elasticsearch: unexpected zip layout"; }
  rm -rf "$ES_DIST"
  mv "$tmp/elasticsearch-$ES_VERSION" "$ES_DIST"
  rm -rf "$tmp" "$zip.part"   # the extracted tree is what is kept; the zip is not needed again
  # Readable by the unprivileged user Elasticsearch runs as when we are root.
  chmod -R a+rX "$ES_DIST"
  touch "$ES_DIST/.complete"
  log "elasticsearch: $ES_VERSION unpacked, $(du -sm "$ES_DIST" | cut -f1) MB in $ES_DIST ($(since "$t0"))"
}

# Both downloads, under a lock shared by all instances (parallel test runs).
fetch_all() {
  if [[ -f "$KAFKA_DIST/.complete" && -f "$ES_DIST/.complete" ]]; then return 0; fi
  command -v curl >/dev/null 2>&1 || die "curl is needed"
  command -v unzip >/dev/null 2>&1 || die "unzip is needed"
  mkdir -p "$DIST_DIR"
  (
    exec 8>"$DIST_DIR/.lock"
    flock -w 900 8 || die "timed out waiting for another fetch ($DIST_DIR/.lock)"
    fetch_kafka
    fetch_es
  )
}

# ---------------------------------------------------------------------------- Kafka

kafka_pid() { engine_pid "$KAFKA_DIR" "$KAFKA_DIR/kafka.pid"; }

# Run a Kafka CLI class (java, class, args...) with the tools' quiet logging.
kafka_tool() {
  local java=$1; shift
  "$java" -Xmx256m -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$ENGINES_DIR/kafka/log4j2-tools.yaml" \
    -cp "$KAFKA_LIBS/*" "$@" 9>&- 8>&-
}

kafka_answers() {
  local java=$1 port=$2
  port_open "$port" || return 1
  timeout 20 "$java" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dlog4j2.configurationFile="$ENGINES_DIR/kafka/log4j2-tools.yaml" \
    -cp "$KAFKA_LIBS/*" org.apache.kafka.tools.BrokerApiVersionsCommand \
    --bootstrap-server "127.0.0.1:$port" >/dev/null 2>&1 9>&- 8>&-
}

# KAFKA_SECURE=1: a CA and a broker certificate for the SASL_SSL listener, made once per
# instance in kafka/tls/ (ca.crt is what clients trust; broker.pem is the broker's keystore).
# The broker certificate is renewed when it expires within a day; the CA is kept.
kafka_tls_ensure() {
  local dir=$KAFKA_TLS_DIR tmp
  [[ -s "$dir/ca.crt" && -s "$dir/ca.key" && -s "$dir/broker.pem" ]] \
    && openssl x509 -in "$dir/broker.crt" -noout -checkend 86400 >/dev/null 2>&1 \
    && return 0
  command -v openssl >/dev/null 2>&1 || die "kafka: openssl is needed for KAFKA_SECURE=1 (TLS of the SASL_SSL listener)"
  mkdir -p "$dir" && chmod 700 "$dir"
  tmp="$(mktemp -d "$dir/.new.XXXXXX")"
  cat >"$tmp/openssl.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[broker_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
CNF
  if ! {
    if [[ -s "$dir/ca.crt" && -s "$dir/ca.key" ]]; then
      cp -p "$dir/ca.crt" "$dir/ca.key" "$tmp/"
    else
      openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/ca.key" \
        && openssl req -config "$tmp/openssl.cnf" -x509 -new -key "$tmp/ca.key" -sha256 -days 3650 \
             -subj "/O=meetup-analytics local engines/CN=meetup-$ENGINES_NAME Kafka CA" \
             -extensions ca_ext -out "$tmp/ca.crt"
    fi \
    && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/broker.key" \
    && openssl req -config "$tmp/openssl.cnf" -new -key "$tmp/broker.key" \
         -subj "/O=meetup-analytics local engines/CN=localhost" -out "$tmp/broker.csr" \
    && openssl x509 -req -in "$tmp/broker.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" \
         -set_serial "0x$(openssl rand -hex 15)" -sha256 -days 825 \
         -extfile "$tmp/openssl.cnf" -extensions broker_ext -out "$tmp/broker.crt"
  } >"$tmp/openssl.log" 2>&1; then
    show_log_tail "$tmp/openssl.log"
    rm -rf "$tmp"
    die "kafka: generating the TLS certificates with openssl failed"
  fi
  # Kafka's PEM keystore: the unencrypted PKCS#8 key, then the chain up to the CA.
  cat "$tmp/broker.key" "$tmp/broker.crt" "$tmp/ca.crt" >"$tmp/broker.pem"
  chmod 600 "$tmp/ca.key" "$tmp/broker.key" "$tmp/broker.pem"
  chmod 644 "$tmp/ca.crt" "$tmp/broker.crt"
  mv -f "$tmp/ca.key" "$tmp/ca.crt" "$tmp/broker.key" "$tmp/broker.crt" "$tmp/broker.pem" "$dir/"
  rm -rf "$tmp"
  log "kafka: TLS certificate for 127.0.0.1/localhost signed by $dir/ca.crt"
}

# server.properties for this start: the template, plus the secure listeners when asked for.
kafka_render_config() {
  local out="$KAFKA_DIR/config/server.properties"
  local listeners="PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT"
  local advertised="PLAINTEXT://127.0.0.1:$KAFKA_PORT"
  local protocols="CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
  if (( KAFKA_SECURE )); then
    listeners+=",SASL_PLAINTEXT://127.0.0.1:$KAFKA_SASL_PORT,SASL_SSL://127.0.0.1:$KAFKA_SASL_SSL_PORT"
    advertised+=",SASL_PLAINTEXT://127.0.0.1:$KAFKA_SASL_PORT,SASL_SSL://127.0.0.1:$KAFKA_SASL_SSL_PORT"
    protocols+=",SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL"
  fi
  # Every broker is also a voter of the static KRaft quorum. Replication: 3 copies where there
  # are 3 brokers, written to at least 2 (acks=all), as a production cluster is run.
  local voters="" n rf=$(( KAFKA_NODES < 3 ? KAFKA_NODES : 3 )) isr=$(( KAFKA_NODES < 3 ? 1 : 2 ))
  for (( n = 1; n <= KAFKA_NODES; n++ )); do
    voters+="${voters:+,}$n@127.0.0.1:$(( KAFKA_BASE_CONTROLLER_PORT + KAFKA_NODE_STEP * (n - 1) ))"
  done
  render "$ENGINES_DIR/kafka/server.properties.tmpl" "$out" \
    "KAFKA_NODE_ID=$KAFKA_NODE_ID" "KAFKA_QUORUM_VOTERS=$voters" \
    "KAFKA_LISTENERS=$listeners" "KAFKA_ADVERTISED_LISTENERS=$advertised" \
    "KAFKA_PROTOCOL_MAP=$protocols" "KAFKA_REPLICATION_FACTOR=$rf" "KAFKA_MIN_ISR=$isr" \
    "KAFKA_DATA_DIR=$KAFKA_DIR/data"
  if (( KAFKA_SECURE )); then
    render "$ENGINES_DIR/kafka/secure.properties.tmpl" "$out.secure" \
      "KAFKA_TLS_KEYSTORE=$KAFKA_TLS_DIR/broker.pem"
    { echo; cat "$out.secure"; } >>"$out"
    rm -f "$out.secure"
  fi
}

kafka_start_node() {
  local t0 pid java major port secure
  t0=$(ms)
  mkdir -p "$KAFKA_DIR/config" "$KAFKA_DIR/data" "$KAFKA_DIR/logs"

  if pid="$(kafka_pid)"; then
    port="$(read_run_env "$KAFKA_DIR/run.env" KAFKA_PORT)"; port="${port:-$KAFKA_PORT}"
    secure="$(read_run_env "$KAFKA_DIR/run.env" KAFKA_SECURE)"; secure="${secure:-0}"
    java="$(read_run_env "$KAFKA_DIR/run.env" JAVA)/bin/java"
    if [[ ! -x "$java" ]]; then
      read -r java major < <(pick_java kafka "${KAFKA_JAVA_HOME:-}" "$KAFKA_JAVA_MIN" "$KAFKA_JAVA_MAX_TESTED")
      java="$java/bin/java"
    fi
    [[ "$port" == "$KAFKA_PORT" ]] || warn "kafka: instance '$ENGINES_NAME' already runs on port $port (KAFKA_PORT=$KAFKA_PORT ignored; run down first)"
    [[ "$secure" == "$KAFKA_SECURE" ]] || warn "kafka: instance '$ENGINES_NAME' already runs with KAFKA_SECURE=$secure (KAFKA_SECURE=$KAFKA_SECURE ignored; run down first)"
    log "$KAFKA_LABEL: already running (pid $pid), checking 127.0.0.1:$port"
    kafka_wait_ready "$pid" "$java" "$port" "$t0"
    return 0
  fi

  port_open "$KAFKA_PORT" && die "$KAFKA_LABEL: port $KAFKA_PORT is in use by another process (set KAFKA_PORT)"
  port_open "$KAFKA_CONTROLLER_PORT" && die "kafka: controller port $KAFKA_CONTROLLER_PORT is in use by another process (set KAFKA_CONTROLLER_PORT)"
  if (( KAFKA_SECURE )); then
    port_open "$KAFKA_SASL_PORT" && die "kafka: SASL_PLAINTEXT port $KAFKA_SASL_PORT is in use by another process (set KAFKA_SASL_PORT)"
    port_open "$KAFKA_SASL_SSL_PORT" && die "kafka: SASL_SSL port $KAFKA_SASL_SSL_PORT is in use by another process (set KAFKA_SASL_SSL_PORT)"
  fi

  read -r java major < <(pick_java kafka "${KAFKA_JAVA_HOME:-}" "$KAFKA_JAVA_MIN" "$KAFKA_JAVA_MAX_TESTED")
  [[ -n "${java:-}" ]] || exit 1
  kafka_render_config

  # First start of this broker: format its KRaft storage (kafka-storage format) with the
  # instance's cluster id (kafka_prepare made it).
  if [[ ! -f "$KAFKA_DIR/data/meta.properties" ]]; then
    log "$KAFKA_LABEL: formatting storage in $KAFKA_DIR/data (cluster id $(<"$KAFKA_CLUSTER_ID_FILE"))"
    kafka_tool "$java/bin/java" kafka.tools.StorageTool format \
        -t "$(<"$KAFKA_CLUSTER_ID_FILE")" -c "$KAFKA_DIR/config/server.properties" \
        >"$KAFKA_DIR/logs/format.log" 2>&1 \
      || { show_log_tail "$KAFKA_DIR/logs/format.log"; die "kafka: storage format failed"; }
  fi

  local extra=""
  (( KAFKA_SECURE == 0 )) || extra=", SASL_PLAINTEXT :$KAFKA_SASL_PORT, SASL_SSL :$KAFKA_SASL_SSL_PORT"
  log "$KAFKA_LABEL: starting $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT (controller :$KAFKA_CONTROLLER_PORT$extra) with Java $major ($java)"
  # shellcheck disable=SC2086
  (
    cd "$KAFKA_DIR"
    exec setsid nohup "$java/bin/java" $KAFKA_HEAP_OPTS \
      -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
      -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="$ENGINES_DIR/kafka/log4j2.yaml" \
      -Dkafka.logs.dir="$KAFKA_DIR/logs" \
      "$(marker_of "$KAFKA_DIR")" \
      -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_DIR/config/server.properties" \
      </dev/null >"$KAFKA_DIR/logs/stdout.log" 2>&1 9>&- 8>&-
  ) &
  pid=$!
  echo "$pid" >"$KAFKA_DIR/kafka.pid"
  write_run_env "$KAFKA_DIR/run.env" "VERSION=$KAFKA_VERSION" "JAVA=$java" "JAVA_MAJOR=$major" \
    "KAFKA_PORT=$KAFKA_PORT" "KAFKA_CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT" "KAFKA_SECURE=$KAFKA_SECURE" \
    "KAFKA_SASL_PORT=$KAFKA_SASL_PORT" "KAFKA_SASL_SSL_PORT=$KAFKA_SASL_SSL_PORT" "KAFKA_NODE_ID=$KAFKA_NODE_ID"
  kafka_wait_ready "$pid" "$java/bin/java" "$KAFKA_PORT" "$t0"
}

# What every broker of the instance shares, made once before any of them starts: the node
# count check, the cluster id and (KAFKA_SECURE=1) the TLS certificate.
kafka_prepare() {
  mkdir -p "$INSTANCE_DIR/kafka"
  check_node_count "$KAFKA_NODES_FILE" "$KAFKA_NODES" kafka "$INSTANCE_DIR/kafka/data/meta.properties"
  if [[ ! -s "$KAFKA_CLUSTER_ID_FILE" ]]; then
    local java major
    read -r java major < <(pick_java kafka "${KAFKA_JAVA_HOME:-}" "$KAFKA_JAVA_MIN" "$KAFKA_JAVA_MAX_TESTED")
    [[ -n "${java:-}" ]] || exit 1
    kafka_tool "$java/bin/java" kafka.tools.StorageTool random-uuid >"$KAFKA_CLUSTER_ID_FILE.tmp"
    mv "$KAFKA_CLUSTER_ID_FILE.tmp" "$KAFKA_CLUSTER_ID_FILE"
  fi
  (( KAFKA_SECURE == 0 )) || kafka_tls_ensure
}

# Every broker, started at once (a quorum of several needs a majority up before any is ready).
kafka_start() {
  kafka_prepare
  on_every_node parallel kafka_node "$KAFKA_NODES" kafka_start_node
}

kafka_wait_ready() {
  local pid=$1 java=$2 port=$3 t0=$4 deadline
  deadline=$(( $(now) + ENGINES_TIMEOUT ))
  until kafka_answers "$java" "$port"; do
    if ! pid_alive "$pid"; then
      show_log_tail "$KAFKA_DIR/logs/stdout.log" "$KAFKA_DIR/logs/server.log"
      rm -f "$KAFKA_DIR/kafka.pid"
      die "$KAFKA_LABEL: the broker exited during startup (logs in $KAFKA_DIR/logs)"
    fi
    if (( $(now) >= deadline )); then
      show_log_tail "$KAFKA_DIR/logs/stdout.log" "$KAFKA_DIR/logs/server.log"
      die "$KAFKA_LABEL: no answer on 127.0.0.1:$port after ${ENGINES_TIMEOUT}s (pid $pid left running; 'engines.sh down' stops it)"
    fi
    sleep 1
  done
  log "$KAFKA_LABEL: ready on 127.0.0.1:$port (pid $pid, $(since "$t0"))"
}

kafka_stop_node() { stop_node "$KAFKA_LABEL" "$KAFKA_DIR" "$KAFKA_DIR/kafka.pid" "${1:-TERM}"; }

kafka_stop() { on_every_node parallel kafka_node "$KAFKA_NODES" kafka_stop_node || true; }

kafka_status_node() {
  local pid port version major
  if pid="$(kafka_pid)"; then
    port="$(read_run_env "$KAFKA_DIR/run.env" KAFKA_PORT)"
    version="$(read_run_env "$KAFKA_DIR/run.env" VERSION)"
    major="$(read_run_env "$KAFKA_DIR/run.env" JAVA_MAJOR)"
    if kafka_answers "$(read_run_env "$KAFKA_DIR/run.env" JAVA)/bin/java" "$port"; then
      log "$(printf '%-14s' "$KAFKA_LABEL") running   pid $pid  bootstrap 127.0.0.1:$port  Apache Kafka $version (KRaft)  Java $major"
      kafka_status_secure
      return 0
    fi
    log "$(printf '%-14s' "$KAFKA_LABEL") starting/unresponsive  pid $pid  bootstrap 127.0.0.1:$port  logs $KAFKA_DIR/logs"
    return 1
  fi
  log "$(printf '%-14s' "$KAFKA_LABEL") stopped"
  return 1
}

kafka_status() { on_every_node serial kafka_node "$KAFKA_NODES" kafka_status_node; }

# The SASL listeners of a running KAFKA_SECURE=1 broker (nothing for a plain one).
kafka_status_secure() {
  [[ "$(read_run_env "$KAFKA_DIR/run.env" KAFKA_SECURE)" == 1 ]] || return 0
  log "kafka          secure    SASL_PLAINTEXT 127.0.0.1:$(read_run_env "$KAFKA_DIR/run.env" KAFKA_SASL_PORT)" \
      " SASL_SSL 127.0.0.1:$(read_run_env "$KAFKA_DIR/run.env" KAFKA_SASL_SSL_PORT)" \
      " SCRAM-SHA-512, ACLs (PLAINTEXT is super user ANONYMOUS)"
  log "kafka          CA $KAFKA_TLS_DIR/ca.crt  authorizer log $KAFKA_DIR/logs/authorizer.log"
}

# Creates or updates SCRAM-SHA-512 credentials (name=password ...) through the PLAINTEXT
# listener, with Kafka's own org.apache.kafka.tools.ConfigCommand. It alters one user per run
# (no batch form), so the users go in parallel JVMs. Passwords never reach a command line or
# the output: each goes through a private --add-config-file.
kafka_scram_users() {
  (( $# > 0 )) || die "kafka-scram-users: give at least one <name>=<password>"
  local arg name pw names=() passwords=() t0
  t0=$(ms)
  for arg in "$@"; do
    [[ "$arg" == *=* ]] || die "kafka-scram-users: '${arg%%=*}' is not <name>=<password>"
    name="${arg%%=*}"; pw="${arg#*=}"
    # Strimzi's KafkaUser names are Kubernetes names; SCRAM would need ',' and '=' escaped.
    [[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] \
      || die "kafka-scram-users: user name '$name': use letters, digits, '.', '_' or '-'"
    [[ " ${names[*]} " != *" $name "* ]] || die "kafka-scram-users: user '$name' is given twice"
    # The config file is read as ISO-8859-1 properties: printable ASCII only.
    [[ -n "$pw" && "$pw" =~ ^[[:print:]]+$ && "$pw" != *[^[:ascii:]]* ]] \
      || die "kafka-scram-users: the password of '$name' must be non-empty printable ASCII"
    names+=("$name"); passwords+=("$pw")
  done

  local pid port java secure
  pid="$(kafka_pid)" || die "kafka: instance '$ENGINES_NAME' is not running (engines.sh up first)"
  port="$(read_run_env "$KAFKA_DIR/run.env" KAFKA_PORT)"
  java="$(read_run_env "$KAFKA_DIR/run.env" JAVA)/bin/java"
  secure="$(read_run_env "$KAFKA_DIR/run.env" KAFKA_SECURE)"
  [[ "$secure" == 1 ]] || warn "kafka: instance '$ENGINES_NAME' runs without KAFKA_SECURE=1: no listener uses SCRAM users"

  local work i rc=0 running=0 value bs='\'
  work="$(umask 077 && mktemp -d "$INSTANCE_DIR/.scram.XXXXXX")"
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" EXIT
  for i in "${!names[@]}"; do
    # Properties escaping: only a backslash matters inside this value.
    value="${passwords[$i]//"$bs"/"$bs$bs"}"
    printf 'SCRAM-SHA-512=password=%s\n' "$value" >"$work/$i.properties"
  done
  # Up to four JVMs at once (~2 s each, mostly start-up); each leaves its exit code in a file.
  for i in "${!names[@]}"; do
    if (( running >= 4 )); then wait -n || true; running=$((running - 1)); fi
    (
      code=0
      kafka_tool "$java" org.apache.kafka.tools.ConfigCommand --bootstrap-server "127.0.0.1:$port" \
        --alter --entity-type users --entity-name "${names[$i]}" \
        --add-config-file "$work/$i.properties" >"$work/$i.log" 2>&1 || code=$?
      echo "$code" >"$work/$i.rc"
    ) &
    running=$((running + 1))
  done
  wait
  for i in "${!names[@]}"; do
    [[ "$(cat "$work/$i.rc" 2>/dev/null)" != 0 ]] || continue
    rc=1
    show_log_tail "$work/$i.log"
    warn "kafka: setting the SCRAM credential of '${names[$i]}' failed"
  done
  rm -rf "$work"
  trap - EXIT
  (( rc == 0 )) || die "kafka-scram-users failed"
  log "kafka: SCRAM-SHA-512 credentials set for ${names[*]} ($(since "$t0"))"
}

# ---------------------------------------------------------------------------- Elasticsearch

es_pid() { engine_pid "$ES_DIR" "$ES_DIR/es.pid"; }

# Elasticsearch refuses to run as root: when we are root it runs as $ES_RUN_AS (via setpriv).
check_es_run_as() {
  [[ $EUID -eq 0 ]] || return 0
  id "$ES_RUN_AS" >/dev/null 2>&1 || die "elasticsearch: ES_RUN_AS user '$ES_RUN_AS' does not exist"
  command -v setpriv >/dev/null 2>&1 || die "elasticsearch: setpriv (util-linux) is needed to drop root"
}

es_run_prefix() {
  [[ $EUID -eq 0 ]] || return 0
  echo "setpriv --reuid=$ES_RUN_AS --regid=$(id -g "$ES_RUN_AS") --clear-groups"
}

es_health() {
  # Succeeds once the cluster is yellow or green (HTTP 408 on timeout makes curl -f fail).
  curl -fsS -m 10 "http://127.0.0.1:$1/_cluster/health?wait_for_status=yellow&timeout=${2:-1s}" >/dev/null 2>&1
}

es_start_node() {
  local t0 pid java major port prefix version
  t0=$(ms)
  mkdir -p "$ES_DIR/config" "$ES_DIR/data" "$ES_DIR/logs" "$ES_DIR/tmp"

  if pid="$(es_pid)"; then
    port="$(read_run_env "$ES_DIR/run.env" ES_PORT)"; port="${port:-$ES_PORT}"
    [[ "$port" == "$ES_PORT" ]] || warn "elasticsearch: instance '$ENGINES_NAME' already runs on port $port (ES_PORT=$ES_PORT ignored; run down first)"
    version="$(read_run_env "$ES_DIR/run.env" VERSION)"
    [[ -z "$version" || "$version" == "$ES_VERSION" ]] \
      || warn "elasticsearch: instance '$ENGINES_NAME' runs $version, not $ES_VERSION (es-stop, es-start moves it; its data is upgraded in place)"
    log "$ES_LABEL: already running (pid $pid), checking 127.0.0.1:$port"
    es_wait_ready "$pid" "$port" "$t0"
    return 0
  fi

  port_open "$ES_PORT" && die "$ES_LABEL: port $ES_PORT is in use by another process (set ES_PORT)"
  port_open "$ES_TRANSPORT_PORT" && die "elasticsearch: transport port $ES_TRANSPORT_PORT is in use by another process (set ES_TRANSPORT_PORT)"

  read -r java major < <(pick_java es "${ES_JAVA_HOME:-}" "$ES_JAVA_MIN" "$ES_JAVA_MAX_TESTED")
  [[ -n "${java:-}" ]] || exit 1

  # Config: the distribution's files plus our elasticsearch.yml. The node runs with its
  # logs folder as working directory, so gc.log lands there; keep at most 4 x 16 MB of it.
  sed -e 's|filecount=32,filesize=64m|filecount=4,filesize=16m|' \
    "$ES_DIST/config/jvm.options" >"$ES_DIR/config/jvm.options"
  cp "$ES_DIST/config/log4j2.properties" "$ES_DIR/config/log4j2.properties"
  mkdir -p "$ES_DIR/config/jvm.options.d"
  render "$ENGINES_DIR/elasticsearch/elasticsearch.yml.tmpl" "$ES_DIR/config/elasticsearch.yml" \
    "ES_CLUSTER_NAME=$ES_CLUSTER_NAME" "ES_NODE_NAME=$ES_NODE_NAME" "ES_DISCOVERY=$(es_discovery)" \
    "ES_DATA_DIR=$ES_DIR/data" "ES_LOGS_DIR=$ES_DIR/logs" \
    "ES_PORT=$ES_PORT" "ES_TRANSPORT_PORT=$ES_TRANSPORT_PORT"

  check_es_run_as
  prefix="$(es_run_prefix)"
  if [[ -n "$prefix" ]]; then
    chown -R "$ES_RUN_AS:$(id -g "$ES_RUN_AS")" "$ES_DIR"
    # shellcheck disable=SC2086
    $prefix test -r "$ES_DIST/lib/elasticsearch-$ES_VERSION.jar" -a -w "$ES_DIR/data" \
      || die "elasticsearch: runs as '$ES_RUN_AS' (root is refused) but that user cannot read $ES_DIST or write $ES_DIR;" \
             "put MEETUP_CACHE_DIR on a path every user can traverse, or set ES_RUN_AS"
  fi

  log "$ES_LABEL: starting $ES_VERSION on 127.0.0.1:$ES_PORT (transport :$ES_TRANSPORT_PORT) with Java $major ($java)${prefix:+ as user $ES_RUN_AS}"
  rm -f "$ES_DIR/es.pid"
  # `elasticsearch -d` returns once the node has started (or failed); run it in the
  # background so Kafka can start meanwhile. The server JVM writes its own pid file.
  # shellcheck disable=SC2086
  (
    cd "$ES_DIR"
    export ES_JAVA_HOME="$java" ES_PATH_CONF="$ES_DIR/config" ES_TMPDIR="$ES_DIR/tmp"
    export ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP $(marker_of "$ES_DIR")"
    unset JAVA_HOME
    exec setsid $prefix "$ES_DIST/bin/elasticsearch" -d -p "$ES_DIR/es.pid" \
      </dev/null >"$ES_DIR/launcher.log" 2>&1 9>&- 8>&-
  ) &
  local launcher=$!
  write_run_env "$ES_DIR/run.env" "VERSION=$ES_VERSION" "JAVA=$java" "JAVA_MAJOR=$major" \
    "ES_PORT=$ES_PORT" "ES_TRANSPORT_PORT=$ES_TRANSPORT_PORT" "RUN_AS=${prefix:+$ES_RUN_AS}"
  if ! wait "$launcher"; then
    # The node's own log says why; the launcher's output only when the node never got that far.
    if [[ -s "$ES_DIR/logs/$ES_CLUSTER_NAME.log" ]]; then
      show_log_tail "$ES_DIR/logs/$ES_CLUSTER_NAME.log"
    else
      show_log_tail "$ES_DIR/launcher.log"
    fi
    rm -f "$ES_DIR/es.pid"
    die "$ES_LABEL: failed to start (logs in $ES_DIR/logs)"
  fi
  pid="$(es_pid)" || { show_log_tail "$ES_DIR/launcher.log"; die "$ES_LABEL: started but no process found"; }
  es_wait_ready "$pid" "$ES_PORT" "$t0"
}

# discovery settings of this node: single-node, or node 1 as the one master of several.
es_discovery() {
  if (( ES_NODES == 1 )); then echo "discovery.type: single-node"; return 0; fi
  local n hosts=""
  for (( n = 1; n <= ES_NODES; n++ )); do
    hosts+="${hosts:+, }\"127.0.0.1:$(( ES_BASE_TRANSPORT_PORT + n - 1 ))\""
  done
  echo "discovery.seed_hosts: [$hosts]"
  if (( ES_NODE == 1 )); then
    echo "cluster.initial_master_nodes: [\"$ES_CLUSTER_NAME\"]"
  else
    echo "node.roles: [data, ingest]"
  fi
}

es_start() {
  mkdir -p "$INSTANCE_DIR/es"
  check_node_count "$ES_NODES_FILE" "$ES_NODES" elasticsearch "$INSTANCE_DIR/es/data/_state"
  on_every_node parallel es_node "$ES_NODES" es_start_node
}

es_wait_ready() {
  local pid=$1 port=$2 t0=$3 deadline
  deadline=$(( $(now) + ENGINES_TIMEOUT ))
  until es_health "$port" 1s; do
    if ! pid_alive "$pid"; then
      show_log_tail "$ES_DIR/launcher.log" "$ES_DIR/logs/$ES_CLUSTER_NAME.log"
      rm -f "$ES_DIR/es.pid"
      die "$ES_LABEL: the node exited during startup (logs in $ES_DIR/logs)"
    fi
    if (( $(now) >= deadline )); then
      show_log_tail "$ES_DIR/logs/$ES_CLUSTER_NAME.log"
      die "$ES_LABEL: not yellow/green on 127.0.0.1:$port after ${ENGINES_TIMEOUT}s (pid $pid left running; 'engines.sh down' stops it)"
    fi
    sleep 1
  done
  log "$ES_LABEL: ready on http://127.0.0.1:$port (pid $pid, $(since "$t0"))"
}

es_stop_node() { stop_node "$ES_LABEL" "$ES_DIR" "$ES_DIR/es.pid" "${1:-TERM}"; }

es_stop() { on_every_node parallel es_node "$ES_NODES" es_stop_node || true; }

es_status_node() {
  local pid port info health version jdk
  if pid="$(es_pid)"; then
    port="$(read_run_env "$ES_DIR/run.env" ES_PORT)"
    info="$(curl -fsS -m 5 "http://127.0.0.1:$port/_cat/nodes?h=name,version,jdk" 2>/dev/null \
      | awk -v name="$ES_NODE_NAME" '$1 == name { print $2, $3 }')"
    if [[ -n "$info" ]]; then
      read -r version jdk <<<"$info"
      health="$(curl -fsS -m 5 "http://127.0.0.1:$port/_cat/health?h=status,node.total" 2>/dev/null | xargs)"
      log "$(printf '%-14s' "$ES_LABEL") running   pid $pid  url http://127.0.0.1:$port  Elasticsearch $version (${health% *}, ${health##* } node(s))  Java $jdk"
      return 0
    fi
    log "$(printf '%-14s' "$ES_LABEL") starting/unresponsive  pid $pid  url http://127.0.0.1:$port  logs $ES_DIR/logs"
    return 1
  fi
  log "$(printf '%-14s' "$ES_LABEL") stopped"
  return 1
}

es_status() { on_every_node serial es_node "$ES_NODES" es_status_node; }

# ---------------------------------------------------------------------------- commands

cmd_status() {
  local rc=0
  log "instance '$ENGINES_NAME' ($INSTANCE_DIR)"
  kafka_status || rc=3
  es_status || rc=3
  return $rc
}

cmd_up() {
  local t0 kp ep rc=0
  t0=$(ms)
  fetch_all
  # Start both at once; each waits for its own readiness.
  ( kafka_start ) & kp=$!
  ( es_start ) & ep=$!
  wait "$kp" || rc=1
  wait "$ep" || rc=1
  (( rc == 0 )) || die "startup failed (see above); 'engines.sh down' stops whatever did start"
  log "up in $(since "$t0")"
  cmd_status || true
  echo "KAFKA_BROKERS=$(kafka_addresses KAFKA_PORT)"
  if [[ "$(read_run_env "$KAFKA_DIR/run.env" KAFKA_SECURE)" == 1 ]]; then
    echo "KAFKA_SASL_BROKERS=$(kafka_addresses KAFKA_SASL_PORT)"
    echo "KAFKA_SASL_SSL_BROKERS=$(kafka_addresses KAFKA_SASL_SSL_PORT)"
    echo "KAFKA_CA_FILE=$KAFKA_TLS_DIR/ca.crt"
    echo "KAFKA_AUTHORIZER_LOG=$KAFKA_DIR/logs/authorizer.log"
  fi
  echo "ELASTICSEARCH_URL=http://127.0.0.1:$(read_run_env "$ES_DIR/run.env" ES_PORT)"
  if (( ES_NODES > 1 )); then
    local n urls=""
    for (( n = 1; n <= ES_NODES; n++ )); do
      urls+="${urls:+,}http://127.0.0.1:$(es_node "$n"; read_run_env "$ES_DIR/run.env" ES_PORT)"
    done
    echo "ELASTICSEARCH_NODES=$urls"
  fi
}

# host:port of one listener (a run.env key) on every broker, comma-separated.
kafka_addresses() {
  local key=$1 n out=""
  for (( n = 1; n <= KAFKA_NODES; n++ )); do
    out+="${out:+,}127.0.0.1:$(kafka_node "$n"; read_run_env "$KAFKA_DIR/run.env" "$key")"
  done
  echo "$out"
}

cmd_down() {
  ( kafka_stop ) & local kp=$!
  ( es_stop ) & local ep=$!
  wait "$kp"; wait "$ep"
}

# Pinned versions versus the newest ones Maven Central lists (to decide on a bump).
cmd_versions() {
  local base="$MAVEN_CENTRAL_URL" kafka_latest es_latest
  kafka_latest="$(curl -fsSL "$base/org/apache/kafka/kafka_2.13/maven-metadata.xml" \
    | sed -n 's:.*<version>\([0-9][0-9.]*\)</version>.*:\1:p' | sort -V | tail -n1)" || kafka_latest="?"
  es_latest="$(curl -fsSL "$base/org/elasticsearch/distribution/integ-test-zip/elasticsearch/maven-metadata.xml" \
    | sed -n 's:.*<version>\([0-9][0-9.]*\)</version>.*:\1:p' | sort -V | tail -n1)" || es_latest="?"
  log "kafka          pinned $KAFKA_VERSION  newest on Maven Central $kafka_latest"
  log "elasticsearch  pinned $ES_VERSION  newest in Maven Central's metadata $es_latest"
  if [[ "$es_latest" != "?" && "$(printf '%s\n' "$es_latest" "$ES_VERSION" | sort -V | tail -n1)" != "$es_latest" ]]; then
    log "               (the metadata lists no 9.x; 9.x zips are served at their paths unlisted, see README.md)"
  fi
  log "(pins live in $ENGINES_DIR/versions.env)"
}

# kafka-node|es-node <n> start|stop|kill: one node of a cluster (a broker's or node's crash and
# return in the torture run). start waits until it answers; kill is SIGKILL, no shutdown.
cmd_node() {
  local engine=$1 n=${2:-} action=${3:-} count
  if [[ "$engine" == kafka ]]; then count=KAFKA_NODES; else count=ES_NODES; fi
  [[ "$n" =~ ^[1-9]$ ]] && (( n <= count )) || die "$engine-node: give a node number from 1 to $count (got '${n}')"
  case "$engine:$action" in
    kafka:start) fetch_all; kafka_prepare; kafka_node "$n"; kafka_start_node ;;
    kafka:stop) kafka_node "$n"; kafka_stop_node TERM ;;
    kafka:kill) kafka_node "$n"; kafka_stop_node KILL ;;
    es:start) fetch_all; es_node "$n"; es_start_node ;;
    es:stop) es_node "$n"; es_stop_node TERM ;;
    es:kill) es_node "$n"; es_stop_node KILL ;;
    *) die "$engine-node $n: give start, stop or kill (got '$action')" ;;
  esac
}

cmd_clean() {
  cmd_down
  log "removing instance state $INSTANCE_DIR (downloads in $DIST_DIR are kept)"
  rm -rf "$INSTANCE_DIR"
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
    -h|--help|help|"") usage; [[ -n "$cmd" ]]; exit $? ;;
  esac
  validate_env
  setup_paths
  case "$cmd" in
    fetch) fetch_all; log "cache ready: $KAFKA_DIST, $ES_DIST" ;;
    versions) cmd_versions ;;
    up) lock_instance; cmd_up ;;
    down) lock_instance; cmd_down ;;
    status) cmd_status ;;
    clean) lock_instance; cmd_clean ;;
    kafka-start) lock_instance; fetch_all; kafka_start ;;
    kafka-stop) lock_instance; kafka_stop ;;
    es-start) lock_instance; fetch_all; es_start ;;
    es-stop) lock_instance; es_stop ;;
    kafka-scram-users) shift; kafka_scram_users "$@" ;;
    kafka-node|es-node) shift; lock_instance; cmd_node "${cmd%-node}" "$@" ;;
    *) usage >&2; die "unknown command '$cmd'" ;;
  esac
}

main "$@"
