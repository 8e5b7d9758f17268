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
      globalSetup: '<rootDir>/libs/test-support/src/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/test-support/src/integration-setup.ts'],
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
      globalSetup: '<rootDir>/libs/test-support/src/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/test-support/src/integration-setup.ts'],
      slowTestThreshold: 300,
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
