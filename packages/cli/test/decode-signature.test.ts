/**
 * What `decode` vouches for once keys are given. A value turned away before its signature was computed
 * (alg "none", HS256 keyed with the public key, "crit", "b64": false; a second or foreign assertion
 * beside the signed one) exits 2, "refused before verification", never 0. A signed SAML assertion is
 * read by schema position: a NameID planted in its signature's KeyInfo is never shown as the subject,
 * and a response refused after its signature verified says so with ⚠ instead of ✔. Responses come
 * from samlify (an independent IdP), signed on the assertion only, as many IdPs sign.
 */
import { createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SamlifyIdp, startSamlifyIdp } from 'ssokit-test-fixtures/saml-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, ssokit } from './support.ts';

interface Decoded {
  exitCode: number;
  signature: { status: string; message: string; refused?: string };
  assertion?: { verified: boolean; nameId?: string };
  times?: { name: string; date: string }[];
}

const dir = mkdtempSync(join(tmpdir(), 'ssokit-cli-signature-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const b64url = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const decode = async (args: string[]) => {
  const [text, json] = await Promise.all([
    ssokit(['decode', ...args]),
    ssokit(['decode', ...args, '--json']),
  ]);
  return { text, json: jsonOf<Decoded>(json), code: json.code };
};

// JWTs: an RSA key whose public half is the --jwks file.
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'RS256' };
const now = Math.floor(Date.now() / 1000);
const claims = { iss: 'https://idp.example.com', sub: 'u1', aud: 'app', iat: now, exp: now + 3600 };
const rs256 = (header: object, payload: unknown = claims) => {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey, 'base64url')}`;
};
const hs256 = (header: object, secret: string) => {
  const input = `${b64url(header)}.${b64url(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
};

let idp: SamlifyIdp;
let cert: string;
/** A fresh response for victim@example.com, its assertion signed by `idp`, as XML. */
let signed: string;
const assertionOf = (xml: string) => /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)?.[0] as string;

