// The fake GitHub's public face: the server (server.ts), its ready-made faults, the JWT reader,
// the check of every exchange against GitHub's API description (openapi.ts) and the types. The
// repository (issues, comments, assignees, labels), OIDC, pagination and REST shapes each have
// their own file.
export { faults } from './faults.js'
export { decodeJwtPayload } from './oidc.js'
export { formatViolation } from './openapi.js'
export { FakeGitHub, takeApiViolations } from './server.js'
export type * from './types.js'
