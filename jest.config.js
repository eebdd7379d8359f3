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
  testTimeout: 30000
}
