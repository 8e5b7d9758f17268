#!/usr/bin/env bash
# Runs a command against a fresh start of the local engines — their instance
# state (topics, indices) from earlier runs is removed first, so runs never
# pile up shards — and stops them afterwards, whatever the command's outcome
# (also on Ctrl-C). The engines' addresses reach the command as
# TEST_KAFKA_BROKERS and TEST_ES_URL.
set -euo pipefail
engines=$(dirname "${BASH_SOURCE[0]}")/engines/engines.sh
trap '"$engines" down' EXIT
"$engines" clean
"$engines" up
export TEST_KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT}"
export TEST_ES_URL="http://127.0.0.1:${ES_PORT}"
# For tests that stop and restart an engine (see libs/test-support engine-control).
export TEST_ENGINES_NAME="${ENGINES_NAME}" TEST_KAFKA_PORT="${KAFKA_PORT}" TEST_ES_PORT="${ES_PORT}"
export TEST_ES_TRANSPORT_PORT="${ES_TRANSPORT_PORT:-}"
"$@"
