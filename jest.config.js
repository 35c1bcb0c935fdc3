// ESM jest: ts-jest compiles TypeScript as ES modules; the action's own
// modules are mocked with jest.unstable_mockModule (see __fixtures__/).
// One project per kind of test (test/unit, test/integration, test/contract, test/e2e), so
// `npm run test:unit` and the others pick one with --selectProjects; `npm test` runs them all.
// test/moto/ needs moto and libfaketime: `npm run test:moto` (jest.moto.config.js).

/** What every project shares: how TypeScript is compiled and imports resolved. */
export const projectDefaults = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { useESM: true, tsconfig: 'tsconfig.all.json', diagnostics: { ignoreCodes: [151002] } }
    ]
  },
  // Source files import siblings with the .js suffix NodeNext requires.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' }
}

/** The tests of one kind, under test/<kind>/. */
export const project = (kind, options = {}) => ({
  ...projectDefaults,
  displayName: kind,
  testMatch: [`<rootDir>/test/${kind}/**/*.test.ts`],
  ...options
})

/** Run options of every jest run, this one's and test:moto's. */
export const runDefaults = {
  testTimeout: 120000,
  verbose: false,
  reporters: ['default', '<rootDir>/test/support/count-reporter.js'],
  // One temporary root for every run's files, removed at the end (test/support/temp-root.ts).
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js'
}

/** Fails a test whose fake GitHub saw an exchange GitHub's API description refuses. */
export const GITHUB_API_CHECK = ['<rootDir>/test/support/github-api-check.ts']

/** Runs dist/index.js: refuses a dist/ built from another src/ (test/support/fresh-bundle.js). */
export const FRESH_BUNDLE = '<rootDir>/test/support/fresh-bundle.js'

/** @type {import('jest').Config} */
export default {
  ...runDefaults,
  projects: [
    // Pure: src/ mirrored folder by folder, SDK clients mocked; milliseconds each.
    project('unit'),
    // Real SDK clients against the in-process fakes over loopback.
    project('integration', { setupFilesAfterEnv: GITHUB_API_CHECK }),
    // action.yml, README, examples/, workflows and the release checks.
    project('contract'),
    // dist/index.js in a child process against the fakes.
    project('e2e', { globalSetup: FRESH_BUNDLE, setupFilesAfterEnv: GITHUB_API_CHECK })
  ],
  collectCoverageFrom: ['src/**/*.ts'],
  // `npm test` reports the coverage of src/ by the tests that load it in process (e2e runs dist/
  // in child processes, so it adds nothing and costs nothing). Other runs (one file, one kind,
  // test:moto) skip it, or the thresholds would fail them for files they never meant to load;
  // add --coverage to see it there.
  collectCoverage: process.env.npm_lifecycle_event === 'test',
  coverageReporters: ['text-summary'],
  // The code that changes keys is tested in process (test/unit/act, test/unit/plan).
  coverageThreshold: { './src/act/': { lines: 90 }, './src/plan/': { lines: 90 } },
  // The e2e tests mostly wait on child processes and paced GitHub writes, not on the CPU.
  maxWorkers: 4
}
