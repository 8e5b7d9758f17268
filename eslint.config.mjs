// @ts-check
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
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:logic', 'type:adapter', 'type:nest'],
            },
            {
              sourceTag: 'type:nest',
              onlyDependOnLibsWithTags: ['type:logic', 'type:adapter', 'type:nest'],
            },
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:logic', 'type:adapter'] },
            // Recorded and synthetic test data, for any project's tests.
            {
              sourceTag: 'type:fixtures',
              onlyDependOnLibsWithTags: ['type:logic'],
              bannedExternalImports: infrastructurePackages,
            },
            {
              sourceTag: 'type:logic',
              onlyDependOnLibsWithTags: ['type:logic', 'type:fixtures'],
              bannedExternalImports: infrastructurePackages,
            },
            {
              sourceTag: 'type:test',
              onlyDependOnLibsWithTags: ['type:logic', 'type:adapter', 'type:test'],
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    ...jest.configs['flat/recommended'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
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
