#!/usr/bin/env bash
# The torture run (tools/torture/test/torture.torture-spec.ts) on engines of its own, started
# fresh and stopped afterwards: 3 Kafka brokers in KRaft (replication factor 3,
# min.insync.replicas 2) and a 2-node Elasticsearch (replicas 1). See tools/torture/README.md.
#
#   tools/torture/run.sh                 the short form (`make test`)
#   TORTURE_FORM=long TORTURE_SEED=7 TORTURE_DURATION=1200 tools/torture/run.sh    (`make torture`)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export ENGINES_NAME="${TORTURE_ENGINES_NAME:-torture}" KAFKA_NODES=3 ES_NODES=2 KAFKA_SECURE=0
# Below the ephemeral range (32768-60999 on Linux): a port in it can be taken by any client
# connection between the check and the bind (seen: "failed to bind to 127.0.0.1:41092").
export KAFKA_PORT="${TORTURE_KAFKA_PORT:-22092}" ES_PORT="${TORTURE_ES_PORT:-22200}"
export ES_TRANSPORT_PORT="${TORTURE_ES_TRANSPORT_PORT:-22300}"
# Five JVMs beside the services on one machine: smaller heaps than the single-node instances.
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}" ES_HEAP="${ES_HEAP:-768m}"
# The long form draws a seed when none is given; the run prints it first, to replay a failure.
if [[ "${TORTURE_FORM:-short}" == long && -z "${TORTURE_SEED:-}" ]]; then
  export TORTURE_SEED=$(( $(date +%s) % 1000000 ))
fi
# --forceExit: a kafkajs client of the test may still be retrying against a broker the
# schedule killed; the run's verdict is in by then.
exec tools/run-with-engines.sh npx jest --selectProjects torture --runInBand --forceExit "$@"
