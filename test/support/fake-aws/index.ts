// The fake AWS's public face: the server (server.ts) and the model types tests build accounts
// from. One file per service (iam-*, credential-report, sts, sns, cloudtrail, organizations) and
// per protocol (query-protocol, json-protocol) holds the rest.
export { credentialReportCsv } from './credential-report.js'
export { FakeAws } from './server.js'
export type * from './types.js'
