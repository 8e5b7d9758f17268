#!/usr/bin/env bash
# Runs a command against a fresh start of the local engines — their instance
# state (topics, indices) from earlier runs is removed first, so runs never
# pile up shards — and stops them afterwards, whatever the command's outcome
# (also on Ctrl-C). The engines' addresses reach the command as
# TEST_KAFKA_BROKERS and TEST_ES_URL; with KAFKA_SECURE=1 also the SASL
# listeners, the CA and the authorizer log (TEST_KAFKA_SASL_BROKERS,
# TEST_KAFKA_SASL_SSL_BROKERS, TEST_KAFKA_CA_FILE, TEST_KAFKA_AUTHORIZER_LOG).
set -euo pipefail
engines="$(cd "$(dirname "${BASH_SOURCE[0]}")/engines" && pwd)/engines.sh"
up_out="$(mktemp)"
trap 'rm -f "$up_out"; "$engines" down' EXIT
"$engines" clean
# `up` ends with KEY=value lines (the addresses as the running instance has them).
"$engines" up | tee "$up_out"
up_value() { sed -n "s/^$1=//p" "$up_out" | tail -n1; }
# Every broker where there are several (KAFKA_NODES); Elasticsearch's first node.
export TEST_KAFKA_BROKERS="$(up_value KAFKA_BROKERS)"
export TEST_ES_URL="$(up_value ELASTICSEARCH_URL)"
# For tests that stop and restart an engine (see libs/test-support engine-control).
export TEST_ENGINES_NAME="${ENGINES_NAME}" TEST_KAFKA_PORT="${KAFKA_PORT}" TEST_ES_PORT="${ES_PORT}"
export TEST_ES_TRANSPORT_PORT="${ES_TRANSPORT_PORT:-}"
if [[ "${KAFKA_SECURE:-0}" == 1 ]]; then
  # The Strimzi-like listeners (see libs/test-support secure-kafka).
  TEST_KAFKA_SASL_BROKERS="$(up_value KAFKA_SASL_BROKERS)"
  TEST_KAFKA_SASL_SSL_BROKERS="$(up_value KAFKA_SASL_SSL_BROKERS)"
  TEST_KAFKA_CA_FILE="$(up_value KAFKA_CA_FILE)"
  TEST_KAFKA_AUTHORIZER_LOG="$(up_value KAFKA_AUTHORIZER_LOG)"
  [[ -n "$TEST_KAFKA_SASL_BROKERS" && -n "$TEST_KAFKA_CA_FILE" ]] \
    || { echo "run-with-engines: KAFKA_SECURE=1 but Kafka came up without its SASL listeners" >&2; exit 1; }
  export TEST_KAFKA_SASL_BROKERS TEST_KAFKA_SASL_SSL_BROKERS TEST_KAFKA_CA_FILE TEST_KAFKA_AUTHORIZER_LOG
fi
"$@"
