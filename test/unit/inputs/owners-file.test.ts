// The owners file's parser: what a good file becomes, and each mistake named with its line and
// what to change, through readSettings so it fails before any AWS call.
import { describe, expect, it } from '@jest/globals'
import { parseOwnersFile } from '../../../src/inputs/owners-file.js'
import { InputError } from '../../../src/inputs/reader.js'
import { readSettings } from '../../../src/inputs/settings.js'
import { ownersOf } from '../../../src/domain/owners.js'
import { settingsOf } from '../../support/settings.js'
import { actionDefaults } from '../../support/runner-inputs.js'

const PATH = '.github/iam-owners.yml'

const GOOD = `# Who owns which keys
owners:
  - users: ['payments-*', billing-api]
    github-users: [alice-gh, bob-gh]
    github-teams: [acme/payments-oncall]
    email: payments@acme.example
    team: payments
  - owner-tag-values: [data-platform]
    github-users: secops-lead
    team: data
exemptions:
  - users: vendor-*
    until: 2027-01-31
    reason: vendor contract
    ticket: SEC-123
    approved-by: secops-lead
  - users: legacy-batch
    reason: decommissioned in Q3
`

function problems(source: string): string[] {
  const parsed = parseOwnersFile(source, PATH)
  return 'config' in parsed ? [] : parsed.problems
}

describe('parseOwnersFile', () => {
  it('reads owners and exemptions', () => {
    const parsed = parseOwnersFile(GOOD, PATH)
    expect(parsed).toEqual({
      problems: [],
      config: {
        path: PATH,
        owners: [
          {
            users: ['payments-*', 'billing-api'],
            ownerTagValues: [],
            githubUsers: ['alice-gh', 'bob-gh'],
            githubTeams: ['acme/payments-oncall'],
            email: 'payments@acme.example',
            team: 'payments'
          },
          {
            users: [],
            ownerTagValues: ['data-platform'],
            githubUsers: ['secops-lead'],
            githubTeams: [],
            team: 'data'
          }
        ],
        exemptions: [
          {
            users: 'vendor-*',
            until: '2027-01-31',
            reason: 'vendor contract',
            ticket: 'SEC-123',
            approvedBy: 'secops-lead'
          },
          { users: 'legacy-batch', reason: 'decommissioned in Q3' }
        ]
      }
    })
  })

  it('an empty file is an empty configuration', () => {
    expect(parseOwnersFile('', PATH)).toMatchObject({ config: { owners: [], exemptions: [] } })
    expect(parseOwnersFile('owners: []\n', PATH)).toMatchObject({ config: { owners: [] } })
  })

  it('names an unknown key, its line and the keys it may be', () => {
    expect(problems('owners:\n  - users: [a]\n    github-user: [alice]\n')).toEqual([
      `'owners-config' ${PATH} line 3: unknown key 'github-user' in owners[0]; use one of users, owner-tag-values, github-users, github-teams, email, team.`,
      `'owners-config' ${PATH} line 2: owners[0] names no owner: give it github-users, github-teams, email or team.`
    ])
    expect(problems('owner:\n  - users: [a]\n')).toEqual([
      `'owners-config' ${PATH} line 1: unknown key 'owner' in the file; use one of owners, exemptions.`
    ])
  })

  it('names a wrong type', () => {
    expect(problems('owners:\n  users: a\n')).toEqual([
      `'owners-config' ${PATH} line 2: owners must be a list (each entry starting with '- ').`
    ])
    expect(problems('owners:\n  - users: {a: 1}\n    team: x\n')).toEqual([
      `'owners-config' ${PATH} line 2: owners[0].users must be a list of IAM user names or globs with '*' and '?'.`
    ])
    expect(problems('owners:\n  - users: [a]\n    github-users: [42]\n')).toEqual([
      `'owners-config' ${PATH} line 3: owners[0].github-users must be a non-empty text (GitHub logins such as octocat).`
    ])
  })

  it('rejects bad logins and teams, saying the form', () => {
    expect(problems('owners:\n  - users: [a]\n    github-users: [alice_gh]\n')).toEqual([
      `'owners-config' ${PATH} line 3: owners[0].github-users must be GitHub logins such as octocat; got 'alice_gh'.`
    ])
    expect(problems("owners:\n  - users: [a]\n    github-users: ['@alice']\n")).toEqual([
      `'owners-config' ${PATH} line 3: owners[0].github-users: write 'alice' without the '@' (mentions are added by the action).`
    ])
    expect(problems('owners:\n  - users: [a]\n    github-teams: [payments]\n')).toEqual([
      `'owners-config' ${PATH} line 3: owners[0].github-teams must be GitHub teams as org/team-slug, such as acme/payments-oncall; got 'payments'.`
    ])
  })

  it('rejects a bad date, and a date that does not exist', () => {
    const grant = (until: string) =>
      problems(`exemptions:\n  - users: a\n    reason: r\n    until: ${until}\n`)
    expect(grant('31/01/2027')).toEqual([
      `'owners-config' ${PATH} line 4: exemptions[0].until must be a date as YYYY-MM-DD, such as 2027-01-31 (the last day the exemption holds); got '31/01/2027'.`
    ])
    expect(grant('2027-02-30')[0]).toContain("got '2027-02-30'")
    expect(grant('2027-02-28')).toEqual([])
  })

  it('an exemption needs users and a reason', () => {
    expect(problems('exemptions:\n  - until: 2027-01-31\n')).toEqual([
      `'owners-config' ${PATH} line 2: exemptions[0] needs users: the IAM user name or glob it exempts.`,
      `'owners-config' ${PATH} line 2: exemptions[0] needs a reason: why these keys may stay as they are.`
    ])
  })

  it('reports duplicates: a key twice, a glob in two entries, a login twice', () => {
    expect(problems('owners:\n  - users: [a]\n    team: x\n    team: y\n')).toEqual([
      `'owners-config' ${PATH} line 4: a key appears twice in one mapping; keep one (for two owners, write two entries under owners).`
    ])
    expect(
      problems('owners:\n  - users: [a-*]\n    team: x\n  - users: [A-*]\n    team: y\n')
    ).toEqual([
      `'owners-config' ${PATH} line 4: user glob 'A-*' is already in the entry on line 2; keep it in one entry (an entry may list several people and teams).`
    ])
    expect(problems('owners:\n  - users: [a]\n    github-users: [al, AL]\n')).toEqual([
      `'owners-config' ${PATH} line 3: owners[0].github-users lists 'AL' twice; remove one.`
    ])
    expect(
      problems('exemptions:\n  - users: v\n    reason: r\n  - users: v\n    reason: s\n')
    ).toEqual([
      `'owners-config' ${PATH} line 4: exempted user glob 'v' is already in the entry on line 2; keep it in one entry (an entry may list several people and teams).`
    ])
  })

  it('names the line of a YAML syntax error', () => {
    const [problem] = problems('owners:\n  - users: [a\n    team: x\n')
    expect(problem).toMatch(/^'owners-config' \.github\/iam-owners\.yml line \d: not valid YAML/)
  })
})

