/**
 * The `sso` of the adapter-suite contract (./adapter-suite.ts), the same for every framework: a memory
 * store, the role "admins" granted by the OIDC connection only, `onError` recorded, one OIDC connection
 * to `peers.op` (group sync on) and one SAML connection to `peers.idp`, and a bearer verifier for
 * `peers.tokens`. An adapter's test mounts it in its framework and returns `contract`.
 */
import { createAccessTokenVerifier } from '@ssokit/oidc';
import { createSso } from '@ssokit/server';
import { memoryStorage } from '@ssokit/storage';
import { memoryRawReader } from '@ssokit/storage/testkit';
import type { AdapterApp, AdapterPeers, ReportedError } from './adapter-suite.ts';
import { reportTo } from './adapter-suite.ts';
import { oidcConnection, samlConnection } from './connections.ts';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from './token-issuer.ts';

/** The id of the OIDC connection, the only one allowed to grant the app's roles. */
export const ADAPTER_OIDC_ID = 'local-op';

/** Builds the contract's `sso` for an app reached at `base`; without `peers.op`, no OIDC connection. */
export async function adapterSso(
  peers: Pick<AdapterPeers, 'idp' | 'tokens'> & { op?: AdapterPeers['op'] },
  base: string,
) {
  const storage = memoryStorage();
  const errors: ReportedError[] = [];
  const sso = createSso({
    baseUrl: base,
    storage,
    secret: 'test-secret-with-at-least-32-characters!',
    onError: reportTo(errors),
    // Only the OIDC connection may grant roles: its IdP's group "admins" is the role "admins".
    roles: {
      roleDefinitions: [
        { name: 'admins', grantedBy: [ADAPTER_OIDC_ID] },
        { name: 'viewers', grantedBy: [ADAPTER_OIDC_ID] },
      ],
    },
  });
  const oidc = peers.op
    ? await storage.connections.create(
        oidcConnection(peers.op.issuer, {
          id: ADAPTER_OIDC_ID,
          groupSync: { enabled: true, removeRevoked: true },
        }),
      )
    : undefined;
  const saml = await storage.connections.create(
    samlConnection(peers.idp.getMetadata(), `${base}/sso/saml/metadata/local`),
  );
  const bearer = createAccessTokenVerifier({
    jwksUri: peers.tokens.jwksUri,
    issuer: TOKEN_ISSUER,
    audience: [TOKEN_AUDIENCE],
    roles: { roleDefinitions: [{ name: 'admins' }] },
  });
  const contract: AdapterApp = {
    base,
    oidcId: oidc?.id ?? '',
    samlId: saml.id,
    errors,
    userCount: () => memoryRawReader(storage).userCount(),
    createGroup: (name: string) => storage.groups.create({ name }),
  };
  return { sso, storage, bearer, contract };
}
