/**
 * An API gateway's token issuer for bearer-token tests: a JWKS on 127.0.0.1 and a `mint` that signs
 * access tokens for `api://models` (jose, not ssokit).
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importJWK, SignJWT } from 'jose';

export const TOKEN_ISSUER = 'https://api-idp.example.com';
export const TOKEN_AUDIENCE = 'api://models';

export interface TokenIssuer {
  jwksUri: string;
  /** A 5-minute token with `iss`, `aud` and `iat`, plus `claims`. */
  mint(claims: Record<string, unknown>): Promise<string>;
  close(): void;
}

export async function startTokenIssuer(alg: 'RS256' | 'ES256' | 'EdDSA' = 'ES256'): Promise<TokenIssuer> {
  const { publicKey, privateKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  const server = createServer((_req, res) =>
    res.end(
      JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'api', alg, use: 'sig' }] }),
    ),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const key = await importJWK(privateKey.export({ format: 'jwk' }) as never, alg);
  return {
    jwksUri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    mint: (claims) =>
      new SignJWT({ iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, ...claims })
        .setProtectedHeader({ alg, kid: 'api' })
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(key),
    close: () => server.close(),
  };
}
