// Test projects by level. Integration-level projects share one embedded PostgreSQL
// started in globalSetup; each test file gets its own database (see test/support).
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
      },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    },
  ],
};

const base = { transform, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };

/** @type {import('jest').Config} */
module.exports = {
  maxWorkers: 2,
  testTimeout: 120000,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...base,
      displayName: 'integration',
      // test/browser: the console in headless Chromium (Debian's chromium package, see .ci/run).
      testMatch: [
        '<rootDir>/test/integration/**/*.test.ts',
        '<rootDir>/test/api/**/*.test.ts',
        '<rootDir>/test/browser/**/*.test.ts',
      ],
    },
    {
      ...base,
      displayName: 'dev-server',
      testMatch: ['<rootDir>/test/dev-server/**/*.test.ts'],
    },
    {
      ...base,
      displayName: 'workflow',
      testMatch: ['<rootDir>/test/workflow/**/*.test.ts'],
    },
  ],
};
