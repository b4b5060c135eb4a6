import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', '.test-data/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node or NestJS imports.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'node:*',
            '@nestjs/*',
            'typeorm',
            'pg',
            '@temporalio/activity',
            '@temporalio/client',
            '@temporalio/worker',
          ],
        },
      ],
    },
  },
  {
    // Import boundaries between the layers of the repository (README → Import boundaries).
    // Elements are matched from the repository root; the first descriptor that matches wins,
    // so the dev server is its own element inside infra/. test/ and bench/ are no element:
    // they may import anything.
    files: ['**/*.{ts,js,cjs,mjs}'],
    plugins: { boundaries },
    settings: {
      'boundaries/root-path': import.meta.dirname,
      'boundaries/elements': [
        { type: 'apps', pattern: 'apps', partialMatch: false },
        { type: 'workflows', pattern: 'workflows', partialMatch: false },
        { type: 'activities', pattern: 'activities', partialMatch: false },
        { type: 'temporal-dev-server', pattern: 'infra/temporal-dev-server', partialMatch: false },
        { type: 'infra', pattern: 'infra', partialMatch: false },
      ],
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import', 'require'],
      'import/resolver': { node: { extensions: ['.ts', '.js'] } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            {
              from: { element: { type: 'workflows' } },
              disallow: { to: { element: { types: { anyOf: ['apps', 'infra', 'temporal-dev-server'] } } } },
              message:
                'workflows/ runs in the deterministic sandbox: it imports nothing from apps/ or infra/',
            },
            {
              from: { element: { type: 'workflows' } },
              disallow: { to: { element: { type: 'activities' } }, dependency: { kind: 'value' } },
              message:
                'workflows/ may only `import type` from activities/ (proxyActivities<ReturnType<…>>), never their implementation',
            },
            {
              from: { element: { type: 'temporal-dev-server' } },
              disallow: {
                to: { element: { types: { anyOf: ['apps', 'workflows', 'activities', 'infra'] } } },
              },
              message:
                'infra/temporal-dev-server is a stand-alone Temporal server: it imports nothing of the service',
            },
            {
              from: { element: { types: { anyOf: ['activities', 'infra'] } } },
              disallow: { to: { element: { type: 'apps' } } },
              message:
                'only apps/ import apps/: the composition root lives in apps/launcher, not in activities/ or infra/',
            },
          ],
        },
      ],
    },
  },
);
