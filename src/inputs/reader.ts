// Reads inputs through a getter and collects every problem, each naming the input and what to
// change, so one run reports every bad input at once.
import { ActionError } from '../kit/errors.js'
import { DEFAULTS } from './defaults.js'

export type InputGetter = (name: string) => string

/** Every bad input at once; each problem names the input and says what to change. */
export class InputError extends ActionError {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `Invalid input: ${problems[0]}`
        : `Invalid inputs:\n${problems.map((p) => `- ${p}`).join('\n')}`,
      'Change the inputs named above in the workflow file; nothing was read or changed in AWS or GitHub.'
    )
    this.name = 'InputError'
  }
}

/** Collects problems instead of throwing at the first, so one run reports every bad input. */
export class Reader {
  readonly problems: string[] = []
  constructor(private readonly get: InputGetter) {}

  /**
   * Whether the workflow chose a value of its own. The runner sets INPUT_<NAME> for every input
   * with a default in action.yml, so a value equal to the declared default is no choice at all.
   */
  isSet(name: string): boolean {
    const value = this.get(name).trim()
    return value !== '' && value !== (DEFAULTS as Record<string, string>)[name]
  }

  raw(name: string): string {
    const value = this.get(name).trim()
    if (value !== '') return value
    return (DEFAULTS as Record<string, string>)[name] ?? ''
  }

  wholeNumber(name: string, min: number, max: number): number {
    const value = this.raw(name)
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`'${name}' must be a whole number from ${min} to ${max}; got '${value}'.`)
      return min
    }
    return Number(value)
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const value = this.raw(name)
    if ((allowed as readonly string[]).includes(value)) return value as T
    this.problems.push(`'${name}' must be one of ${allowed.join(', ')}; got '${value}'.`)
    return allowed[0] as T
  }

  matching(name: string, pattern: RegExp, form: string): string {
    const value = this.raw(name)
    if (!pattern.test(value)) this.problems.push(`'${name}' must be ${form}; got '${value}'.`)
    return value
  }

  boolean(name: string): boolean {
    const value = this.raw(name).toLowerCase()
    if (value === 'true' || value === 'false') return value === 'true'
    this.problems.push(`'${name}' must be true or false; got '${this.raw(name)}'.`)
    return false
  }

  optionalMatching(name: string, pattern: RegExp, form: string): string | undefined {
    return this.raw(name) === '' ? undefined : this.matching(name, pattern, form)
  }

  list(name: string, pattern: RegExp, form: string): string[] {
    const items = splitList(this.raw(name))
    for (const item of items) {
      if (!pattern.test(item))
        this.problems.push(`'${name}' entries must be ${form}; got '${item}'.`)
    }
    return items
  }
}

/** Comma- or newline-separated list, blanks dropped. */
export function splitList(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
}
