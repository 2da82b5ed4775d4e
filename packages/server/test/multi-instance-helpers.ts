/**
 * What the multi-instance and outage tests share: stores on the machine's real PostgreSQL and Redis
 * (a table prefix and a key prefix of their own, removed afterwards), a TCP proxy that can cut and
 * restore one instance's connection to either server, direct SQL to check what was written, and the
 * requests a browser sends during an OIDC or SAML login.
 */

import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer, type Server, Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { SsoStorage } from '@ssokit/storage';
import { type RedisStorage, redisStorage } from '@ssokit/storage-redis';
import {
  dropSqlStorage,
  migrateSqlStorage,
  type SqlStorageOptions,
  sqlStorage,
  sqlStorageTables,
} from '@ssokit/storage-sql';
import { Redis, type RedisOptions } from 'ioredis';
import pg from 'pg';
import { cookiesOf } from 'ssokit-test-fixtures/http';
import { browserLogin } from 'ssokit-test-fixtures/oidc-provider';
import { deleteUnder, keysUnder } from 'ssokit-test-fixtures/redis';
import type { Sso } from '../src/index.ts';

export const PG_URL = process.env.SSOKIT_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.SSOKIT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PG = new URL(PG_URL);
const REDIS = new URL(REDIS_URL);

type Dialect = NonNullable<SqlStorageOptions['dialect']>;
type KyselyModule = {
  PostgresDialect: new (config: { pool: pg.Pool }) => Dialect;
};
let kysely: Promise<KyselyModule> | undefined;

/**
 * Kysely's module, the very one `@ssokit/storage-sql` runs on (it checks its dialect's adapter with
 * `instanceof`): resolved from that package, since the server package does not depend on Kysely.
 */
function loadKysely(): Promise<KyselyModule> {
  const from = createRequire(new URL('../../storage-sql/package.json', import.meta.url));
  kysely ??= import(pathToFileURL(from.resolve('kysely')).href) as Promise<KyselyModule>;
  return kysely;
}

/** A table prefix (at most 32 characters) of this process and file, so parallel runs never share tables. */
export function tablePrefixFor(label: string): string {
  return `t${process.pid}_${label}_${randomBytes(3).toString('hex')}_`;
}

/** A Redis key prefix nobody else uses. */
export function keyPrefixFor(label: string): string {
  return `ssokit-test:${label}:${process.pid}:${randomBytes(8).toString('hex')}:`;
}

/**
 * A pg Pool on the test database (or on `port`, a proxy in front of it), with the error listeners the
 * storage-sql README asks for, and small timeouts so nothing waits long on a database that is gone.
 */
export function pgPool(port?: number): pg.Pool {
  const pool = new pg.Pool({
    // Not connectionString: pg lets it override host and port, and the proxy's port must win.
    host: port !== undefined ? '127.0.0.1' : PG.hostname,
    port: port ?? Number(PG.port || 5432),
    user: decodeURIComponent(PG.username),
    ...(PG.password ? { password: decodeURIComponent(PG.password) } : {}),
    database: PG.pathname.slice(1),
    max: 6,
    connectionTimeoutMillis: 1500,
    idleTimeoutMillis: 5000,
  });
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/** A SQL store on `pool`, and its pool. `close()` of the store ends the pool. */
export async function sqlStore(pool: pg.Pool, tablePrefix: string) {
  const { PostgresDialect } = await loadKysely();
  return sqlStorage({ dialect: new PostgresDialect({ pool }), tablePrefix });
}

/**
 * The tables of `tablePrefix` on the test database, migrated, with direct SQL over its own pool to
 * read and empty them, and `drop()` to remove them and end the pool.
 */
export async function sqlTables(tablePrefix: string) {
  const pool = pgPool();
  const admin = await sqlStore(pool, tablePrefix);
  await migrateSqlStorage(admin.db, { tablePrefix });
  const t = (name: string) => `"${tablePrefix}${name}"`;
  const count = async (table: string, where = '', values: unknown[] = []) => {
    const { rows } = await pool.query<{ n: string }>(
      `select count(*) as n from ${t(table)} ${where}`,
      values,
    );
    return Number(rows[0]?.n);
  };
  return {
    tablePrefix,
    count,
    /** The ids of the users, oldest first. */
    async userIds(): Promise<string[]> {
      const { rows } = await pool.query<{ id: string }>(
        `select id from ${t('users')} order by created_at, id`,
      );
      return rows.map((r) => r.id);
    },
    /** How many users, identities, memberships and sessions the tables hold. */
    async rows() {
      return {
        users: await count('users'),
        identities: await count('identities'),
        memberships: await count('memberships'),
        sessions: await count('sessions'),
      };
    },
    async empty() {
      for (const table of [...sqlStorageTables].reverse()) await pool.query(`delete from ${t(table)}`);
    },
    async drop() {
      await dropSqlStorage(admin.db, { tablePrefix });
      await admin.close();
    },
  };
}

/** A Redis client on the test Redis (or on `port`, a proxy in front of it). */
export function redisClient(port?: number, options: RedisOptions = {}): Redis {
  return new Redis({
    host: port !== undefined ? '127.0.0.1' : REDIS.hostname,
    port: port ?? Number(REDIS.port || 6379),
    maxRetriesPerRequest: 1,
    ...options,
  });
}

/**
 * A client that fails fast while Redis cannot be reached: no offline queue, no retries per command,
 * short timeouts, and a reconnect every 50 ms.
 */
export function fragileRedisClient(port: number): Redis {
  return redisClient(port, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
    commandTimeout: 1500,
    retryStrategy: () => 50,
  });
}

