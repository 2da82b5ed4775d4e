/** The demo's data, shared by the Express, Koa and Nest examples: connections, app groups, the `Sso`. */
import { adminConsole } from '@ssokit/admin-ui';
import { createSso, type Sso } from '@ssokit/server';
import type { NewConnection, SsoStorage } from '@ssokit/storage';

export const APP_GROUPS = ['admins', 'ml-engineers', 'viewers', 'reading-club'];

/** The demo's connections (their ids): the only ones whose IdP may grant the demo's roles. */
export const DEMO_CONNECTIONS = ['keycloak-pkce', 'keycloak-implicit', 'keycloak-saml'];

/**
 * The three ready connections of the demo (OIDC code + PKCE, OIDC implicit form_post, SAML) and its
 * app groups. Safe on every start: what exists is kept, and connections kept from a run on other
 * ports follow the addresses of this one.
 */
export async function seedDemo(storage: SsoStorage, baseUrl: string, issuer: string): Promise<void> {
  const common = {
    provider: 'keycloak' as const,
    active: true,
    groupSync: { enabled: true, removeRevoked: true },
    // One realm behind all three: it is authoritative for the emails, so one person is one user.
    provisioning: { linkExistingUsersByEmail: true },
  };
  // The code flow, scopes openid profile email, claims from the ID token: defaults, not written here.
  const oidc = { issuer };
  const demo: NewConnection[] = [
    {
      id: 'keycloak-pkce',
      name: 'Keycloak (OIDC, code + PKCE)',
      protocol: 'oidc',
      oidc: { ...oidc, clientId: 'ssokit-pkce', pkce: 'S256' },
      ...common,
    },
    {
      id: 'keycloak-implicit',
      name: 'Keycloak (OIDC, implicit form_post)',
      protocol: 'oidc',
      oidc: { ...oidc, clientId: 'ssokit-implicit', flow: 'implicit', pkce: 'none' },
      ...common,
    },
    {
      id: 'keycloak-saml',
      name: 'Keycloak (SAML)',
      protocol: 'saml',
      saml: {
        idpMetadataUrl: `${issuer}/protocol/saml/descriptor`,
        spEntityId: `${baseUrl}/sso/saml/metadata/keycloak-saml`,
        wantAssertionsSigned: true,
      },
      ...common,
    },
  ];
  for (const connection of demo) {
    const stored = await storage.connections.get(connection.id as string);
    if (!stored) {
      // Missing (first start, or deleted by an admin): created, so the demo always has its three.
      await storage.connections.create(connection);
    } else if (JSON.stringify(endpointsOf(stored)) !== JSON.stringify(endpointsOf(connection))) {
      // Kept from an earlier run on other ports: follow the app and IdP addresses, keep the rest.
      const patch =
        stored.protocol === 'oidc'
          ? { oidc: { ...stored.oidc, issuer } }
          : { saml: { ...stored.saml, ...(connection as { saml?: object }).saml } };
      await storage.connections.update(stored.id, patch as never, { expectedUpdatedAt: stored.updatedAt });
    }
  }
  for (const name of APP_GROUPS)
    if (!(await storage.groups.get(`g-${name}`))) await storage.groups.create({ id: `g-${name}`, name });
}

/** What ties a demo connection to the addresses of this run: the issuer, metadata URL and entity id. */
function endpointsOf(c: {
  oidc?: { issuer?: string };
  saml?: { idpMetadataUrl?: string; spEntityId?: string };
}) {
  return [c.oidc?.issuer, c.saml?.idpMetadataUrl, c.saml?.spEntityId];
}

/**
 * The demo's `Sso`: roles from the IdP groups (viewers by default), and the admin API and the
 * Identity providers console (`@ssokit/admin-ui`, at `/sso/admin`) for holders of the `admins` role.
 * Every example mounts the console through this: Express, Koa and Nest serve it with ssokit's routes.
 */
export function createDemoSso(storage: SsoStorage, baseUrl: string, secret?: string): Sso {
  const sso: Sso = createSso({
    baseUrl,
    storage,
    secret: secret ?? process.env.SSO_SECRET ?? 'demo-secret-only-for-the-ssokit-example-app',
    roles: {
      // The realm's groups grant roles only through the three demo connections (ids), never through a
      // connection an admin adds later: each new IdP is given its roles on purpose.
      roleDefinitions: ['admins', 'ml-engineers', 'viewers'].map((name) => ({
        name,
        grantedBy: DEMO_CONNECTIONS,
      })),
      defaultRole: 'viewers',
    },
    authorizeAdmin: async (request) => {
      const session = await sso.getSession(request);
      return session?.roles.includes('admins') ? (session.user.email ?? session.user.id) : false;
    },
    // The console at /sso/admin, for whoever authorizeAdmin lets in; the others get its 403 page.
    adminConsole: adminConsole(),
  });
  return sso;
}
