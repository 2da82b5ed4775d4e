/**
 * The Nest example in Debian's Chromium against dev-idp: OIDC and SAML sign-ins, the Identity providers
 * console that SsoModule serves at /sso/admin (admins only), and @Roles on the host's memberships page.
 */
import {
  expectAdminAddsManualMembership,
  expectNonAdminRefused,
  haveChromium,
  useExampleInBrowser,
} from 'ssokit-example-express/browser-kit';
import { describe, it } from 'vitest';
import { createNestExample } from '../src/app.ts';

const SHOTS = new URL('../test-results/', import.meta.url).pathname;
const example = useExampleInBrowser(SHOTS, async ({ base, idp }) => {
  const nest = await createNestExample({ baseUrl: base, idpUrl: idp.url });
  return { listener: nest.expressApp, close: () => nest.app.close() };
});
const { page } = example;

describe.skipIf(!haveChromium)('the Nest example in Chromium', () => {
  it('signs in with OIDC code + PKCE; the admin opens the console from the header and adds a manual membership', async () => {
    await expectAdminAddsManualMembership(page, example, 'keycloak-pkce');
  });

  it('signs in with SAML; @Roles and the console refuse a non-admin (403)', async () => {
    await expectNonAdminRefused(page, example, 'keycloak-saml', 'linus', 'viewers');
  });
});
