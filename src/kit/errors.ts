// Errors wrapped with what was being done and what the user should change.

export class ActionError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
    this.name = 'ActionError'
  }
}

/** The AWS error code (SDK v3 puts it in `name`), or undefined for non-AWS errors. */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const e = error as { name?: unknown; Code?: unknown; $metadata?: unknown }
  if (typeof e.Code === 'string') return e.Code
  return e.$metadata !== undefined && typeof e.name === 'string' ? e.name : undefined
}

/**
 * Compares AWS error codes the way both spellings reach us: the SDK names modelled errors
 * after their class (NoSuchEntityException) and unmodelled ones after the wire code.
 */
export function hasAwsCode(error: unknown, ...codes: string[]): boolean {
  const code = awsErrorCode(error)?.replace(/Exception$/, '')
  return code !== undefined && codes.some((c) => c.replace(/Exception$/, '') === code)
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const code = awsErrorCode(error)
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message
  }
  return String(error)
}

export function isAccessDenied(error: unknown): boolean {
  return hasAwsCode(error, 'AccessDenied', 'UnauthorizedOperation', 'AuthorizationError')
}

/** Wraps an AWS call's failure with the permission to grant when it was a denial. */
export function wrapAwsError(doing: string, permission: string, error: unknown): ActionError {
  const hint = isAccessDenied(error)
    ? `Grant ${permission} to the role the action runs with (see docs/permissions.md, "IAM permissions").`
    : undefined
  return new ActionError(`${doing} failed: ${errorMessage(error)}`, hint, { cause: error })
}

/** The one line given to core.setFailed: what went wrong, then what to do. */
export function describeFailure(error: unknown): string {
  if (error instanceof ActionError) {
    return error.hint ? `${error.message}\n${error.hint}` : error.message
  }
  return `IAM Key Sentinel failed unexpectedly: ${errorMessage(error)}`
}
