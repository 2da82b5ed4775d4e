/**
 * Every sentence the console shows, in one place, so it can be translated: replace this object (or
 * ship another file at build time) and nothing else changes.
 *
 * @module
 */
export const text = {
  title: 'Identity providers',
  skip: 'Skip to the content',
  loading: 'Loading…',
  connections: {
    heading: 'Connections',
    caption: 'The identity providers people can sign in with',
    filter: 'Filter connections',
    filterHint: 'By name, provider, protocol or id',
    empty: 'No connections yet.',
    noMatch: (query: string) => `No connection matches “${query}”.`,
    count: (shown: number, total: number) =>
      shown === total ? `${total} connection${total === 1 ? '' : 's'}` : `${shown} of ${total} connections`,
    columns: {
      active: 'Active',
      name: 'Name',
      provider: 'Provider',
      protocol: 'Protocol',
      id: 'ID',
      updated: 'Last update',
      actions: 'Actions',
    },
    on: 'On',
    off: 'Off',
    toggle: (name: string, active: boolean) =>
      `${name}: ${active ? 'active, click to disable' : 'inactive, click to enable'}`,
    activated: (name: string) => `“${name}” is active: its button is on the login page.`,
    deactivated: (name: string) =>
      `“${name}” is disabled: its button is gone from the login page and its sessions ended.`,
    delete: 'Delete',
    deleteLabel: (name: string) => `Delete ${name}`,
    confirmTitle: (name: string) => `Delete “${name}”?`,
    confirmBody:
      'People who sign in with it can no longer do so, and their current sessions end now. This cannot be undone.',
    confirmDelete: 'Delete connection',
    cancel: 'Cancel',
    deleted: (name: string) => `“${name}” was deleted.`,
  },
  detail: {
    back: '← All connections',
    active: 'active',
    inactive: 'disabled',
    registerHeading: 'Register at the identity provider',
    registerHint: 'Enter these values in the identity provider’s settings for this app.',
    register: {
      redirectUri: 'Redirect URI (sign-in redirect, callback URL)',
      postLogoutRedirectUri: 'Post-logout redirect URI (sign-out redirect)',
      backchannelLogoutUri: 'Back-channel logout URI',
      frontchannelLogoutUri: 'Front-channel logout URL',
      acsUrl: 'Assertion Consumer Service URL (ACS, reply URL)',
      spEntityId: 'Entity ID (audience, identifier)',
      spMetadataUrl: 'Service provider metadata URL',
      sloUrl: 'Single Logout URL',
    } as Record<string, string>,
    copy: 'Copy',
    copied: 'Copied',
    copyLabel: (what: string) => `Copy ${what}`,
    testHeading: 'Test Provider',
    testHint:
      'Run checks asks the identity provider for its configuration. Test login signs you in through it for real and shows what a login would do, without creating a session, a user or a membership.',
    runTest: 'Run checks',
    testLogin: 'Test login',
    testing: 'Checking the identity provider…',
    testResult: (status: string) => `Checks: ${status}`,
    loginSucceeded: 'Test login: a login would succeed',
    loginFailed: 'Test login: a login would be refused',
    stage: {
      start: 'The login could not start.',
      response: 'The identity provider’s answer was refused.',
      mapping: 'The login policy would refuse this person.',
    } as Record<string, string>,
    signedInAs: (subject: string, issuer: string) =>
      `The identity provider signed in ${subject} (issuer ${issuer}).`,
    claims: 'Claims and attributes received',
    effectiveHeading: 'Effective configuration',
    effectiveHint:
      'What logins use, field by field, and where each value comes from. A field fixed by the environment or a file can only be changed there.',
    effectiveCaption: 'Each setting, its value and its source',
    field: 'Field',
    value: 'Value',
    source: 'Source',
    secretSet: '(set, never shown)',
    sources: { environment: 'environment', file: 'file', stored: 'saved here', default: 'default' } as Record<
      string,
      string
    >,
    fixed: (source: string, origin: string | undefined) =>
      `${source}${origin ? ` (${origin})` : ''}: read-only here`,
  },
  report: {
    status: { ok: 'OK', warning: 'Warning', error: 'Error' } as Record<string, string>,
    fix: 'Fix:',
    previewHeading: 'What the login would do',
    wouldSucceed: 'The person would be let in.',
    wouldFail: 'The person would be refused.',
    existingUser: (id: string) => `It would sign in the existing user ${id}.`,
    newUser: 'It would create a new user.',
    profile: 'Mapped profile',
    groups: 'IdP groups:',
    roles: 'Roles:',
    none: 'none',
    groupsAdded: 'Groups added:',
    groupsRemoved: 'Groups removed:',
    groupsKept: 'Groups kept:',
    syncOff: 'Group sync is off for this connection.',
    unmatched: 'IdP groups that matched no role and no app group:',
    refusedRoles: 'Roles this connection may not grant:',
  },
  errors: {
    conflict:
      'Someone else changed this connection since this page loaded, so nothing was saved. Reload to see their change, then try again.',
    reload: 'Reload',
    forbidden: 'You are no longer allowed to use the admin console. Sign in as an administrator.',
    network: 'The server could not be reached. Check your connection and try again.',
    generic: (message: string) => `The server refused: ${message}`,
  },
  protocols: { oidc: 'OpenID Connect', saml: 'SAML 2.0' } as Record<string, string>,
} as const;
