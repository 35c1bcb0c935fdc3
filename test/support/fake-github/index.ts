// The fake GitHub's public face: the server (server.ts), its ready-made faults, the JWT reader and
// the types. The repository (issues, comments, assignees, labels), OIDC, pagination and REST
// shapes each have their own file.
export { faults } from './faults.js'
export { decodeJwtPayload } from './oidc.js'
export { FakeGitHub } from './server.js'
export type * from './types.js'
