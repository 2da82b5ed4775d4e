/**
 * A Keycloak realm export (RealmRepresentation JSON), read into what the local IdP serves: users with
 * passwords, groups by path, realm roles, and OIDC and SAML clients with their mappers.
 */
import { createHash } from 'node:crypto';

/** A user of the realm, with what its tokens and assertions say about it. */
export interface RealmUser {
  /** A stable UUID-shaped id derived from the realm and username (Keycloak's ids are random UUIDs). */
  id: string;
  username: string;
  password: string | undefined;
  enabled: boolean;
  email: string | undefined;
  emailVerified: boolean;
  firstName: string | undefined;
  lastName: string | undefined;
  /** Group paths, such as `/admins` or `/engineering/ml`. */
  groups: string[];
  realmRoles: string[];
}

/** A protocol mapper of a client: which claim or attribute it adds, from Keycloak's `config`. */
export interface RealmMapper {
  name: string;
  protocol: string;
  protocolMapper: string;
  config: Record<string, string>;
}

/** An OIDC or SAML client of the realm (an application the IdP signs users in to). */
export interface RealmClient {
  clientId: string;
  protocol: 'openid-connect' | 'saml';
  enabled: boolean;
  publicClient: boolean;
  secret: string | undefined;
  standardFlowEnabled: boolean;
  implicitFlowEnabled: boolean;
  redirectUris: string[];
  attributes: Record<string, string>;
  protocolMappers: RealmMapper[];
}

/** A realm export as the local IdP serves it: its users, clients and the roles each group grants. */
export interface Realm {
  name: string;
  users: RealmUser[];
  clients: RealmClient[];
  /** Realm roles granted through each group path. */
  groupRoles: Map<string, string[]>;
}

/**
 * Why a realm file cannot be used, naming the field. Thrown by {@link parseRealm} and, through it,
 * by `startDevIdp`.
 *
 * @example
 * ```ts
 * import { parseRealm, RealmError } from '@ssokit/dev-idp';
 *
 * try {
 *   parseRealm(readFileSync('realm-export.json', 'utf8'));
 * } catch (error) {
 *   if (error instanceof RealmError) console.error(`realm-export.json: ${error.message}`);
 *   else throw error;
 * }
 * ```
 */
export class RealmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RealmError';
  }
}

const obj = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
const PLACEHOLDER = /\$\{([A-Z0-9_]+)(?::([^}]*))?\}/g;
/** `value` with the placeholders of every string in it filled from `env`. */
function fillPlaceholders(value: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof value === 'string')
    return value.replace(PLACEHOLDER, (_m, name: string, fallback?: string) => env[name] ?? fallback ?? '');
  if (Array.isArray(value)) return value.map((item) => fillPlaceholders(item, env));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillPlaceholders(v, env)]));
  return value;
}
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Reads a realm export. `${ENV}` and `${ENV:default}` placeholders in its strings are filled from
 * `env`, as Keycloak's import does; a value is text inside its string, whatever it holds (a quote in it
 * cannot add a field). Throws a {@link RealmError} naming what is wrong.
 *
 * @example
 * ```ts
 * import { parseRealm } from '@ssokit/dev-idp';
 *
 * const realm = parseRealm(readFileSync('examples/keycloak/realm-export.json', 'utf8'), {
 *   SSOKIT_APP_URL: 'http://127.0.0.1:3000',
 * });
 * realm.users.map((u) => `${u.username}: ${u.groups.join(', ')}`);
 * ```
 */