/** Resolves once `client` is ready (bounded by the test's timeout). */
export async function untilReady(client: Redis): Promise<void> {
  while (client.status !== 'ready') await new Promise((resolve) => setTimeout(resolve, 10));
}

/** A Redis store under `keyPrefix` on `client` (which stays the test's to close). */
export function redisStore(client: Redis, keyPrefix: string): RedisStorage {
  return redisStorage({ redis: client, keyPrefix });
}

/**
 * A TCP proxy on 127.0.0.1 in front of `target`: `cut()` closes the listener and destroys every open
 * connection (the server is then unreachable for whoever connects through the proxy: refused), and
 * `restore()` listens again on the same port. `cutWhen(pattern)` arms a cut for the moment a client
 * sends bytes containing `pattern`: that chunk is never forwarded (a database lost in the middle of a
 * transaction).
 */
export class TcpProxy {
  #server: Server | undefined;
  #sockets = new Set<Socket>();
  #armed: string | undefined;
  #onArmedCut: (() => void) | undefined;
  port = 0;

  readonly targetHost: string;
  readonly targetPort: number;

  constructor(targetHost: string, targetPort: number) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  static async start(target: URL, defaultPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(target.hostname, Number(target.port || defaultPort));
    await proxy.restore();
    return proxy;
  }

  static forPostgres(): Promise<TcpProxy> {
    return TcpProxy.start(PG, 5432);
  }

  static forRedis(): Promise<TcpProxy> {
    return TcpProxy.start(REDIS, 6379);
  }

  get up(): boolean {
    return this.#server !== undefined;
  }

  async restore(): Promise<void> {
    if (this.#server) return;
    const server = createServer((client) => this.#pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async cut(): Promise<void> {
    this.#armed = undefined;
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Cuts when a client next sends `pattern`; resolves when that happened. */
  cutWhen(pattern: string): Promise<void> {
    this.#armed = pattern;
    return new Promise((resolve) => {
      this.#onArmedCut = resolve;
    });
  }

  #pipe(client: Socket): void {
    const upstream = new Socket();
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pause();
    upstream.connect(this.targetPort, this.targetHost, () => client.resume());
    client.on('data', (chunk: Buffer) => {
      if (this.#armed !== undefined && chunk.includes(this.#armed)) {
        const done = this.#onArmedCut;
        this.#onArmedCut = undefined;
        void this.cut().then(() => done?.());
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
  }
}

/** A JSON request to `url`, as a browser's script sends it. */
export const JSON_HEADERS = { accept: 'application/json' };

/** `GET /sso/login/:id` on `sso`: the response, its cookies and where it sends the browser. */
export async function startLogin(sso: Sso, base: string, connectionId: string, returnTo = '/projects') {
  const response = await sso.handle(
    new Request(`${base}/sso/login/${connectionId}?returnTo=${encodeURIComponent(returnTo)}`, {
      headers: JSON_HEADERS,
    }),
  );
  return {
    response,
    cookie: cookiesOf(response).join('; '),
    location: response.headers.get('location') as string,
  };
}

/** The OP's answer (the callback query) to a login started with {@link startLogin}. */
export async function opAnswer(location: string, callback: string): Promise<URLSearchParams> {
  const answer = await browserLogin(new URL(location), new Map(), callback);
  return answer.params;
}

/** The callback request a browser sends with the OP's answer and its transaction cookie. */
export function callbackRequest(callback: string, params: URLSearchParams, cookie: string): Request {
  return new Request(`${callback}?${params}`, { headers: { ...JSON_HEADERS, cookie } });
}

/** A request to `url` carrying `cookie` (a copy of a browser's session cookie). */
export function withCookie(url: string, cookie: string, init: RequestInit = {}): Request {
  return new Request(url, {
    ...init,
    headers: { ...JSON_HEADERS, ...(init.headers as Record<string, string>), cookie },
  });
}

/** The store a test instance runs on, whatever its parts. */
export type TestStorage = SsoStorage & { close(): Promise<void> };

export { deleteUnder, keysUnder };
