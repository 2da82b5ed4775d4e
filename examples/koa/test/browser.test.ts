/**
 * The Koa example in Debian's Chromium against dev-idp: SAML and OIDC sign-ins, the Identity providers
 * console that ssoRouter serves at /sso/admin (admins only), and the host's manual memberships page.
 */
import {
  expectAdminAddsManualMembership,
  expectNonAdminRefused,
  haveChromium,
  useExampleInBrowser,
} from 'ssokit-example-express/browser-kit';
import { describe, it } from 'vitest';
import { createKoaExample } from '../src/app.ts';

const SHOTS = new URL('../test-results/', import.meta.url).pathname;
const example = useExampleInBrowser(SHOTS, async ({ base, idp }) => {
  const { app } = await createKoaExample({ baseUrl: base, idpUrl: idp.url });
  return { listener: app.callback() };
});
const { page } = example;

describe.skipIf(!haveChromium)('the Koa example in Chromium', () => {
  it('signs in with SAML; the admin opens the console from the header and adds a manual membership', async () => {
    await expectAdminAddsManualMembership(page, example, 'keycloak-saml');
  });

  it("signs in with OIDC implicit form_post; a non-admin gets the console's refusal page (403)", async () => {
    await expectNonAdminRefused(page, example, 'keycloak-implicit', 'grace', 'ml-engineers');
  });
});