export function parseRealm(text: string, env: Record<string, string | undefined> = process.env): Realm {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RealmError('The realm file is not JSON (a Keycloak realm export is one JSON object).');
  }
  const root = obj(fillPlaceholders(json, env));
  const name = str(root.realm);
  if (!name || !/^[A-Za-z0-9._-]+$/.test(name))
    throw new RealmError('"realm" must name the realm (letters, digits, ".", "_", "-").');

  const groupRoles = new Map<string, string[]>();
  const walk = (groups: unknown[], parent: string) => {
    for (const g of groups) {
      const group = obj(g);
      const groupName = str(group.name);
      if (!groupName) throw new RealmError(`A group under "${parent || '/'}" has no "name".`);
      const path = `${parent}/${groupName}`;
      groupRoles.set(
        path,
        list(group.realmRoles).filter((r): r is string => typeof r === 'string'),
      );
      walk(list(group.subGroups), path);
    }
  };
  walk(list(root.groups), '');

  const users = list(root.users).map((u, index) => {
    const user = obj(u);
    const username = str(user.username);
    if (!username) throw new RealmError(`users[${index}] has no "username".`);
    const password = list(user.credentials)
      .map(obj)
      .find((c) => c.type === 'password' && typeof c.value === 'string')?.value as string | undefined;
    const groups = list(user.groups)
      .filter((g): g is string => typeof g === 'string')
      .map((g) => (g.startsWith('/') ? g : `/${g}`));
    for (const path of groups) {
      if (!groupRoles.has(path))
        throw new RealmError(
          `users[${index}] ("${username}") is in "${path}", which "groups" does not define.`,
        );
    }
    const hash = createHash('sha256').update(`${name}/${username}`).digest('hex');
    return {
      id: `${hash.slice(0, 8)}-${hash.slice(8, 12)}-4${hash.slice(13, 16)}-a${hash.slice(17, 20)}-${hash.slice(20, 32)}`,
      username,
      password,
      enabled: user.enabled !== false,
      email: str(user.email),
      emailVerified: user.emailVerified === true,
      firstName: str(user.firstName),
      lastName: str(user.lastName),
      groups,
      realmRoles: list(user.realmRoles).filter((r): r is string => typeof r === 'string'),
    } satisfies RealmUser;
  });

  const clients = list(root.clients).map((c, index) => {
    const client = obj(c);
    const clientId = str(client.clientId);
    if (!clientId) throw new RealmError(`clients[${index}] has no "clientId".`);
    const protocol = str(client.protocol) ?? 'openid-connect';
    if (protocol !== 'openid-connect' && protocol !== 'saml')
      throw new RealmError(
        `clients[${index}] ("${clientId}") has protocol "${protocol}"; use openid-connect or saml.`,
      );
    const attributes = Object.fromEntries(
      Object.entries(obj(client.attributes)).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    return {
      clientId,
      protocol,
      enabled: client.enabled !== false,
      publicClient: client.publicClient === true,
      secret: str(client.secret),
      standardFlowEnabled: client.standardFlowEnabled !== false,
      implicitFlowEnabled: client.implicitFlowEnabled === true,
      redirectUris: list(client.redirectUris).filter((r): r is string => typeof r === 'string'),
      attributes,
      protocolMappers: list(client.protocolMappers).map((m) => {
        const mapper = obj(m);
        return {
          name: str(mapper.name) ?? '',
          protocol: str(mapper.protocol) ?? protocol,
          protocolMapper: str(mapper.protocolMapper) ?? '',
          config: Object.fromEntries(
            Object.entries(obj(mapper.config)).filter((e): e is [string, string] => typeof e[1] === 'string'),
          ),
        };
      }),
    } satisfies RealmClient;
  });
  return { name, users, clients, groupRoles };
}

/** The user's realm roles: their own and those of their groups (and the groups' ancestors). */
export function rolesOf(realm: Realm, user: RealmUser): string[] {
  const roles = new Set(user.realmRoles);
  for (const path of user.groups) {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++)
      for (const r of realm.groupRoles.get(`/${parts.slice(0, i).join('/')}`) ?? []) roles.add(r);
  }
  return [...roles];
}

/** Group names as a group mapper emits them: full paths (`/a/b`) or last segments (`b`). */
export function groupClaim(user: RealmUser, fullPath: boolean): string[] {
  return user.groups.map((path) => (fullPath ? path : (path.split('/').pop() as string)));
}