beforeAll(async () => {
  idp = await startSamlifyIdp();
  cert = file('idp-cert.pem', idp.keys.certificatePem);
  const response = await idp.respond({
    requestId: '_req-1',
    signAssertion: true,
    signResponse: false,
    user: { email: 'victim@example.com', firstName: 'Vic' },
  });
  signed = Buffer.from(response, 'base64').toString('utf8');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.concurrent('decode with keys: a JWT refused before verification exits 2', {
  timeout: 60_000,
}, () => {
  const jwks = file('jwks.json', JSON.stringify({ keys: [jwk] }));

  it('the control: a token the key signed verifies, exit 0', async () => {
    const { json, code } = await decode([rs256({ alg: 'RS256', kid: 'k1', typ: 'JWT' }), '--jwks', jwks]);
    expect(code).toBe(0);
    expect(json.signature.status).toBe('valid');
  });

  it.each([
    ['alg "none"', `${b64url({ alg: 'none', kid: 'k1' })}.${b64url(claims)}.`],
    ['HS256 keyed with the public key', hs256({ alg: 'HS256', kid: 'k1' }, publicPem)],
    ['HS256 keyed with the JWK', hs256({ alg: 'HS256', kid: 'k1' }, JSON.stringify(jwk))],
    ['a "crit" header', rs256({ alg: 'RS256', kid: 'k1', crit: ['exp'], exp: 1 })],
    ['"b64": false', rs256({ alg: 'RS256', kid: 'k1', b64: false, crit: ['b64'] })],
  ])('%s: refused before verification, exit 2', async (_what, token) => {
    const { text, json, code } = await decode([token, '--jwks', jwks]);
    expect(code).toBe(2);
    expect(json).toMatchObject({ exitCode: 2, signature: { status: 'refused' } });
    expect(json.signature.message).toMatch(/^refused before verification: /);
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/\n✖ refused before verification: /);
    expect(text.stdout).not.toContain('✔ valid');
  });

  it('a payload nested 20000 levels deep: one clear line, exit 2, not a stack overflow', async () => {
    const deep = `{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    const token = `${b64url({ alg: 'RS256' })}.${b64url(deep)}.c2ln`;
    const [text, json] = await Promise.all([
      ssokit(['decode', file('deep.txt', token)]),
      ssokit(['decode', file('deep2.txt', token), '--json']),
    ]);
    for (const run of [text, json]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        "ssokit: The token's payload nests JSON more than 64 levels deep; no identity provider issues such a token, so it is not shown.\n",
      );
    }
  });
});

describe.concurrent('decode with keys: SAML', { timeout: 60_000 }, () => {
  const post = (name: string, xml: string) => file(name, Buffer.from(xml).toString('base64'));

  it('the control: the assertion signed by the IdP verifies; the subject is read from it', async () => {
    const { json, code } = await decode([post('good.b64', signed), '--cert', cert]);
    expect(code).toBeLessThan(2);
    expect(json.signature.status).toBe('valid');
    expect(json.assertion).toMatchObject({ verified: true, nameId: 'victim@example.com' });
  });

  it('an unsigned assertion before the signed one: refused before verification, exit 2', async () => {
    const evil = assertionOf(signed)
      .replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '')
      .replace(/ ID="[^"]+"/, ' ID="_evil"')
      .replace('victim@example.com', 'admin@evil.example');
    const two = signed.replace('<saml:Assertion', `${evil}<saml:Assertion`);
    const { text, json, code } = await decode([post('two.b64', two), '--cert', cert]);
    expect(code).toBe(2);
    expect(json.signature.status).toBe('refused');
    expect(text.stdout).toContain(
      '✖ refused before verification: The response must carry exactly one assertion',
    );
    expect(text.stdout).toContain('Assertion (as sent: not verified)');
  });

  it('an assertion in a foreign namespace before the signed one: refused before verification, exit 2', async () => {
    const foreign = assertionOf(signed)
      .replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '')
      .replace(/ ID="[^"]+"/, ' ID="_foreign"')
      .replace(/saml:Assertion/g, 'x:Assertion')
      .replace('<x:Assertion ', '<x:Assertion xmlns:x="urn:evil" ');
    const { json, code } = await decode([
      post('foreign.b64', signed.replace('<saml:Assertion', `${foreign}<saml:Assertion`)),
      '--cert',
      cert,
    ]);
    expect(code).toBe(2);
    expect(json.signature).toMatchObject({ status: 'refused' });
    expect(json.signature.message).toContain('urn:evil');
  });

  // The signature's KeyInfo is outside what it signs: anything can be put there.
  const planted = () =>
    signed.replace(
      '<ds:KeyInfo>',
      '<ds:KeyInfo><saml:NameID>admin@evil.example</saml:NameID><saml:SubjectConfirmationData NotOnOrAfter="2099-01-01T00:00:00Z"/>',
    );

  it('a NameID planted in the KeyInfo: the subject shown is the signed one, never the planted one', async () => {
    const { text, json } = await decode([post('keyinfo.b64', planted()), '--cert', cert]);
    expect(json.signature.status).toBe('valid');
    expect(json.assertion?.nameId).toBe('victim@example.com');
    expect(text.stdout).not.toContain('admin@evil.example');
    // Unverified, it is still read from its place, not the first NameID anywhere.
    const unverified = await ssokit(['decode', post('keyinfo2.b64', planted()), '--json']);
    expect(jsonOf<Decoded>(unverified).assertion?.nameId).toBe('victim@example.com');
    expect(jsonOf<Decoded>(unverified).times?.map((t) => t.date)).not.toContain('2099-01-01T00:00:00.000Z');
  });

  it('refused after its signature verified (the unsigned IssueInstant moved years ahead): ⚠, not ✔, exit 1', async () => {
    const future = planted().replace(
      /(<samlp:Response[^>]*IssueInstant=")[^"]*"/,
      '$12099-01-01T00:00:00.000Z"',
    );
    const { text, json, code } = await decode([post('future.b64', future), '--cert', cert]);
    expect(code).toBe(1);
    expect(json.signature).toMatchObject({ status: 'valid', refused: expect.stringContaining('expired') });
    expect(json.assertion).toMatchObject({ verified: false, nameId: 'victim@example.com' });
    expect(text.stdout).toMatch(/\n⚠ signature valid, response refused: The assertion has expired/);
    expect(text.stdout).not.toMatch(/^✔ valid/m);
    expect(text.stdout).toContain(
      'Assertion (as sent: the response was refused, so nothing here is vouched for)',
    );
    expect(text.stdout).not.toContain('admin@evil.example');
  });
});
