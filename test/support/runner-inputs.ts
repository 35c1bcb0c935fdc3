// The inputs a GitHub runner hands an action: an INPUT_<NAME> variable for every input the step
// sets in `with:` and for every input with a default in action.yml ("When you specify an input
// ... or use a default input value, GitHub creates an environment variable for the input",
// GitHub's metadata-syntax reference). Every run of dist/index.js in tests and scripts starts
// here, so no test can see a contract the runner does not offer.
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const ACTION_YML = resolve(dirname(fileURLToPath(import.meta.url)), '../../action.yml')

interface ActionYml {
  inputs?: Record<string, { default?: unknown } | null>
}

/** The job's GITHUB_TOKEN, which `${{ github.token }}` becomes; the fake GitHub accepts it. */
export const JOB_TOKEN = 'ghs_fake_job_token'

/** What the runner's expression context gives the defaults; an unknown expression is an error. */
export interface RunnerContext {
  token: string
}

/** action.yml's defaults, with the expressions a runner would evaluate already evaluated. */
export function actionDefaults(context: RunnerContext): Record<string, string> {
  const doc = parse(readFileSync(ACTION_YML, 'utf8')) as ActionYml
  const defaults: Record<string, string> = {}
  for (const [name, input] of Object.entries(doc.inputs ?? {})) {
    if (input?.default === undefined || input.default === null) continue
    defaults[name] = String(input.default).replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expr) => {
      if (expr === 'github.token') return context.token
      throw new Error(
        `action.yml default of '${name}' uses \${{ ${expr} }}: teach runner-inputs.ts its value`
      )
    })
  }
  return defaults
}

/** The runner's name for an input's variable: upper-cased, spaces to underscores, dashes kept. */
function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/** Every default, then the step's `with:` over it, as INPUT_* variables. */
export function runnerInputEnv(
  withInputs: Record<string, string>,
  context: RunnerContext
): Record<string, string> {
  const inputs = { ...actionDefaults(context), ...withInputs }
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [inputVariable(k), v]))
}
