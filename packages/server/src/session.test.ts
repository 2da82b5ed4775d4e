import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { clearChunked, parseCookies, readChunked, serializeCookie, writeChunked } from './cookies.ts';
import { createSessionCodec, type SessionData, sessionKey } from './session.ts';

const now = Math.floor(Date.now() / 1000);
const session = (groups: string[]): SessionData => ({
  userId: 'u-1',
  connectionId: 'c-1',
  identity: { issuer: 'https://idp.example.com', subject: 'ada' },
  roles: ['admins'],
  groups,
  issuedAt: now,
  expiresAt: now + 3600,
});
/** What a browser sends back: the Set-Cookie values as one Cookie header. */
const cookieHeader = (setCookies: string[]) =>
  setCookies
    .map((c) => c.split(';')[0])
    .filter((c) => !c?.endsWith('='))
    .join('; ');

describe('session cookies', () => {
  it('seal and open a session', async () => {
    const codec = createSessionCodec('a-secret-of-at-least-32-characters-long');
    const sealed = await codec.seal(session(['a', 'b']));
    expect(await codec.open(sealed, now)).toEqual(session(['a', 'b']));
  });

  it('open nothing that was tampered with, truncated, expired or sealed with another secret', async () => {
    const codec = createSessionCodec('a-secret-of-at-least-32-characters-long');
    const sealed = await codec.seal(session(['a']));
    // Change one character of the ciphertext and one of the tag, always to a different character.
    const flip = (text: string, at: number) =>
      `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
    const parts = sealed.split('.');
    const ciphertext = parts[3] as string;
    const flipped = [
      ...parts.slice(0, 3),
      flip(ciphertext, Math.floor(ciphertext.length / 2)),
      parts[4],
    ].join('.');
    const badTag = [...parts.slice(0, 4), flip(parts[4] as string, 3)].join('.');
    expect(flipped).not.toBe(sealed);
    expect(await codec.open(badTag, now)).toBeNull();
    expect(await codec.open(flipped, now)).toBeNull();
    expect(await codec.open(sealed.slice(0, -10), now)).toBeNull();
    expect(await codec.open(sealed, now + 7200)).toBeNull();
    expect(await createSessionCodec('another-secret-of-at-least-32-characters').open(sealed, now)).toBeNull();
    expect(await codec.open('not a jwe', now)).toBeNull();
  });

  it('a 400-group session round-trips through numbered cookies with a Cookie header under 8 KB', async () => {
    const codec = createSessionCodec('a-secret-of-at-least-32-characters-long');
    const groups = Array.from(
      { length: 400 },
      (_, i) =>
        `ml-team-${String(i).padStart(3, '0')}-${['research', 'platform', 'infra', 'data'][i % 4]}-engineering-group`,
    );
    const sealed = await codec.seal(session(groups));
    const set = writeChunked('sso_session', sealed, { secure: true, sameSite: 'Lax' }, new Map());
    const header = cookieHeader(set);
    expect(header.length).toBeLessThan(8192);
    expect(JSON.stringify(groups).length).toBeGreaterThan(10_000);
    const reassembled = readChunked(parseCookies(header), 'sso_session');
    expect((await codec.open(reassembled as string, now))?.groups).toEqual(groups);
  });

  it('split large values into chunks, clear stale chunks, and lose the session when a chunk is missing', async () => {
    const codec = createSessionCodec('a-secret-of-at-least-32-characters-long');
    const big = await codec.seal({
      ...session([]),
      idToken: 'x'.repeat(9000).replace(/x/g, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))),
    });
    const set = writeChunked('sso_session', big, {}, new Map([['sso_session.5', 'old']]));
    expect(set.filter((c) => !c.includes('Max-Age=0')).length).toBeGreaterThanOrEqual(2);
    expect(set.at(-1)).toMatch(/^sso_session\.\d+=; Path=\/; Max-Age=0/);
    const cookies = parseCookies(cookieHeader(set));
    expect(await codec.open(readChunked(cookies, 'sso_session') as string, now)).toMatchObject({
      userId: 'u-1',
    });
    cookies.delete('sso_session.1');
    expect(await codec.open(readChunked(cookies, 'sso_session') ?? '', now)).toBeNull();
  });

  it('serialises cookie attributes', () => {
    expect(serializeCookie('a', 'b', { secure: true, sameSite: 'None', maxAge: 60 })).toBe(
      'a=b; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=None',
    );
    expect(parseCookies('a=1; b=2; a=3').get('a')).toBe('1');
  });
});

describe('the session format is a compact JWE (dir, A256GCM) that jose reads and writes', () => {
  const secret = 'a-secret-of-at-least-32-characters-long';

  it('jose opens what ssokit seals', async () => {
    const { compactDecrypt } = await import('jose');
    const sealed = await createSessionCodec(secret).seal(session(['a']));
    const { plaintext, protectedHeader } = await compactDecrypt(sealed, sessionKey(secret));
    expect(protectedHeader).toEqual({ alg: 'dir', enc: 'A256GCM', cty: 'ssokit-session+deflate' });
    expect(JSON.parse(inflateRawSync(plaintext).toString('utf8'))).toEqual(session(['a']));
  });

  it('ssokit opens what jose seals with the same header, and nothing with another header', async () => {
    const { CompactEncrypt } = await import('jose');
    const plaintext = deflateRawSync(Buffer.from(JSON.stringify(session(['b']))));
    const seal = (header: Record<string, unknown>) =>
      new CompactEncrypt(plaintext).setProtectedHeader(header as never).encrypt(sessionKey(secret));
    const codec = createSessionCodec(secret);
    expect(
      await codec.open(await seal({ enc: 'A256GCM', alg: 'dir', cty: 'ssokit-session+deflate' }), now),
    ).toEqual(session(['b']));
    expect(await codec.open(await seal({ alg: 'dir', enc: 'A256GCM', cty: 'text/plain' }), now)).toBeNull();
    expect(await codec.open(await seal({ alg: 'dir', enc: 'A256GCM' }), now)).toBeNull();
    expect(
      await codec.open(
        await seal({ alg: 'dir', enc: 'A256GCM', cty: 'ssokit-session+deflate', zip: 'DEF' }),
        now,
      ),
    ).toBeNull();
  });
});

describe('clearing chunks', () => {
  it('deletes only the chunks ssokit could have written, not a hundred junk ones', () => {
    const junk = new Map(
      Array.from({ length: 100 }, (_, i) => [`sso_session.${i}`, 'AAAA'] as [string, string]),
    );
    const deletions = clearChunked('sso_session', { secure: true }, junk);
    expect(deletions).toHaveLength(16);
    expect(deletions.every((c) => /^sso_session\.\d+=; .*Max-Age=0/.test(c))).toBe(true);
  });
});
