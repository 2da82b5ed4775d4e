/**
 * Text from outside never reaches the terminal raw: a JWT's header and claims, every field of a SAML
 * Response (and its document with --xml), the messages that quote them, and the configuration a
 * command refuses. Control characters (ESC, CR, C1), bidirectional controls and U+2028/9 come out
 * written as \u{…}; --json escapes them too and still parses to the values sent. The spoof the review
 * proved, an unsigned response whose attribute draws a "✔ valid" line of its own (CR, then ESC [8m to
 * hide the rest), is the first case.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlCharacters, jsonOf, ssokit } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'ssokit-cli-terminal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const FORGED = '✔ valid: the response and the assertion signed with a key of the IdP metadata.';
const now = new Date().toISOString();
/** An unsigned response whose fields carry control, C1 and bidi characters as character references. */
const SPOOF = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r&#x202e;1" Version="2.0" IssueInstant="${now}" Destination="https://app.example.com/sso/saml/acs"><saml:Issuer>https://idp.example.com/&#x2066;x</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/><samlp:StatusMessage>fine&#x9b;2J</samlp:StatusMessage></samlp:Status><saml:Assertion ID="_a1" Version="2.0" IssueInstant="${now}"><saml:Issuer>https://idp.example.com/</saml:Issuer><saml:Subject><saml:NameID>ada&#27;[2J@example.com</saml:NameID></saml:Subject><saml:AttributeStatement><saml:Attribute Name="gr&#x200f;oups"><saml:AttributeValue>staff&#13;&#27;[8m${FORGED}</saml:AttributeValue><saml:AttributeValue>line&#x2028;break</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>`;

describe.concurrent('text from outside, on the terminal', { timeout: 60_000 }, () => {
  it('an unsigned SAMLResponse cannot draw a "✔ valid" line: every field and the --xml document are escaped', async () => {
    const run = await ssokit(['decode', file('spoof.xml', SPOOF), '--xml']);
    expect(run.code, run.stderr).toBe(0);
    expect(controlCharacters(run.stdout)).toEqual([]);
    // The only signature line says what is true; no line of the output starts with the forged one.
    expect(run.stdout).toContain('· not checked: pass --metadata');
    expect(run.stdout).not.toMatch(/^✔ valid/m);
    expect(run.stdout).toContain(`staff\\u{d}\\u{1b}[8m${FORGED}`);
    expect(run.stdout).toMatch(/Subject +ada\\u\{1b\}\[2J@example\.com/);
    expect(run.stdout).toContain('(fine\\u{9b}2J)');
    expect(run.stdout).toMatch(/Issuer +https:\/\/idp\.example\.com\/\\u\{2066\}x/);
    expect(run.stdout).toContain('gr\\u{200f}oups');
    expect(run.stdout).toContain('line\\u{2028}break');
    // The document shows the same characters as character references.
    expect(run.stdout).toContain(`<saml:AttributeValue>staff&#xD;&#x1B;[8m${FORGED}</saml:AttributeValue>`);
  });

  it('--json escapes C1, bidi controls and U+2028 too, and parses back to what was sent', async () => {
    const run = await ssokit(['decode', file('spoof-json.xml', SPOOF), '--json']);
    expect(controlCharacters(run.stdout)).toEqual([]);
    const decoded = jsonOf<{
      id: string;
      status: { message: string };
      assertion: { nameId: string; attributes: Record<string, string[]> };
    }>(run);
    expect(decoded.id).toBe('_r\u202e1');
    expect(decoded.status.message).toBe('fine\u009b2J');
    expect(decoded.assertion.nameId).toBe('ada\u001b[2J@example.com');
    expect(decoded.assertion.attributes['gr\u200foups']).toEqual([
      `staff\r\u001b[8m${FORGED}`,
      'line\u2028break',
    ]);
  });

  it("a JWT's alg and kid in the title line, its claims, and the library's refusal that quotes the alg", async () => {
    const header = { alg: 'RS256\u001b[31mRED', kid: 'k1\u001b]8;;http://evil.example/\u0007\u009b2J\u202e' };
    const payload = {
      sub: 'u1',
      name: 'x\u001b[2Jy\r',
      c1: 'a\u009b31mB',
      bidi: 'a\u202eb',
      sep: 'a\u2028b',
    };
    const token = `${b64url(header)}.${b64url(payload)}.c2lnbmF0dXJl`;
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwks = file(
      'keys.json',
      JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1' }] }),
    );
    const [plain, checked, json] = await Promise.all([
      ssokit(['decode', token]),
      ssokit(['decode', token, '--jwks', jwks]),
      ssokit(['decode', token, '--json']),
    ]);
    for (const run of [plain, checked, json]) expect(controlCharacters(run.stdout + run.stderr)).toEqual([]);
    expect(plain.stdout.split('\n')[0]).toBe(
      'JWT (RS256\\u{1b}[31mRED, kid k1\\u{1b}]8;;http://evil.example/\\u{7}\\u{9b}2J\\u{202e})',
    );
    expect(plain.stdout).toContain('"c1": "a\\u009b31mB"');
    expect(checked.code).toBe(2);
    expect(checked.stdout).toContain(
      '✖ refused before verification: The token is signed with "RS256\\u{1b}[31mRED"',
    );
    expect(jsonOf<{ payload: Record<string, string> }>(json).payload).toEqual(payload);
  });

  it('a refused configuration: the message quoting it reaches stderr escaped', async () => {
    const connection = file(
      'bad-key.json',
      JSON.stringify({
        name: 'S',
        provider: 'keycloak',
        protocol: 'saml',
        saml: { spEntityId: 'https://app.example.com/sp', 'x\u001b[2J\r\u009bkey': 1 },
      }),
    );
    const run = await ssokit([
      'sp-metadata',
      '--connection',
      connection,
      '--base-url',
      'https://app.example.com',
    ]);
    expect(run.code).toBe(2);
    expect(controlCharacters(run.stderr)).toEqual([]);
    expect(run.stderr).toContain('x\\u{1b}[2J\\u{d}\\u{9b}key');
  });
});
