/**
 * What the CLI's tests share: running `ssokit` as a process (real argv, exit code, stdout and stderr),
 * dev-idp seeded from the example realm for an app at {@link APP}, and a browser without JavaScript
 * that signs a user in at dev-idp to get real tokens and SAML responses.
 *
 * Which binary runs: `SSOKIT_CLI_BIN=dist` runs the built `dist/cli.js` as published (its @ssokit
 * dependencies from their own builds: run `pnpm build` first); `SSOKIT_CLI_BIN=source` runs
 * `src/cli.ts`. Unset, the built `dist/cli.js` runs when it is newer than every source file (with the
 * `dev-source` condition, so the other packages need no build), else the source.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DevIdp, startDevIdp } from '@ssokit/dev-idp';
import { createSso } from '@ssokit/server';
import { memoryStorage } from '@ssokit/storage';
import { jarFetch } from 'ssokit-test-fixtures/http';
import { DEV_IDP_PASSWORDS, DEV_IDP_REALM_FILE, devIdpForm } from 'ssokit-test-fixtures/recipe-scenarios';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(PACKAGE, 'dist', 'cli.js');
const SOURCE = join(PACKAGE, 'src', 'cli.ts');
export const REPO = join(PACKAGE, '..', '..');

/** The app the realm's clients are registered for (redirect URIs, SAML entity ids). */
export const APP = 'http://localhost:4000';

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The node arguments that start the CLI, and which build it is. */
export function cliCommand(): { args: string[]; kind: 'dist' | 'dist (dev-source)' | 'source' } {
  const mode = process.env.SSOKIT_CLI_BIN;
  if (mode === 'dist') return { args: [DIST], kind: 'dist' };
  if (mode !== 'source' && existsSync(DIST) && statSync(DIST).mtimeMs >= newestSource(join(PACKAGE, 'src')))
    return { args: ['--conditions=dev-source', DIST], kind: 'dist (dev-source)' };
  return { args: ['--conditions=dev-source', SOURCE], kind: 'source' };
}

/** What one run of `ssokit` gave. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `ssokit ...args` as a child process, asynchronously (dev-idp in this process keeps answering).
 * The child's environment is this one without colour variables, plus `env`.
 */
export function ssokit(
  args: string[],
  options: {
    env?: Record<string, string | undefined>;
    cwd?: string;
    input?: string;
    /** Run under this umask (octal, e.g. `'000'`), set by a shell before the command starts. */
    umask?: string;
  } = {},
): Promise<CliRun> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  for (const name of ['FORCE_COLOR', 'NO_COLOR'])
    if (!options.env || !(name in options.env)) delete env[name];
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const command = [process.execPath, ...cliCommand().args, ...args];
  const [file, ...argv] =
    options.umask === undefined
      ? command
      : ['/bin/sh', '-c', `umask ${options.umask} && exec "$@"`, 'sh', ...command];
  const child = spawn(file as string, argv, {
    cwd: options.cwd ?? REPO,
    env: env as NodeJS.ProcessEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The characters in `text` a terminal would act on or that reorder or split a line (C0 but `\n`, DEL,
 * C1, the bidirectional controls, U+2028/9), as code points: empty when the output is safe to show.
 */
export function controlCharacters(text: string): string[] {
  const found = new Set<string>();
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (
      (code < 0x20 && code !== 0x0a) ||
      (code >= 0x7f && code <= 0x9f) ||
      code === 0x061c ||
      code === 0x200e ||
      code === 0x200f ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069) ||
      code === 0x2028 ||
      code === 0x2029
    )
      found.add(`U+${code.toString(16).padStart(4, '0')}`);
  }
  return [...found];
}

/** Parses the JSON a `--json` run wrote, with the run in the message when it is not JSON. */
export function jsonOf<T = Record<string, unknown>>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`Not JSON (exit ${run.code}):\n${run.stdout}\n--- stderr ---\n${run.stderr}`);
  }
}

/** dev-idp with the example realm, its clients registered for {@link APP}. */
export function startIdp(): Promise<DevIdp> {
  return startDevIdp({
    realm: readFileSync(DEV_IDP_REALM_FILE, 'utf8'),
    env: { SSOKIT_APP_URL: APP },
  });
}

