// `npm run test:moto`: the built action against moto (test/moto/), apart from `npm test` because
// it needs python3 with moto 5.2.1 and libfaketime (.ci/run installs them) and runs one moto
// server per file. The same ESM ts-jest set-up as jest.config.js, and the same stale-bundle check.
import { FRESH_BUNDLE, GITHUB_API_CHECK, project, runDefaults } from './jest.config.js'

/** @type {import('jest').Config} */
export default {
  ...runDefaults,
  projects: [project('moto', { globalSetup: FRESH_BUNDLE, setupFilesAfterEnv: GITHUB_API_CHECK })],
  // One moto server, whose clock the tests move: the files run one at a time.
  maxWorkers: 1
}
