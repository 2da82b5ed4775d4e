import { now } from '@ssokit/core';
import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { discoveryDocument, listFixtures } from 'ssokit-test-fixtures';
import { expectRefusal } from 'ssokit-test-fixtures/refused';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createDiscoveryCache,
  discover,
  discoveryUrl,
  processDiscoveryDocument,
  resolveProviderMetadata,
} from './discovery.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** The issuer an operator configures for each fixture: its own, except Entra's multi-tenant endpoints. */
const configuredIssuer = (name: string, doc: Record<string, unknown>) =>
  name === 'entra-common-v2'
    ? 'https://login.microsoftonline.com/common/v2.0'
    : name === 'entra-organizations-v2'
      ? 'https://login.microsoftonline.com/organizations/v2.0'
      : (doc.issuer as string);

describe('discovery of real providers (test-fixtures)', () => {
  it.each(listFixtures('discovery'))('discovers %s', async (name) => {
    const doc = discoveryDocument(name);
    const issuer = configuredIssuer(name, doc);
    let requested = '';
    server.use(
      http.get(discoveryUrl(issuer), ({ request }) => {
        requested = request.url;
        return HttpResponse.json(doc);
      }),
    );
    const metadata = await discover(issuer);
    expect(requested).toBe(discoveryUrl(issuer));
    expect(metadata.issuer).toBe(doc.issuer);
    expect(metadata.jwks_uri).toBe(doc.jwks_uri);
    expect(metadata.authorization_endpoint).toBe(doc.authorization_endpoint);
  });

  it('keeps the Entra template as the issuer tokens are checked against', () => {
    const metadata = processDiscoveryDocument(
      'https://login.microsoftonline.com/common/v2.0',
      discoveryDocument('entra-common-v2'),
    );
    expect(metadata.issuer).toBe('https://login.microsoftonline.com/{tenantid}/v2.0');
  });

  it('does not double the slash for issuers that end in one (Auth0)', () => {
    expect(discoveryUrl('https://common.auth0.com/')).toBe(
      'https://common.auth0.com/.well-known/openid-configuration',
    );
  });
});

describe('discovery document validation', () => {
  const google = () => discoveryDocument('google');

  it('refuses an issuer mismatch, and says when only a trailing slash differs', () => {
    expect(() => processDiscoveryDocument('https://evil.example.com', google())).toThrow(
      expect.objectContaining({
        code: 'discovery_failed',
        message: expect.stringContaining('not the configured'),
      }),
    );
    expect(() => processDiscoveryDocument('https://common.auth0.com', discoveryDocument('auth0-2'))).toThrow(
      /trailing slash/,
    );
    expect(() =>
      processDiscoveryDocument(
        'https://login.microsoftonline.com/someone/v2.0',
        discoveryDocument('entra-common-v2'),
      ),
    ).toThrow(expect.objectContaining({ code: 'discovery_failed' }));
  });

  it('refuses missing or non-https endpoints, and malformed lists', () => {
    const { jwks_uri: _j, ...noJwks } = google();
    expect(() => processDiscoveryDocument('https://accounts.google.com', noJwks)).toThrow(/"jwks_uri"/);
    expect(() =>
      processDiscoveryDocument('https://accounts.google.com', {
        ...google(),
        token_endpoint: 'http://oauth2.googleapis.com/token',
      }),
    ).toThrow(/must use https/);
    expect(() =>
      processDiscoveryDocument('https://accounts.google.com', {
        ...google(),
        code_challenge_methods_supported: 'S256',
      }),
    ).toThrow(/not a list of strings/);
    expect(() => processDiscoveryDocument('https://accounts.google.com', [])).toThrow(/not a JSON object/);
    expect(() => processDiscoveryDocument('https://accounts.google.com', { ...google(), issuer: 7 })).toThrow(
      /no "issuer"/,
    );
  });

  it('refuses a plain-http issuer outside loopback before sending anything', async () => {
    const error = await expectRefusal(discover('http://idp.example.com'));
    expect(error.code).toBe('discovery_failed');
    expect(error.message).toContain('must use https');
  });
});

