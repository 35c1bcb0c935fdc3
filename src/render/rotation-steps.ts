// How to rotate one key, fitted to the user's keys. IAM allows two access keys per user, active or
// inactive (IAM quotas), so "create a second key first" only works for a user with one:
// with two, one must go first, and the steps say which.
import { isIamName } from '../domain/iam-name.js'
import { isFlagged } from '../domain/classify.js'
import { lastUsePhrase, type Escape } from './wording.js'
import type { Finding } from '../domain/types.js'

/** The generic procedure, for a user with one key, as the IAM User Guide gives it. */
export const ROTATION_STEPS = [
  'Create a second access key in addition to the one in use.',
  'Update all your applications to use the new access key and validate that they work.',
  'Change the state of the previous access key to inactive.',
  'Validate that your applications still work as expected.',
  'Delete the inactive access key.'
] as const

interface RotationStep {
  text: string
  /** An AWS CLI command for the step, shell-safe (placeholders for names outside IAM's set). */
  command?: string
}

export interface RotationAdvice {
  /** What is special about this user's keys, when anything is. */
  note?: string
  steps: RotationStep[]
}

const shell = (value: string, placeholder: string): string =>
  isIamName(value) ? value : placeholder

function commands(userName: string) {
  const user = shell(userName, 'USER_NAME')
  const id = (f: Finding): string => shell(f.accessKeyId, 'ACCESS_KEY_ID')
  return {
    create: `aws iam create-access-key --user-name ${user}`,
    deactivate: (f: Finding) =>
      `aws iam update-access-key --user-name ${user} --access-key-id ${id(f)} --status Inactive`,
    remove: (f: Finding) => `aws iam delete-access-key --user-name ${user} --access-key-id ${id(f)}`
  }
}

/** Move off `old`, switch it off, check, delete: the end of every rotation. */
function retire(old: Finding, onto: string, escape: Escape): RotationStep[] {
  const cmd = commands(old.userName)
  const key = escape(old.accessKeyId, 32)
  return [
    { text: `Update all your applications to use ${onto} and validate that they work.` },
    { text: `Change the state of ${key} to inactive.`, command: cmd.deactivate(old) },
    { text: 'Validate that your applications still work as expected.' },
    { text: `Delete ${key}.`, command: cmd.remove(old) }
  ]
}

/**
 * The steps for `key`, given every key of its user (`key` included). `escape` makes the key IDs
 * and names in the text safe for the channel; commands are shell-safe on their own.
 */
export function rotationAdvice(
  key: Finding,
  userKeys: readonly Finding[],
  escape: Escape
): RotationAdvice {
  const cmd = commands(key.userName)
  const id = escape(key.accessKeyId, 32)
  const user = escape(key.userName, 64)
  const other = userKeys.find((k) => k.accessKeyId !== key.accessKeyId)
  if (!other) {
    return {
      steps: [
        { text: 'Create a second access key in addition to the one in use.', command: cmd.create },
        ...retire(key, 'the new access key', escape)
      ]
    }
  }
  const otherId = escape(other.accessKeyId, 32)
  if (other.status === 'Inactive') {
    return {
      note:
        `${user} already has a second access key, ${otherId}, and it is inactive. IAM allows two ` +
        'access keys per user, active or inactive, so a new key can only be created once that one is deleted.',
      steps: [
        {
          text: `Check that nothing still needs the inactive key ${otherId}, then delete it.`,
          command: cmd.remove(other)
        },
        { text: 'Create a new access key.', command: cmd.create },
        ...retire(key, 'the new access key', escape)
      ]
    }
  }
  // Two active keys: no third can be created. Retire the older flagged one first.
  const bothFlagged = isFlagged(other.class)
  const first = bothFlagged && other.ageDays > key.ageDays ? other : key
  const second = first === key ? other : key
  const firstId = escape(first.accessKeyId, 32)
  const secondId = escape(second.accessKeyId, 32)
  const steps = retire(first, secondId, escape)
  if (bothFlagged) {
    steps.push({
      text: `Then rotate ${secondId} the same way: create a new access key, move your applications to it, deactivate and delete ${secondId}.`,
      command: cmd.create
    })
  }
  return {
    note:
      `${user} already has two active access keys: ${id} and ${otherId} ` +
      `(${lastUsePhrase(other, escape)}). ` +
      'IAM allows two per user, so do not create a third: ' +
      `deactivate and delete ${firstId} first, moving what uses it to ${secondId}.`,
    steps
  }
}
