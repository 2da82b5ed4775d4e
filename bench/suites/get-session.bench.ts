import { createHash } from 'node:crypto';
import type { Sso } from '@ssokit/server';
import { composeStorage, memoryStorage } from '@ssokit/storage';
import { redisStorage } from '@ssokit/storage-redis';
import { Redis } from 'ioredis';
import { startProvider } from 'ssokit-test-fixtures/oidc-provider';
import { BASE, benchSso, login, SSO_CALLBACK, ssoSteps } from '../oidc-login.ts';
import { defineSuite, SuiteSkipped } from '../suite.ts';

// sso.getSession(request) for a request carrying the session cookie of a real OIDC login (the
// oidc-provider harness, user "ada", 2 groups, server-side sessions). Memory: memoryStorage() for
// everything. Redis: composeStorage(memoryStorage(), redisStorage(...)), so the session record is in
// Redis and the user read goes to the memory store. Every command the ioredis client sends goes
// through its sendCommand: counting those calls counts the round trips (no auto-pipelining).
// Target (memory): at least 100,000 calls/s, checked as a median under 10 µs per call.
// Target (Redis): at most one round trip per call. The runner's targets are times, so it is counted
// and printed instead (after setup, and over the whole run at exit); the task is shown against one
// bare HMGET of the same key (one round trip, nothing else) for scale.
const KEY_PREFIX = `bench${process.pid}:get-session:`;

const ctx = {} as {
  memory: Sso;
  redisSso: Sso;
  memoryRequest: Request;
  redisRequest: Request;
  memoryCookie: string;
  redisKey: string;
  redis: Redis;
  commands: number;
  calls: number;
};

/** The request a browser sends with `cookie`. */
const requestWith = (cookie: string) => new Request(`${BASE}/projects`, { headers: { cookie } });

async function countCommands(calls: number): Promise<number> {
  const before = ctx.commands;
  for (let i = 0; i < calls; i++) await ctx.redisSso.getSession(ctx.redisRequest);
  return (ctx.commands - before) / calls;
}

export default defineSuite({
  name: 'getSession',
  description:
    'sso.getSession(request) with the session cookie of a real OIDC login (server-side sessions): memory store, and sessions on Redis (composeStorage(memoryStorage(), redisStorage)).',
  timeMs: 3000,
  async setup() {
    const op = await startProvider({ redirectUris: [SSO_CALLBACK] });
    try {
      const memory = await benchSso(memoryStorage(), op.issuer);
      ctx.memory = memory.sso;
      ctx.memoryCookie = (await login(ssoSteps(memory.sso, memory.connectionId), SSO_CALLBACK)).join('; ');
      ctx.memoryRequest = requestWith(ctx.memoryCookie);

      const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
      } catch (error) {
        redis.disconnect();
        throw new SuiteSkipped(`Redis is not reachable: ${String(error)}`);
      }
      ctx.redis = redis;
      ctx.commands = 0;
      // Counts every command, and keeps the socket referenced only while a reply is awaited (as pg's
      // allowExitOnIdle does): the runner has no teardown, so the process must be able to exit, and
      // the clean-up below runs when it is about to.
      const send = redis.sendCommand.bind(redis);
      let pending = 0;
      redis.sendCommand = (...args: Parameters<typeof send>) => {
        ctx.commands++;
        if (pending++ === 0) redis.stream?.ref?.();
        const settled = () => {
          if (--pending === 0) redis.stream?.unref?.();
        };
        args[0].promise.then(settled, settled);
        return send(...args);
      };
      const storage = composeStorage(memoryStorage(), redisStorage({ redis, keyPrefix: KEY_PREFIX }));
      const composed = await benchSso(storage, op.issuer);
      ctx.redisSso = composed.sso;
      const redisCookie = (await login(ssoSteps(composed.sso, composed.connectionId), SSO_CALLBACK)).join(
        '; ',
      );
      ctx.redisRequest = requestWith(redisCookie);
      // The record's key, for the bare HMGET: the store's prefix, its hash tag, and the token's SHA-256.
      const token = redisCookie.slice(redisCookie.indexOf('=') + 1);
      const id = createHash('sha256').update(token).digest('base64url');
      const keys = await redis.keys(`${KEY_PREFIX}*`);
      const key = keys.find((k) => k.endsWith(id));
      if (!key) throw new Error(`No Redis key ends with the session id among ${keys.join(', ')}`);
      ctx.redisKey = key;
    } finally {
      await op.close();
    }
    for (const [name, sso, request] of [
      ['memory', ctx.memory, ctx.memoryRequest],
      ['Redis', ctx.redisSso, ctx.redisRequest],
    ] as const) {
      const session = await sso.getSession(request);
      if (session?.user.email !== 'ada@example.com' || session.groups.length !== 2)
        throw new Error(`${name}: unexpected session ${JSON.stringify(session)}`);
    }
    console.log(`Redis commands (round trips) per getSession call: ${await countCommands(200)}`);
    // The runner has no teardown: when it is done, report the count over the whole run and clean up.
    ctx.redis.stream?.unref?.();
    process.once('beforeExit', async () => {
      const count = ctx.calls > 0 ? ctx.commands / ctx.calls : Number.NaN;
      console.log(`getSession (Redis sessions): ${count.toFixed(3)} Redis round trips per call over the run`);
      const keys = await ctx.redis.keys(`${KEY_PREFIX}*`);
      if (keys.length > 0) await ctx.redis.del(...keys);
      await ctx.redis.quit();
    });
    ctx.commands = 0;
    ctx.calls = 0;
  },
  tasks: [
    {
      name: 'getSession (memory store)',
      role: 'subject',
      fn: () => ctx.memory.getSession(ctx.memoryRequest),
    },
    {
      name: 'getSession (memory store, new Request per call)',
      role: 'subject',
      fn: () => ctx.memory.getSession(requestWith(ctx.memoryCookie)),
    },
    {
      name: 'getSession (Redis sessions)',
      role: 'subject',
      fn: () => {
        ctx.calls++;
        return ctx.redisSso.getSession(ctx.redisRequest);
      },
    },
    {
      name: 'one Redis round trip (HMGET of the record)',
      role: 'limit',
      fn: () => {
        // Not counted: this is the yardstick, not ssokit's work.
        ctx.commands--;
        return ctx.redis.hmget(ctx.redisKey, 'r', 'exp', 'idle');
      },
    },
  ],
  targets: [{ task: 'getSession (memory store)', medianMsBelow: 0.01 }],
});