describe('transport faults (msw)', () => {
  const issuer = 'https://idp.example.com';

  it('names the URL and status of an HTTP error', async () => {
    server.use(http.get(discoveryUrl(issuer), () => new HttpResponse('oops', { status: 500 })));
    const error = await expectRefusal(discover(issuer));
    expect(error.code).toBe('discovery_failed');
    expect(error.message).toBe(
      'The discovery document at https://idp.example.com/.well-known/openid-configuration answered HTTP 500.',
    );
    expect(error.details).toMatchObject({ status: 500 });
  });

  it('does not follow redirects', async () => {
    server.use(
      http.get(
        discoveryUrl(issuer),
        () => new HttpResponse(null, { status: 302, headers: { location: 'https://evil.example.com/' } }),
      ),
    );
    expect((await expectRefusal(discover(issuer))).message).toContain('HTTP 302');
  });

  it('times out with idp_unreachable', async () => {
    server.use(
      http.get(discoveryUrl(issuer), async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    const error = await expectRefusal(discover(issuer, { timeoutMs: 100 }));
    expect(error.code).toBe('idp_unreachable');
    expect(error.message).toContain('did not answer within 100 ms');
  });

  it('refuses malformed JSON, non-object JSON and oversized bodies', async () => {
    server.use(
      http.get(
        discoveryUrl(issuer),
        () => new HttpResponse('{"issuer":', { headers: { 'content-type': 'application/json' } }),
      ),
    );
    expect((await expectRefusal(discover(issuer))).message).toContain('is not valid JSON');
    server.use(http.get(discoveryUrl(issuer), () => HttpResponse.json(['x'])));
    expect((await expectRefusal(discover(issuer))).message).toContain('is not a JSON object');
    server.use(http.get(discoveryUrl(issuer), () => HttpResponse.json({ issuer, pad: 'x'.repeat(5000) })));
    const big = await expectRefusal(discover(issuer, { maxResponseBytes: 1000 }));
    expect(big.code).toBe('idp_unreachable');
    expect(big.message).toContain('more than 1000 bytes');
  });

  it('reports network errors as idp_unreachable', async () => {
    server.use(http.get(discoveryUrl(issuer), () => HttpResponse.error()));
    const error = await expectRefusal(discover(issuer));
    expect(error.code).toBe('idp_unreachable');
    expect(error.message).toContain('could not be reached');
  });
});

describe('caching and endpoint overrides', () => {
  const issuer = 'https://accounts.google.com';

  it('fetches once per issuer, and remembers a failure for retryAfterMs (anonymous login starts cannot make it fetch again)', async () => {
    let hits = 0;
    let fail = true;
    server.use(
      http.get(discoveryUrl(issuer), () => {
        hits++;
        return fail
          ? new HttpResponse(null, { status: 503 })
          : HttpResponse.json(discoveryDocument('google'));
      }),
    );
    let clock = Date.now();
    const cache = createDiscoveryCache({ retryAfterMs: 30_000, [now]: () => clock });
    for (let i = 0; i < 20; i++)
      await expect(cache.get(issuer)).rejects.toMatchObject({ code: 'discovery_failed' });
    expect(hits).toBe(1);
    fail = false;
    await expect(cache.get(issuer)).rejects.toMatchObject({ code: 'discovery_failed' });
    clock += 30_001;
    await Promise.all([cache.get(issuer), cache.get(issuer), cache.get(issuer)]);
    expect(hits).toBe(2);
  });

  it("skips discovery when overrides are complete (Arthur's endpointOverrides)", async () => {
    const cache = createDiscoveryCache();
    const metadata = await resolveProviderMetadata(
      {
        issuer: 'https://xxxx.okta.com/oauth2/default',
        flow: 'code',
        endpoints: {
          authorization: 'https://xxxx.okta.com/oauth2/default/authorize',
          token: 'https://arthur.example.com/oidc/oauth2/default/tokens',
          jwks: 'https://arthur.example.com/oidc/oauth2/default/keys',
          userinfo: 'https://arthur.example.com/oidc/oauth2/default/user_info',
          endSession: 'https://arthur.example.com/oidc/oauth2/default/logout',
        },
      },
      cache,
    );
    expect(metadata).toMatchObject({
      issuer: 'https://xxxx.okta.com/oauth2/default',
      token_endpoint: 'https://arthur.example.com/oidc/oauth2/default/tokens',
      end_session_endpoint: 'https://arthur.example.com/oidc/oauth2/default/logout',
    });
  });

  it('completes discovery with partial overrides, and checks override URLs', async () => {
    server.use(http.get(discoveryUrl(issuer), () => HttpResponse.json(discoveryDocument('google'))));
    const metadata = await resolveProviderMetadata(
      { issuer, flow: 'code', endpoints: { userinfo: 'https://proxy.example.com/userinfo' } },
      createDiscoveryCache(),
    );
    expect(metadata.userinfo_endpoint).toBe('https://proxy.example.com/userinfo');
    expect(metadata.token_endpoint).toBe('https://oauth2.googleapis.com/token');
    await expect(
      resolveProviderMetadata(
        { issuer, flow: 'code', endpoints: { token: 'http://proxy.example.com/token' } },
        createDiscoveryCache(),
      ),
    ).rejects.toMatchObject({ code: 'discovery_failed', message: expect.stringContaining('must use https') });
  });
});
