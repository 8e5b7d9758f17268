# Thin wrapper over npm and the scripts in tools/. `make help` lists targets.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Node: the project's major (.nvmrc), from the npm registry when the machine's is older.
NODE_BIN := $(shell tools/node/ensure-node.sh)
ifneq ($(NODE_BIN),)
export PATH := $(NODE_BIN):$(PATH)
endif
export NX_DAEMON := false
export NX_NO_CLOUD := true
export MEETUP_CACHE_DIR ?= $(CURDIR)/.cache

# Engines of `make demo`; the test run uses its own instance on other ports,
# so tests can run beside a demo.
KAFKA_PORT ?= 9092
ES_PORT ?= 9200
TEST_KAFKA_PORT ?= 29092
TEST_ES_PORT ?= 29200
DEMO_ENGINES := ENGINES_NAME=demo KAFKA_PORT=$(KAFKA_PORT) ES_PORT=$(ES_PORT) ES_TRANSPORT_PORT=9300 KAFKA_SECURE=0
TEST_ENGINES_NAME ?= test
TEST_ES_TRANSPORT_PORT ?= 29300
# The test instance's Kafka also runs as Strimzi runs the chart's cluster: SCRAM-SHA-512
# listeners and ACLs beside the plain listener (tools/engines/README.md, "Secure Kafka").
TEST_ENGINES := ENGINES_NAME=$(TEST_ENGINES_NAME) KAFKA_PORT=$(TEST_KAFKA_PORT) ES_PORT=$(TEST_ES_PORT) ES_TRANSPORT_PORT=$(TEST_ES_TRANSPORT_PORT) KAFKA_SECURE=1

.PHONY: help install build typecheck lint format test test-unit test-integration test-torture torture bench \
        engines-up engines-down engines-status engines-fetch bootstrap demo demo-down clean

help: ## list targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

node_modules/.install-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.install-stamp ## install dependencies (npm ci) under the project's Node

build: install ## transpile every app and lib into its dist/
	npm run build

typecheck: install ## TypeScript type check of the whole workspace
	npm run typecheck

lint: install ## ESLint (type-checked, module boundaries) and Prettier, zero warnings
	npm run lint

format: install ## rewrite files with Prettier
	npm run format

test-unit: install ## unit tests (no engines needed), the chart's tests and rule checks included; line coverage per app and lib in dist/coverage
	tools/helm/ensure-helm.sh >/dev/null
	npm run test:unit -- --coverage
	node tools/coverage-report/report.mjs
	tools/helm/check-rules.sh

test-integration: build image ## integration tests and the chart end-to-end tier against the real engines (started and stopped here)
	tools/browser/ensure-chromium.sh >/dev/null
	$(TEST_ENGINES) tools/run-with-engines.sh npm run test:integration -- $(JEST_ARGS)

chart-e2e: build ## only the chart end-to-end tier: each profile rendered and run as a cluster would (charts/meetup-analytics/e2e)
	$(TEST_ENGINES) tools/run-with-engines.sh npx jest --selectProjects cluster $(JEST_ARGS)

test-torture: build ## the short torture run: the whole system on 3 Kafka brokers and 2 Elasticsearch nodes of its own under a seeded schedule of faults (a few minutes)
	tools/torture/run.sh $(JEST_ARGS)

torture: build ## the long torture run: SEED=<n> (default: drawn and printed) DURATION=<seconds of stream, 1200> RECORDS=<300000>
	TORTURE_FORM=long $(if $(SEED),TORTURE_SEED=$(SEED)) $(if $(DURATION),TORTURE_DURATION=$(DURATION)) \
	  $(if $(RECORDS),TORTURE_RECORDS=$(RECORDS)) tools/torture/run.sh $(JEST_ARGS)

k8s-prebuild:
	tools/k8s/ensure-k8s.sh --background

# On a cold machine the control plane's build (~15-25 min on 2 cores) starts first, at the lowest
# priority, beside lint, types and unit tests; k8s-build then waits for it to finish BEFORE the
# integration tier starts: even at nice 19 a Go build beside the engines slowed the aggregator's
# multi-replica test past its timeout (seen in a cold run). Warm: k8s-build returns at once.
test: k8s-prebuild lint typecheck test-unit k8s-build test-integration test-torture k8s-check ## everything CI runs: lint, types, unit, integration, the short torture run, the chart end to end and on a real control plane

bench: build ## benchmarks (speed, memory) against their own engine instance; BENCH=<name> picks some
	ENGINES_NAME=bench KAFKA_PORT=49092 ES_PORT=49200 ES_TRANSPORT_PORT=49300 \
	  tools/run-with-engines.sh tools/bench.sh

