// The forms inputs must take, and AWS's limits on them.
export const ROLE_ARN = /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/
export const SESSION_NAME = /^[\w+=,.@-]{2,64}$/
// IAM tag keys: letters, digits, spaces and _.:/=+-@, 1 to 128 characters.
export const TAG_KEY = /^[\p{L}\p{N} _.:/=+\-@]{1,128}$/u
export const USER_NAME = /^[\w+=,.@-]{1,64}$/
export const USER_GLOB = /^[\w+=,.@*?-]{1,64}$/
export const SNS_TOPIC_ARN =
  /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:sns:[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}:\d{12}:[\w-]{1,256}(\.fifo)?$/
// GitHub label names: up to 50 characters, no commas (they separate the list).
export const LABEL = /^[^,\n]{1,50}$/
export const GROUP_NAME = /^[\w+=,.@-]{1,128}$/
// Organizations: a root is r-xxxx, an OU ou-<root part>-<8 to 32 characters>.
export const PARENT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/
export const ROLE_NAME = /^[\w+=,.@-]{1,64}$/
// sts:AssumeRole's ExternalId: 2 to 1224 characters of letters, digits and '+=,.@:/-'.
export const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/
export const POLICY_ARN =
  /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::(\d{12}|aws):policy\/[\w+=,.@/-]{1,1024}$/
/** STS limits: a packed inline session policy of 2048 characters, 10 managed policies. */
export const INLINE_SESSION_POLICY_MAX_CHARS = 2048
export const MANAGED_SESSION_POLICIES_MAX = 10
/** AWS caps a session assumed by role chaining at one hour, whatever the role allows. */
export const CHAINED_SESSION_MAX_SECONDS = 3600

export const AUDIENCE = /^\S{1,256}$/
// http-proxy: a proxy URL with its scheme, an optional user:password@, a host and a port.
export const PROXY_URL = /^https?:\/\/([^\s/?#@]+@)?[^\s/?#@]+\/?$/i
// no-proxy entries: *, or a host name or bracketed IPv6 address, with an optional leading . or *.
// (the domain's subdomains) and :port.
export const NO_PROXY_HOST = /^(\*|(\*?\.)?([\w-]+(\.[\w-]+)*|\[[\da-f:.]+\])(:\d{1,5})?)$/i
