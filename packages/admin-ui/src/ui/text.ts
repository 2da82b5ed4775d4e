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
