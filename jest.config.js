// ESM jest: ts-jest compiles TypeScript as ES modules; the action's own
// modules are mocked with jest.unstable_mockModule (see __fixtures__/).
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // test/moto/ needs moto and libfaketime: `npm run test:moto` (jest.moto.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/moto/'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { useESM: true, tsconfig: 'tsconfig.all.json', diagnostics: { ignoreCodes: [151002] } }
    ]
  },
  // Source files import siblings with the .js suffix NodeNext requires.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  collectCoverageFrom: ['src/**/*.ts'],
  testTimeout: 120000,
  // The e2e tests mostly wait on child processes and paced GitHub writes, not on the CPU.
  maxWorkers: 4,
  verbose: false,
  reporters: ['default', '<rootDir>/test/support/count-reporter.js']
}
