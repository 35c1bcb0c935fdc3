// The layers of src/, enforced by `npm run lint` (npm run depcruise). Imports point one way:
//   jobs (src/jobs, src/main.ts) -> stages (inputs credentials scan classify plan act rotate activity
//   render deliver) -> adapters (src/aws, src/github) -> domain (src/domain) and kit (src/kit).
// Type-only imports count: a type drags its module into the reader's head, if not into the bundle.
// test/contract/layers.test.ts proves that a wrong import fails these rules.

const STAGES = '(inputs|credentials|scan|classify|plan|act|rotate|activity|render|deliver)'
const JOBS = ['^src/jobs/', '^src/main\\.ts$', '^src/index\\.ts$']
const RUNNER = ['^src/deliver/', '^src/jobs/', '^src/main\\.ts$']
// Unanchored: with a symlinked node_modules the resolved path starts elsewhere.
const npm = (...names) => `node_modules/(${names.join('|')})/`

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle has no bottom layer: split the shared part out, into domain or kit.',
      from: {},
      to: { circular: true }
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'src/domain holds pure types and rules: it imports nothing but src/domain.',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/' }
    },
    {
      name: 'kit-is-self-contained',
      severity: 'error',
      comment:
        'src/kit is the small toolbox under everything: it imports nothing but src/kit (and Node).',
      from: { path: '^src/kit/' },
      to: { pathNot: '^src/kit/', dependencyTypesNot: ['core'] }
    },
    {
      name: 'adapters-use-domain-and-kit-only',
      severity: 'error',
      comment: 'src/aws and src/github import only themselves, src/domain and src/kit.',
      from: { path: '^src/(aws|github)/' },
      to: { path: '^src/', pathNot: ['^src/$1/', '^src/(domain|kit)/'] }
    },
    {
      name: 'stages-do-not-import-jobs',
      severity: 'error',
      comment: 'Jobs orchestrate the stages; a stage never reaches back up into a job.',
      from: { path: `^src/${STAGES}/` },
      to: { path: JOBS }
    },
    {
      name: 'render-is-pure',
      severity: 'error',
      comment:
        'Renderers turn data into text: no AWS or GitHub adapter, no delivery, no runner (@actions/*).',
      from: { path: '^src/render/' },
      to: { path: ['^src/(aws|github|deliver)/', npm('@actions/[^/]+')] }
    },
    {
      name: 'only-aws-imports-the-sdk',
      severity: 'error',
      comment: 'Only the AWS adapter (src/aws) imports @aws-sdk/* and @smithy/*.',
      from: { path: '^src/', pathNot: '^src/aws/' },
      to: { path: npm('@aws-sdk/[^/]+', '@smithy/[^/]+') }
    },
    {
      name: 'only-delivery-and-jobs-touch-the-runner',
      severity: 'error',
      comment: 'Only src/deliver, src/jobs and src/main.ts import @actions/core.',
      from: { path: '^src/', pathNot: RUNNER },
      to: { path: npm('@actions/core') }
    },
    {
      name: 'only-delivery-jobs-and-the-github-adapter-import-actions-github',
      severity: 'error',
      comment:
        'The runner context and Octokit come from src/deliver, src/jobs, src/main.ts, and src/github, ' +
        'the adapter that builds the client as src/aws builds the SDK clients.',
      from: { path: '^src/', pathNot: [...RUNNER, '^src/github/'] },
      to: { path: npm('@actions/github') }
    },
    {
      name: 'no-unlisted-package',
      severity: 'error',
      comment: 'A package src/ imports must be in package.json, not just installed by another.',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] }
    },
    {
      name: 'no-dev-package-at-run-time',
      severity: 'error',
      comment: 'devDependencies are not installed for the bundle; types from them are fine.',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] }
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing.',
      from: {},
      to: { couldNotResolve: true }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types']
    },
    reporterOptions: { text: { highlightFocused: true } }
  }
}