describe('ownersOf', () => {
  const parsed = parseOwnersFile(GOOD, PATH)
  const config = 'config' in parsed ? parsed.config : undefined
  it('unites the entries matched by glob and by owner-tag value', () => {
    if (!config) throw new Error('bad fixture')
    expect(ownersOf(config, 'Payments-API', 'data-platform')).toEqual({
      githubUsers: ['alice-gh', 'bob-gh', 'secops-lead'],
      githubTeams: ['acme/payments-oncall'],
      emails: ['payments@acme.example'],
      teams: ['data', 'payments']
    })
    expect(ownersOf(config, 'carol', 'someone-else')).toBeUndefined()
  })
})

describe('owners-config through readSettings', () => {
  const DEFAULTS = actionDefaults({ token: 'ghs_job_token' })
  const read = (inputs: Record<string, string>, files: Record<string, string>) => {
    const all: Record<string, string> = { ...DEFAULTS, 'role-to-assume': '', ...inputs }
    return readSettings(
      (name) => all[name] ?? '',
      { GITHUB_EVENT_NAME: 'schedule', GITHUB_WORKSPACE: '/repo' },
      {},
      (path) => {
        const text = files[path]
        if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`)
        return text
      }
    )
  }

  it('reads the file from the workspace, with the ladder settings', () => {
    const settings = settingsOf(
      read({ 'owners-config': PATH, 'reminder-days': '30, 7' }, { [`/repo/${PATH}`]: GOOD }),
      'audit'
    )
    expect(settings.owners?.owners).toHaveLength(2)
    expect(settings.reminders).toEqual({ daysBefore: [30, 7], everyDays: 7, escalateAfterDays: 14 })
  })

  it('without owners-config: no owners and no ladder, as before', () => {
    const settings = settingsOf(read({}, {}), 'audit')
    expect(settings.owners).toBeUndefined()
    expect(settings.reminders).toBeUndefined()
  })

  it('a bad file is an InputError naming owners-config, the file and the line', () => {
    const run = () =>
      read(
        { 'owners-config': PATH },
        { [`/repo/${PATH}`]: 'owners:\n  - users: [a]\n    colour: red\n' }
      )
    expect(run).toThrow(InputError)
    expect(run).toThrow(`'owners-config' ${PATH} line 3: unknown key 'colour' in owners[0]`)
  })

  it('a missing file or a path outside the repository is refused', () => {
    expect(() => read({ 'owners-config': 'nope.yml' }, {})).toThrow(
      "'owners-config': cannot read nope.yml in the workspace"
    )
    expect(() => read({ 'owners-config': '../etc/owners.yml' }, {})).toThrow(
      "'owners-config' must be a path inside the repository"
    )
    expect(() => read({ 'owners-config': '/etc/owners.yml' }, {})).toThrow(
      "'owners-config' must be a path inside the repository"
    )
  })

  it('rejects bad reminder inputs', () => {
    const problems = (inputs: Record<string, string>) => {
      try {
        read({ 'owners-config': PATH, ...inputs }, { [`/repo/${PATH}`]: GOOD })
      } catch (error) {
        if (error instanceof InputError) return error.problems
        throw error
      }
      return []
    }
    expect(problems({ 'reminder-days': '14,0' })).toEqual([
      "'reminder-days' entries must be whole numbers of days before the deadline, 1 to 365, such as 14,7,1 (or none); got '0'."
    ])
    expect(problems({ 'reminder-every-days': 'weekly' })).toEqual([
      "'reminder-every-days' must be a whole number from 0 to 365; got 'weekly'."
    ])
    expect(problems({ 'reminder-days': 'none' })).toEqual([])
  })
})
