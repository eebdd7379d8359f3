/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        useESM: true,
        tsconfig: {
          isolatedModules: true,
          allowImportingTsExtensions: true,
          rewriteRelativeImportExtensions: false,
          noEmit: false
        }
      }
    ]
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  reporters: ['default', '<rootDir>/scripts/ci-reporter.cjs'],
  testTimeout: 30000
}
