// What an incident reads out of an exposed key's CloudTrail events beyond the counts: the calls
// that leave a door open, the roles the key reached, the sessions it minted and the user it
// belonged to. Plain data (ISO strings, arrays), like the rest of the activity summary.

/**
 * IAM calls that leave a way back in after the key is gone, and the door each opens. Successful
 * or denied, each is listed: a denied one says what the holder of the key tried.
 */
export const PERSISTENCE_CALLS: Readonly<Record<string, string>> = {
  CreateAccessKey: 'a new access key',
  UpdateAccessKey: 'an access key activated again',
  CreateUser: 'a new IAM user',
  CreateLoginProfile: 'a console password',
  UpdateLoginProfile: 'a changed console password',
  CreateVirtualMFADevice: 'an MFA device of its own',
  EnableMFADevice: 'an MFA device of its own',
  CreateServiceSpecificCredential: 'a service-specific credential (CodeCommit, Keyspaces)',
  UploadSSHPublicKey: 'an SSH key (CodeCommit)',
  UploadSigningCertificate: 'a signing certificate',
  AddUserToGroup: 'a group membership',
  AttachUserPolicy: 'a managed policy on a user',
  AttachGroupPolicy: 'a managed policy on a group',
  AttachRolePolicy: 'a managed policy on a role',
  PutUserPolicy: 'an inline policy on a user',
  PutGroupPolicy: 'an inline policy on a group',
  PutRolePolicy: 'an inline policy on a role',
  CreatePolicyVersion: 'a new version of a managed policy',
  SetDefaultPolicyVersion: 'another version of a managed policy in force',
  DeleteUserPermissionsBoundary: 'a user without its permissions boundary',
  DeleteRolePermissionsBoundary: 'a role without its permissions boundary',
  CreateRole: 'a new role',
  UpdateAssumeRolePolicy: 'a role trusting someone new',
  CreateOpenIDConnectProvider: 'a new OIDC identity provider',
  CreateSAMLProvider: 'a new SAML identity provider',
  UpdateSAMLProvider: 'a changed SAML identity provider'
}

/** Only IAM's calls are in the table: another service's CreateUser is something else. */
export function persistenceDoor(eventSource: string, eventName: string): string | undefined {
  return eventSource === 'iam.amazonaws.com' && Object.hasOwn(PERSISTENCE_CALLS, eventName)
    ? PERSISTENCE_CALLS[eventName]
    : undefined
}

export interface PersistenceCall {
  eventId: string
  eventName: string
  eventTime: string
  region?: string
  /** Set when the call failed (AccessDenied: tried, not done). */
  errorCode?: string
  /** What it was aimed at, from its request: "user svc-1", "role admin", "policy arn:…". */
  targets: string[]
  /** CreateAccessKey's new key, from the response: the next key to take away. */
  createdAccessKeyId?: string
  /** The credentials that made the call: the key or a session minted with it. */
  accessKeyId?: string
  sourceIp?: string
}

/** sts:AssumeRole calls made with the key or its sessions, by role. */
export interface AssumedRole {
  roleArn: string
  /** Successful calls: sessions of this role the key's holder has or had. */
  succeeded: number
  /** Refused calls (an errorCode): tried, but no session. */
  denied: number
  lastEventTime: string
}

export interface KeyEvidence {
  /** Newest first, at most MAX_PERSISTENCE_CALLS. */
  persistence: PersistenceCall[]
  /** Persistence calls found beyond the ones listed. */
  persistenceOmitted: number
  /** By role ARN. */
  assumedRoles: AssumedRole[]
  /** Temporary keys (ASIA…) minted with the key whose own events were looked up as well. */
  sessionKeys: string[]
  /** Minted temporary keys not looked up: beyond the cap of session lookups per key. */
  sessionKeysNotFollowed: number
  /** IAM user names the key's events name as the caller (userIdentity.userName). */
  userNames: string[]
}

export const MAX_PERSISTENCE_CALLS = 50
