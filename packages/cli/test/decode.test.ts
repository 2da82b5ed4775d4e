/**
 * `ssokit decode` as a process: a real dev-idp ID token verified through its issuer's discovery, a
 * wrong key, an expired token, and real dev-idp SAML Responses: verified against its metadata, altered
 * after signing, signed by someone else, and deflated as the HTTP-Redirect binding carries them.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import type { DevIdp } from '@ssokit/dev-idp';
import { makeCertificate } from 'ssokit-test-fixtures/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idTokenOf, jsonOf, samlResponseOf, ssokit, startIdp } from './support.ts';

interface JwtJson {
  exitCode: number;
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  times: { claim: string; date: string; status: string; note: string }[];
  signature: { status: string; message: string };
}
interface SamlJson {
  exitCode: number;
  issuer: string;
  status: { code: string };
  assertion: { verified: boolean; nameId: string; attributes: Record<string, string[]> };
  signature: { status: string; message: string; responseSigned: boolean; assertionSigned: boolean };
  xml: string;
}

let idp: DevIdp;
let dir: string;
let idToken: string;
let samlResponse: string;
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

beforeAll(async () => {
  idp = await startIdp();
  dir = mkdtempSync(join(tmpdir(), 'ssokit-cli-decode-'));
  [idToken, samlResponse] = await Promise.all([idTokenOf(idp, 'grace'), samlResponseOf(idp, 'ada')]);
}, 60_000);
afterAll(async () => {
  await idp?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.concurrent('ssokit decode', { timeout: 60_000 }, () => {
  it("a real ID token, verified with the keys its issuer's discovery document names", async () => {
    const run = await ssokit(['decode', idToken, '--issuer', idp.issuer, '--json']);
    const decoded = jsonOf<JwtJson>(run);
    expect(run.code, run.stderr).toBe(0);
    expect(decoded.signature).toMatchObject({ status: 'valid' });
    expect(decoded.header.alg).toBe('RS256');
    expect(decoded.payload).toMatchObject({
      iss: idp.issuer,
      aud: 'ssokit-pkce',
      preferred_username: 'grace',
    });
    const exp = decoded.times.find((t) => t.claim === 'exp');
    expect(exp?.date).toBe(new Date((decoded.payload.exp as number) * 1000).toISOString());
    expect(exp?.note).toMatch(/^in \d+ (minute|hour|second)s?$/);
  });

  it('the same token against a key set with its kid and another key: invalid, exit 2', async () => {
    const kid = JSON.parse(Buffer.from(idToken.split('.')[0] as string, 'base64url').toString()).kid;
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    const jwks = file('other.json', JSON.stringify({ keys: [{ ...other, kid, alg: 'RS256', use: 'sig' }] }));
    const run = await ssokit(['decode', idToken, '--jwks', jwks]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(
      "✖ invalid: The token signature does not verify with the identity provider's key.",
    );
  });

  it('an expired token: the signature still verifies (a PEM key), exp is a warning, exit 1', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const now = Math.floor(Date.now() / 1000);
    const head = `${b64url({ alg: 'ES256', typ: 'JWT' })}.${b64url({ iss: 'https://idp.example.com', sub: 'u1', aud: 'app', iat: now - 7200, exp: now - 3600 })}`;
    const signature = sign('sha256', Buffer.from(head), {
      key: privateKey,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64url');
    const pem = file('ec.pem', publicKey.export({ format: 'pem', type: 'spki' }) as string);
    const run = await ssokit(['decode', '-', '--jwks', pem], { input: `${head}.${signature}\n` });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/⚠ exp +\d{4}-\d\d-\d\dT[\d:.]+Z {2}expired (1 hour|60 minutes) ago/);
    expect(run.stdout).toContain('✔ valid: verified with');
  });

  it('without keys: header and payload, and "not checked"', async () => {
    const run = await ssokit(['decode', idToken]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^JWT \(RS256, kid .+\)\n\nHeader\n/);
    expect(run.stdout).toContain('"preferred_username": "grace"');
    expect(run.stdout).toContain('· not checked: pass --jwks <file|url> or --issuer <url> to verify it.');
  });

  it("a real SAMLResponse, verified with dev-idp's metadata: the verified subject and attributes", async () => {
    const run = await ssokit([
      'decode',
      file('response.b64', samlResponse),
      '--metadata',
      idp.samlMetadataUrl,
      '--json',
    ]);
    const decoded = jsonOf<SamlJson>(run);
    expect(run.code, run.stderr).toBe(0);
    expect(decoded).toMatchObject({ issuer: idp.issuer, status: { code: 'Success' } });
    expect(decoded.signature).toMatchObject({ status: 'valid', responseSigned: true, assertionSigned: true });
    expect(decoded.assertion.verified).toBe(true);
    expect(decoded.assertion.nameId).toBe('ada@example.com');
    expect(Object.values(decoded.assertion.attributes).flat()).toEqual(
      expect.arrayContaining(['admins', 'ml-engineers']),
    );
  });

  it('the response with an attribute changed after signing: invalid, exit 2', async () => {
    const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
    const altered = xml.replace('>ml-engineers<', '>root-admins<');
    expect(altered).not.toBe(xml);
    const run = await ssokit([
      'decode',
      Buffer.from(altered).toString('base64'),
      '--metadata',
      idp.samlMetadataUrl,
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/✖ invalid: /);
    expect(run.stdout).toContain('(as sent: not verified)');
  });

  it('a certificate that did not sign it: invalid', async () => {
    const cert = file('other.pem', (await makeCertificate('someone-else.example.com')).certificatePem);
    const decoded = jsonOf<SamlJson>(
      await ssokit(['decode', file('r2.b64', samlResponse), '--cert', cert, '--json']),
    );
    expect(decoded.exitCode).toBe(2);
    expect(decoded.signature.status).toBe('invalid');
  });

  it('deflated (HTTP-Redirect) in a URL: decoded and indented; the signature is on the URL, so with keys it is refused (exit 2)', async () => {
    const deflated = deflateRawSync(Buffer.from(samlResponse, 'base64')).toString('base64');
    const url = `http://localhost:4000/sso/saml/acs?SAMLResponse=${encodeURIComponent(deflated)}`;
    const [withKeys, withoutKeys] = await Promise.all([
      ssokit(['decode', url, '--metadata', idp.samlMetadataUrl, '--xml']),
      ssokit(['decode', url]),
    ]);
    expect(withKeys.code, withKeys.stderr).toBe(2);
    expect(withKeys.stdout).toContain('SAML Response (HTTP-Redirect, deflated)');
    expect(withKeys.stdout).toMatch(/Issuer +http:\/\/127\.0\.0\.1:\d+\/realms\/ssokit-demo/);
    expect(withKeys.stdout).toContain(
      '✖ refused before verification: the HTTP-Redirect binding signs the URL',
    );
    expect(withKeys.stdout).toMatch(/\nDocument\n<samlp:Response [^\n]*>\n {2}<saml:Issuer>/);
    // Without keys nothing was claimed: decoded, exit 0.
    expect(withoutKeys.code, withoutKeys.stderr).toBe(0);
    expect(withoutKeys.stdout).toContain('· not checked: pass --metadata');
  });
});