engines-fetch: ## download Kafka and Elasticsearch into the cache (no start)
	$(DEMO_ENGINES) tools/engines/engines.sh fetch

engines-up: ## start local Kafka (KRaft) and Elasticsearch; fetched on first use
	$(DEMO_ENGINES) tools/engines/engines.sh up

engines-down: ## stop the local engines
	$(DEMO_ENGINES) tools/engines/engines.sh down

engines-status: ## show whether the local engines run
	$(DEMO_ENGINES) tools/engines/engines.sh status

bootstrap: build ## create index templates, indices, aliases and Kafka topics on the demo engines
	KAFKA_BROKERS=127.0.0.1:$(KAFKA_PORT) ES_URL=http://127.0.0.1:$(ES_PORT) \
	  KAFKA_TOPICS_CREATE=true RSVP_TOPIC_PARTITIONS=3 npm run --silent bootstrap

demo: build engines-up bootstrap ## run the whole system locally and print where to look
	KAFKA_BROKERS=127.0.0.1:$(KAFKA_PORT) ES_URL=http://127.0.0.1:$(ES_PORT) tools/demo.sh up

demo-down: ## stop the demo services and engines
	tools/demo.sh down
	$(DEMO_ENGINES) tools/engines/engines.sh down

clean: ## remove build output (the download cache in .cache/ is kept)
	rm -rf apps/*/dist libs/*/dist coverage dist/coverage

# Kubernetes: a real control plane on this machine (tools/k8s: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler built from the Go module proxy, kwok for the nodes);
# the kind targets run on a machine with Docker.
.PHONY: chart-test chart-e2e promtool image kind-up kind-load deploy kind-down \
        k8s-build k8s-prebuild k8s-up k8s-down k8s-status k8s-check k8s-real-pods
KIND_CLUSTER ?= meetup
IMAGE ?= meetup-analytics:dev
# podman or docker; empty: docker when its daemon answers, else podman (tools/image/ensure-engine.sh).
IMAGE_ENGINE ?=

chart-test: install ## Helm chart: lint, render every profile, validate against Kubernetes and operator schemas, rule checks
	tools/helm/ensure-helm.sh >/dev/null
	npx jest --selectProjects unit --testPathPatterns 'charts/'
	tools/helm/check-rules.sh

chart-docs: install ## regenerate charts/meetup-analytics/README.md (values table from the `# --` comments of values.yaml, helm-docs)
	tools/helm/chart-docs.sh

k8s-build: ## build the pinned control plane once (Go module proxy; ~25 min cold, cached in ~/.cache/meetup-analytics/k8s)
	tools/k8s/ensure-k8s.sh

k8s-up: ## start a real Kubernetes control plane on 127.0.0.1 (kwok nodes, the operators' CRDs); prints its KUBECONFIG
	tools/k8s/cluster.sh up

k8s-down: ## stop the control plane of k8s-up (no process or mount left behind)
	tools/k8s/cluster.sh down

k8s-status: ## show whether the control plane of k8s-up runs
	tools/k8s/cluster.sh status

k8s-check: install ## each profile on a control plane of its own: server-side dry run (strict, Pod Security restricted), install with hooks, upgrade, helm test, uninstall
	tools/helm/ensure-helm.sh >/dev/null
	tools/k8s/run-with-cluster.sh npx jest --selectProjects kubernetes $(JEST_ARGS)

k8s-real-pods: install image ## a chart workload as a real pod: kubelet + containerd + runc join a control plane of their own (root; not in make test — tools/k8s/kubelet)
	tools/helm/ensure-helm.sh >/dev/null
	K8S_NODES=0 tools/k8s/run-with-cluster.sh npx jest --selectProjects real-pods $(JEST_ARGS)

promtool: ## build promtool (Go module proxy, ~10 min once) so chart-test also runs `promtool check rules`
	WITH_PROMTOOL=1 tools/helm/ensure-helm.sh

image: ## build the one image of every app (podman or docker; base images assembled here when no registry answers), SBOM in dist/image
	IMAGE=$(IMAGE) IMAGE_ENGINE=$(IMAGE_ENGINE) tools/image/build.sh

kind-up: ## kind cluster with the Strimzi and ECK operators (and, with MONITORING=1 / KEDA=1, kube-prometheus-stack / KEDA)
	KIND_CLUSTER=$(KIND_CLUSTER) k8s/kind-up.sh

kind-load: ## load the image into the kind cluster
	kind load docker-image $(IMAGE) --name $(KIND_CLUSTER)

deploy: ## helm upgrade --install the chart with the kind profile
	KIND_CLUSTER=$(KIND_CLUSTER) k8s/deploy.sh

kind-down: ## delete the kind cluster
	kind delete cluster --name $(KIND_CLUSTER)
