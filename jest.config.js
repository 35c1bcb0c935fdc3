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
  // `npm test` reports the coverage of src/ by the tests that load it in process (e2e runs dist/
  // in child processes, so it adds nothing and costs nothing). Other runs (one file, test:moto)
  // skip it, or the thresholds would fail them for files they never meant to load; add
  // --coverage to see it there.
  collectCoverage: process.env.npm_lifecycle_event === 'test',
  coverageReporters: ['text-summary'],
  // The code that changes keys is tested in process (test/unit/act-*, plan*).
  coverageThreshold: { './src/act/': { lines: 90 }, './src/plan/': { lines: 90 } },
  testTimeout: 120000,
  // The e2e tests mostly wait on child processes and paced GitHub writes, not on the CPU.
  maxWorkers: 4,
  verbose: false,
  reporters: ['default', '<rootDir>/test/support/count-reporter.js'],
  // One temporary root for every run's files, removed at the end (test/support/temp-root.ts).
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js'
}
