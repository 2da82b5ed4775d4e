/**
 * A small, deliberately misbehaving OpenID Provider for negative tests: a node:http server on
 * 127.0.0.1 that serves discovery and a JWKS we control, and mints tokens with jose, valid or not.
 */
import { type KeyObject, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  jwk: JWK;
}

export async function makeKey(
  alg: string,
  kid: string,
  options: { modulusLength?: number; crv?: string } = {},
): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...options });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, jwk };
}

export interface MockOp {
  issuer: string;
  jwksUri: string;
  /** The keys served at the JWKS URI; replace to rotate. */
  published: JWK[];
  /** How many times the JWKS was fetched. */
  jwksFetches: number;
  /** Extra routes: path → handler. */
  routes: Map<string, (req: IncomingMessage, res: ServerResponse, body: string) => void>;
  /** Discovery document overrides. */
  discovery: Record<string, unknown>;
  mint(claims: JWTPayload, key: SigningKey, header?: Record<string, unknown>): Promise<string>;
  /** Standard valid ID token claims for `clientId`, overridable. */
  claims(overrides?: Record<string, unknown>): JWTPayload;
  close(): Promise<void>;
}

export async function startMockOp(clientId = 'client-1'): Promise<MockOp> {
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse, body: string) => void>();
  const state = { published: [] as JWK[], jwksFetches: 0, discovery: {} as Record<string, unknown> };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const route = routes.get(path);
      if (route) return route(req, res, body);
      if (path === '/.well-known/openid-configuration') {
        return json(res, {
          issuer: op.issuer,
          authorization_endpoint: `${op.issuer}/authorize`,
          token_endpoint: `${op.issuer}/token`,
          userinfo_endpoint: `${op.issuer}/userinfo`,
          jwks_uri: op.jwksUri,
          response_types_supported: ['code', 'id_token'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256', 'ES256', 'EdDSA'],
          ...state.discovery,
        });
      }
      if (path === '/jwks') {
        state.jwksFetches++;
        return json(res, { keys: state.published });
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const op: MockOp = {
    issuer,
    jwksUri: `${issuer}/jwks`,
    get published() {
      return state.published;
    },
    set published(keys) {
      state.published = keys;
    },
    get jwksFetches() {
      return state.jwksFetches;
    },
    set jwksFetches(n) {
      state.jwksFetches = n;
    },
    routes,
    get discovery() {
      return state.discovery;
    },
    set discovery(value) {
      state.discovery = value;
    },
    async mint(claims, key, header = {}) {
      return new SignJWT(claims)
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })
        .sign(key.privateKey);
    },
    claims(overrides = {}) {
      const now = Math.floor(Date.now() / 1000);
      return {
        iss: issuer,
        sub: 'user-1',
        aud: clientId,
        exp: now + 300,
        iat: now,
        nonce: 'nonce-1',
        ...overrides,
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return op;
}

export function json(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** base64url of a JSON value, for hand-made tokens. */
export const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs a token by hand with node:crypto (RS256), for headers and keys jose refuses to produce. */
export function signRaw(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  privateKey: KeyObject,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = sign('sha256', Buffer.from(input), privateKey).toString('base64url');
  return `${input}.${signature}`;
}
