// @ts-check
import { readdirSync } from 'node:fs';
import nx from '@nx/eslint-plugin';
import jest from 'eslint-plugin-jest';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Packages that only adapters may touch: logic libs stay framework-free.
const infrastructurePackages = [
  '@nestjs/*',
  'nestjs-pino',
  'kafkajs',
  '@elastic/*',
  'ws',
  'prom-client',
  'pino',
  '@opentelemetry/*',
];

/** What a project serves: its own app's (one scope per folder of apps/), or every app's (`scope:shared`). */
const appScopes = readdirSync(new URL('apps/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/**
 * Which libraries a project may use, by tag. Tests may in addition use the
 * test helpers and fixtures, which production code never does.
 * @param {string[]} testLibs
 */
function moduleBoundaries(testLibs) {
  const may = (/** @type {string[]} */ ...tags) => [...tags, ...testLibs];
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      {
        sourceTag: 'type:app',
        onlyDependOnLibsWithTags: may('type:logic', 'type:adapter', 'type:nest'),
      },
      {
        sourceTag: 'type:nest',
        onlyDependOnLibsWithTags: may('type:logic', 'type:adapter', 'type:nest'),
      },
      { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: may('type:logic', 'type:adapter') },
      {
        sourceTag: 'type:logic',
        onlyDependOnLibsWithTags: may('type:logic'),
        bannedExternalImports: infrastructurePackages,
      },
      {
        sourceTag: 'type:test',
        onlyDependOnLibsWithTags: ['type:logic', 'type:adapter', 'type:fixtures', 'type:test'],
      },
      // Recorded and synthetic data for tests and benchmarks.
      {
        sourceTag: 'type:fixtures',
        onlyDependOnLibsWithTags: ['type:logic', 'type:fixtures'],
        bannedExternalImports: infrastructurePackages,
      },
      // By scope: an app and its own libs use their scope and the shared libs; a shared lib
      // uses only shared libs (so alerting's rule language never leaks into the aggregator).
      ...appScopes.map((scope) => ({
        sourceTag: `scope:${scope}`,
        onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared'],
      })),
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    ],
  };
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.cache/**', '.nx/**', 'coverage/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked, tseslint.configs.stylisticTypeChecked],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Nest modules are classes with static factories only.
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      // NestJS declares its option bags as classes; object literals for them are the documented use.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries([])],
    },
  },
  {
    files: [
      '**/*.spec.ts',
      '**/test/**/*.ts',
      'charts/*/e2e/**/*.ts',
      'charts/*/k8s-check/**/*.ts',
    ],
    ...jest.configs['flat/recommended'],
    plugins: { ...jest.configs['flat/recommended'].plugins, '@nx': nx },
    rules: {
      ...jest.configs['flat/recommended'].rules,
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries(['type:test', 'type:fixtures'])],
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*'] }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { ...globals.node } },
  },
  prettier,
);
