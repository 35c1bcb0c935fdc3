// The one check that a value from IAM may be pasted unquoted into an `aws iam ...` command.

// IAM user names and access key IDs only ever hold these characters; a value with any other
// character did not come from IAM as it is, and quoting it safely for every shell is not possible.
const IAM_NAME = /^[\w+=,.@-]+$/

/** Whether `value` is in IAM's name character set, so safe to put in a shell command as is. */
export function isIamName(value: string): boolean {
  return IAM_NAME.test(value)
}
