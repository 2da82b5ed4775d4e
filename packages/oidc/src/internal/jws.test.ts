import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { p1363ToDer } from './jws.ts';

// OpenSSL refuses a DER signature that is not the minimal encoding of (r, s), so a signature that
// verifies after conversion proves the encoding exact. Enough signatures per curve are made to meet
// the edge cases: an r or s with a leading zero byte (stripped) and one with the top bit set (padded).
const curves = [
  { alg: 'ES256', curve: 'prime256v1', size: 64, count: 3000 },
  { alg: 'ES384', curve: 'secp384r1', size: 96, count: 1500 },
  { alg: 'ES512', curve: 'secp521r1', size: 132, count: 600 },
] as const;

describe('p1363ToDer', () => {
  for (const { alg, curve, size, count } of curves) {
    it(`${alg}: every converted signature verifies as DER, edge cases included`, () => {
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: curve });
      const hash = `sha${alg.slice(2)}`;
      const data = Buffer.from('header.payload');
      const seen = { leadingZero: false, highBit: false };
      for (let i = 0; i < count; i++) {
        const p1363 = sign(hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
        for (const first of [p1363[0] as number, p1363[size / 2] as number]) {
          if (first === 0) seen.leadingZero = true;
          if (first >= 0x80) seen.highBit = true;
        }
        const der = p1363ToDer(p1363, size);
        expect(der).toBeDefined();
        expect(verify(hash, data, publicKey, der as Buffer)).toBe(true);
      }
      // A zero first byte comes once in 256 halves (a miss over this many is below one in 10^5); P-521's
      // halves have 521 bits in 66 bytes, so their first byte is 0 or 1 and never has the top bit set.
      expect(seen.leadingZero).toBe(true);
      expect(seen.highBit).toBe(alg !== 'ES512');
    });
  }

  it('refuses a signature of the wrong length for the curve', () => {
    expect(p1363ToDer(Buffer.alloc(63, 1), 64)).toBeUndefined();
    expect(p1363ToDer(Buffer.alloc(65, 1), 64)).toBeUndefined();
    expect(p1363ToDer(Buffer.alloc(0), 64)).toBeUndefined();
  });

  it('encodes zero and all-zero halves as one zero byte (which OpenSSL then refuses)', () => {
    const der = p1363ToDer(Buffer.alloc(64), 64) as Buffer;
    expect([...der]).toEqual([0x30, 6, 2, 1, 0, 2, 1, 0]);
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(verify('sha256', Buffer.from('x'), publicKey, der)).toBe(false);
  });

  it('pads a half whose top bit is set, and uses the long length form past 127 bytes', () => {
    const der = p1363ToDer(Buffer.alloc(132, 0xff), 132) as Buffer;
    expect(der.subarray(0, 3)).toEqual(Buffer.from([0x30, 0x81, 2 * (2 + 67)]));
    expect(der.subarray(3, 6)).toEqual(Buffer.from([0x02, 67, 0x00]));
  });
});
