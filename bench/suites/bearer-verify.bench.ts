import { generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAccessTokenVerifier, createJwksCache } from '@ssokit/oidc';
import { createVerifier } from 'fast-jwt';
import { createLocalJWKSet, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { type BenchSuite, defineSuite } from '../suite.ts';

// Bearer-token verification, every check on: signature, alg allow-list, iss, aud, exp, iat.
// ssokit's verifier also maps claims and matches roles, which the peers do not do.
const ISS = 'http://127.0.0.1/realms/bench';
const AUD = 'api://bench';
type Alg = 'RS256' | 'ES256' | 'EdDSA';

const keyPair = (alg: Alg) =>
  alg === 'RS256'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('ed25519');

/**
 * The least a correct validator does, on node:crypto KeyObjects: split, decode the header and payload,
 * verify, and check alg, iss, aud and exp. No key lookup, no error messages, no claim mapping.
 */
function minimalValidate(token: string, key: KeyObject, alg: Alg): boolean {
  const a = token.indexOf('.');
  const b = token.indexOf('.', a + 1);
  const header = JSON.parse(Buffer.from(token.slice(0, a), 'base64url').toString());
  if (header.alg !== alg) return false;
  const ok = verify(
    alg === 'EdDSA' ? null : 'sha256',
    Buffer.from(token.slice(0, b)),
    alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key,
    Buffer.from(token.slice(b + 1), 'base64url'),
  );
  if (!ok) return false;
  const claims = JSON.parse(Buffer.from(token.slice(a + 1, b), 'base64url').toString());
  return claims.iss === ISS && claims.aud === AUD && claims.exp > Date.now() / 1000;
}

function suiteFor(alg: Alg, groups: number): BenchSuite {
  const hash = alg === 'EdDSA' ? null : 'sha256';
  const ctx = {} as {
    token: string;
    ours: (t: string) => Promise<unknown>;
    oursCached: (t: string) => Promise<unknown>;
    jose: (t: string) => Promise<unknown>;
    fast: (t: string) => unknown;
    fastCached: (t: string) => unknown;
    jwt?: (t: string) => unknown;
    rawInput: Buffer;
    rawSig: Buffer;
    rawDer: Buffer;
    publicKey: KeyObject;
  };
  const name = `bearer ${alg}, ${groups} groups`;
  const tasks: BenchSuite['tasks'] = [
    { name: 'ssokit createAccessTokenVerifier', role: 'subject', fn: () => ctx.ours(ctx.token) },
    { name: 'ssokit (cached repeat token)', role: 'subject', fn: () => ctx.oursCached(ctx.token) },
    {
      name: 'raw crypto.verify',
      role: 'limit',
      fn: () =>
        verify(
          hash,
          ctx.rawInput,
          alg === 'ES256' ? { key: ctx.publicKey, dsaEncoding: 'ieee-p1363' } : ctx.publicKey,
          ctx.rawSig,
        ),
    },
    ...(alg === 'ES256'
      ? [
          {
            // The fastest raw form: the signature already DER and a bare KeyObject (Node converts the
            // key on each call given a `{ key, dsaEncoding }` object). Shown so the ratio above is not
            // read as beating the signature check itself.
            name: 'raw crypto.verify (DER, bare key)',
            role: 'limit' as const,
            fn: () => verify(hash, ctx.rawInput, ctx.publicKey, ctx.rawDer),
          },
        ]
      : []),
    {
      name: 'minimal validator (node:crypto)',
      role: 'limit',
      fn: () => minimalValidate(ctx.token, ctx.publicKey, alg),
    },
    { name: 'jose jwtVerify (local JWKS)', role: 'peer', fn: () => ctx.jose(ctx.token) },
    { name: 'fast-jwt', role: 'peer', fn: () => ctx.fast(ctx.token) },
    { name: 'fast-jwt (cache)', role: 'peer', fn: () => ctx.fastCached(ctx.token) },
  ];
  if (alg !== 'EdDSA') tasks.push({ name: 'jsonwebtoken', role: 'peer', fn: () => ctx.jwt?.(ctx.token) });
  const targets: BenchSuite['targets'] =
    alg === 'RS256'
      ? [
          {
            task: 'ssokit createAccessTokenVerifier',
            versus: 'jose jwtVerify (local JWKS)',
            ratioAtLeast: 2,
          },
          { task: 'ssokit createAccessTokenVerifier', versus: 'jsonwebtoken', ratioAtLeast: 1.2 },
          {
            task: 'ssokit createAccessTokenVerifier',
            versus: 'minimal validator (node:crypto)',
            ratioAtLeast: 0.8,
          },
          { task: 'ssokit (cached repeat token)', versus: 'fast-jwt (cache)', ratioAtLeast: 1 },
        ]
      : [
          { task: 'ssokit createAccessTokenVerifier', versus: 'raw crypto.verify', ratioAtLeast: 0.85 },
          { task: 'ssokit (cached repeat token)', versus: 'fast-jwt (cache)', ratioAtLeast: 1 },
        ];

  return defineSuite({
    name,
    description: `${name}: one ${alg} access token with ${groups} groups, verified with every check on.`,
    timeMs: 1000,
    targets,
    async setup() {
      const { publicKey, privateKey } = keyPair(alg);
      ctx.publicKey = publicKey;
      const jwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'k1', alg, use: 'sig' };
      const nowSec = Math.floor(Date.now() / 1000);
      const claims = {
        iss: ISS,
        aud: AUD,
        sub: 'user-123',
        iat: nowSec,
        exp: nowSec + 3600,
        email: 'user@example.com',
        groups: Array.from({ length: groups }, (_, i) => `team-${String(i).padStart(3, '0')}-engineering`),
      };
      ctx.token = await new SignJWT(claims)
        .setProtectedHeader({ alg, kid: 'k1', typ: 'JWT' })
        .sign(await importJWK(privateKey.export({ format: 'jwk' }) as JWK, alg));
      const dot = ctx.token.lastIndexOf('.');
      ctx.rawInput = Buffer.from(ctx.token.slice(0, dot));
      ctx.rawSig = Buffer.from(ctx.token.slice(dot + 1), 'base64url');
      // Another signature of the same input, made in DER: verifying it costs what verifying the
      // token's own signature re-encoded costs.
      ctx.rawDer = sign(hash, ctx.rawInput, privateKey);

      // ssokit fetches keys over HTTP like in production: serve the JWKS on loopback once.
      const server = createServer((_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
      const keys = createJwksCache();
      const options = { jwksUri, issuer: ISS, audience: [AUD], algorithms: [alg], keys } as const;
      const uncached = createAccessTokenVerifier({ ...options, cache: false });
      const cached = createAccessTokenVerifier(options);
      ctx.ours = (t) => uncached.verify(t);
      ctx.oursCached = (t) => cached.verify(t);
      await ctx.ours(ctx.token);
      await ctx.oursCached(ctx.token);
      server.close();

      const localJwks = createLocalJWKSet({ keys: [jwk] });
      ctx.jose = (t) => jwtVerify(t, localJwks, { issuer: ISS, audience: AUD, algorithms: [alg] });
      const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
      const fastOptions = { key: pem, algorithms: [alg], allowedIss: ISS, allowedAud: AUD };
      ctx.fast = createVerifier({ ...fastOptions, cache: false });
      ctx.fastCached = createVerifier({ ...fastOptions, cache: true });
      if (alg !== 'EdDSA')
        ctx.jwt = (t) => jsonwebtoken.verify(t, pem, { algorithms: [alg], issuer: ISS, audience: AUD });
      for (const check of [ctx.jose, ctx.fast, ctx.fastCached, ctx.jwt]) await check?.(ctx.token);
    },
    tasks,
  });
}

export default [
  suiteFor('RS256', 20),
  suiteFor('RS256', 200),
  suiteFor('ES256', 20),
  suiteFor('ES256', 200),
  suiteFor('EdDSA', 20),
  suiteFor('EdDSA', 200),
];
