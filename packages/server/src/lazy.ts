/**
 * The modules the server loads on first use, not at import: the SAML stack (xmldom, xml-crypto) and
 * `@ssokit/config` (ajv, yaml). An app with only OIDC connections never loads either for its logins;
 * `test/light-import.test.ts` checks that, and `pnpm bench cold-import` times the import.
 *
 * @module
 */

/** The server's SAML flow (login, ACS, SLO, SP metadata, IdP expectations). */
export const loadSamlFlow = () => import('./saml-flow/index.ts');

/** Test Provider's SAML checks and sample preview. */
export const loadSamlTests = () => import('./test-connection/saml.ts');

/** Connection validation for the admin API. */
export const loadConfig = () => import('@ssokit/config');
