// @ts-check
/** Jest: `unit` (pure logic, milliseconds) and `integration` (real Kafka and Elasticsearch). */

/** @type {[string, Record<string, unknown>]} */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

// Tests import the libraries' sources, so unit tests need no build.
const moduleNameMapper = { '^@meetup/(.*)$': '<rootDir>/libs/$1/src/index.ts' };
// Downloads, engine state and the local node's image snapshots (copies of the workspace's
// package.json files) live under .cache: never modules or tests.
const modulePathIgnorePatterns = ['<rootDir>/.cache/'];

/** @type {import('jest').Config} */
module.exports = {
  // Read only with `--coverage` (the unit tier in `make test-unit`, whose table per app and lib
  // tools/coverage-report/report.mjs prints). Istanbul counters (provider `babel`, added to SWC's output) only in the
  // files below: V8's own coverage slows every script a worker runs, the chart tests' YAML and
  // schema libraries included (unit tier measured on 2 cores: 78 s without coverage, 87 s with
  // istanbul, 286 s with V8).
  // Every source file counts, tested or not; left out: specs, test helpers (libs/test-support),
  // the console's page (apps/console/web, bundled by esbuild for the browser, not by Jest), and
  // each app's main.ts: it starts the service when loaded (runMain), so only the integration
  // tests, which run dist/main.js as a process, can run it.
  coverageProvider: 'babel',
  collectCoverageFrom: [
    '{apps,libs}/*/src/**/*.ts',
    '!**/*.spec.ts',
    '!**/*.d.ts',
    '!libs/test-support/**',
    '!apps/*/src/main.ts',
  ],
  coverageDirectory: '<rootDir>/dist/coverage/unit',
  coverageReporters: ['json-summary', 'lcovonly'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': swc },
      moduleNameMapper,
      modulePathIgnorePatterns,
      testMatch: [
        '<rootDir>/{apps,libs}/*/src/**/*.spec.ts',
        '<rootDir>/tools/test/**/*.spec.ts',
        '<rootDir>/tools/*/src/**/*.spec.ts',
        '<rootDir>/charts/*/tests/**/*.spec.ts',
        '<rootDir>/charts/*/e2e/**/*.spec.ts',
      ],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': swc },
      moduleNameMapper,
      modulePathIgnorePatterns,
      testMatch: [
        '<rootDir>/{apps,libs}/*/test/**/*.int-spec.ts',
        '<rootDir>/tools/*/test/**/*.int-spec.ts',
      ],
      globalSetup: '<rootDir>/tools/test/global-setup.ts',
      setupFilesAfterEnv: [
        '<rootDir>/libs/test-support/src/integration-setup.ts',
        '<rootDir>/tools/test/kafka-request-queue.setup.ts',
      ],
      slowTestThreshold: 60,
    },
    {
      // The chart and the code together (charts/*/e2e): same engines, run after the integration tests.
      displayName: 'cluster',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': swc },
      moduleNameMapper,
      modulePathIgnorePatterns,
      testMatch: ['<rootDir>/charts/*/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/tools/test/global-setup.ts',
      setupFilesAfterEnv: [
        '<rootDir>/libs/test-support/src/integration-setup.ts',
        '<rootDir>/tools/test/kafka-request-queue.setup.ts',
      ],
      slowTestThreshold: 300,
    },
    {
      // The torture run (tools/torture/run.sh): the whole system on a 3-broker Kafka and a 2-node
      // Elasticsearch of its own, under a seeded schedule of faults. One test, minutes long.
      displayName: 'torture',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': swc },
      moduleNameMapper,
      modulePathIgnorePatterns,
      testMatch: ['<rootDir>/tools/torture/test/**/*.torture-spec.ts'],
      globalSetup: '<rootDir>/tools/test/global-setup.ts',
      setupFilesAfterEnv: [
        '<rootDir>/libs/test-support/src/integration-setup.ts',
        '<rootDir>/tools/test/kafka-request-queue.setup.ts',
      ],
      slowTestThreshold: 600,
    },
    {
      // The chart on a real Kubernetes control plane (charts/*/k8s-check): `make k8s-check`
      // starts one (tools/k8s/run-with-cluster.sh) and passes KUBECONFIG and K8S_BIN.
      displayName: 'kubernetes',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': swc },
      moduleNameMapper,
      modulePathIgnorePatterns,
      testMatch: [
        '<rootDir>/charts/*/k8s-check/**/*.k8s-spec.ts',
        '<rootDir>/tools/k8s/test/**/*.k8s-spec.ts',
      ],
      slowTestThreshold: 300,
    },
    {
      // A chart workload as a real pod on a real kubelet (`make k8s-real-pods`, not in `make test`:
      // it needs root, containerd, and changes the host's network — a bridge, nftables rules).
      displayName: 'real-pods',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': swc },
      moduleNameMapper,
      modulePathIgnorePatterns,
      testMatch: ['<rootDir>/tools/k8s/kubelet/test/**/*.pods-spec.ts'],
      slowTestThreshold: 300,
    },
  ],
};