/** The realm's users and their passwords. */
export const PASSWORDS = DEV_IDP_PASSWORDS;

/**
 * Follows a sign-in from `start` like a browser without JavaScript: redirects, the IdP's login form
 * (filled with `user`'s password), self-posting forms; stops at the first redirect or form that goes
 * to `stopAt`, and returns where it went and the form's fields.
 */
export async function signIn(
  start: string,
  user: keyof typeof PASSWORDS,
  stopAt: string,
): Promise<{ url: URL; form: URLSearchParams }> {
  const jar = new Map<string, string>();
  let url = new URL(start);
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    const response = await jarFetch(jar, url, init);
    const location = response.headers.get('location');
    if (location) {
      url = new URL(location, url);
      if (url.href.startsWith(stopAt)) return { url, form: new URLSearchParams() };
      init = {};
      continue;
    }
    const html = await response.text();
    const next = devIdpForm(html, url, user);
    if (!next) throw new Error(`The sign-in from ${start} is stuck at ${url.href} (${response.status}).`);
    const { target, form } = next;
    if (target.href.startsWith(stopAt)) return { url: target, form };
    url = target;
    init = { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  throw new Error(`The sign-in from ${start} did not reach ${stopAt}.`);
}

/** A real ID token from dev-idp: code flow with PKCE for client `ssokit-pkce`, signed in as `user`. */
export async function idTokenOf(idp: DevIdp, user: keyof typeof PASSWORDS): Promise<string> {
  const redirectUri = `${APP}/sso/oidc/callback`;
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${idp.issuer}/protocol/openid-connect/auth`);
  for (const [k, v] of Object.entries({
    client_id: 'ssokit-pkce',
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid profile email',
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }))
    authorize.searchParams.set(k, v);
  const { url } = await signIn(authorize.href, user, redirectUri);
  const code = url.searchParams.get('code');
  if (!code) throw new Error(`No code in ${url.href}`);
  const response = await fetch(`${idp.issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: 'ssokit-pkce',
      code_verifier: verifier,
    }),
  });
  const body = (await response.json()) as { id_token?: string };
  if (!body.id_token) throw new Error(`No ID token: ${JSON.stringify(body)}`);
  return body.id_token;
}

/** The SAML connection of the example realm, as connection JSON. */
export const samlConnection = (idp: DevIdp) => ({
  id: 'keycloak-saml',
  name: 'Keycloak (SAML)',
  protocol: 'saml',
  provider: 'keycloak',
  groupSync: { enabled: true, removeRevoked: true },
  saml: { idpMetadataUrl: idp.samlMetadataUrl, spEntityId: `${APP}/sso/saml/metadata/keycloak-saml` },
});

/** The OIDC connection of the example realm's public PKCE client, as connection JSON. */
export const oidcConnection = (idp: DevIdp, extra: Record<string, unknown> = {}) => ({
  id: 'keycloak-pkce',
  name: 'Keycloak',
  protocol: 'oidc',
  provider: 'keycloak',
  groupSync: { enabled: true, removeRevoked: true },
  oidc: { issuer: idp.issuer, clientId: 'ssokit-pkce', scopes: ['openid', 'profile', 'email'] },
  ...extra,
});

/**
 * A real SAMLResponse from dev-idp (base64, as the browser posts it to the ACS): an app at APP starts
 * the sign-in at the SAML connection, and `user` signs in.
 */
export async function samlResponseOf(idp: DevIdp, user: keyof typeof PASSWORDS): Promise<string> {
  const sso = createSso({ baseUrl: APP, storage: memoryStorage(), secret: randomBytes(32).toString('hex') });
  await sso.connections.create(samlConnection(idp) as never);
  const start = await sso.handle(new Request(`${APP}/sso/login/keycloak-saml`));
  const location = start.headers.get('location');
  if (!location) throw new Error(`No redirect to the IdP: ${start.status} ${await start.text()}`);
  const { form } = await signIn(location, user, `${APP}/sso/saml/acs`);
  const response = form.get('SAMLResponse');
  if (!response) throw new Error('No SAMLResponse was posted.');
  return response;
}
