/**
 * The Lua scripts of `redisStorage()`, each run atomically by Redis, and how they are sent: `EVALSHA`,
 * falling back to `EVAL` once when the server does not know the script yet (`NOSCRIPT`, after a restart
 * or a failover). The host's client is not modified (no `defineCommand`), so two stores can share it.
 *
 * Session scripts get one key, the store's `base` (`<keyPrefix>{ssokit}:`, with the client's own
 * `keyPrefix` applied by ioredis), and build every other key from it: `base .. 'sess:' .. id` and
 * `base .. <index suffix>`. All of them share the `{ssokit}` hash tag, so on Redis Cluster they are in
 * the slot of the declared key.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/**
 * A client `redisStorage()` accepts: an ioredis `Redis` (standalone or Sentinel) or `Cluster`.
 *
 * @example
 * ```ts
 * import { Cluster, Redis } from 'ioredis';
 *
 * const standalone: RedisClient = new Redis('rediss://redis.internal:6380');
 * const sentinel: RedisClient = new Redis({ sentinels: [{ host: 'sentinel-1', port: 26379 }], name: 'main' });
 * const cluster: RedisClient = new Cluster([{ host: 'redis-0', port: 6379 }]);
 * ```
 */
export type RedisClient = Redis | Cluster;

/** A Lua script with its SHA-1, as `EVALSHA` wants it. */
export interface Script {
  lua: string;
  sha: string;
}

const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });

/**
 * Runs `s` with `keys` and `args`.
 *
 * @example
 * ```ts
 * const hits = await runScript(redis, scripts.hit, [key], [windowMs]);
 * ```
 */
export async function runScript(
  redis: RedisClient,
  s: Script,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(s.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(s.lua, keys.length, ...keys, ...args);
  }
}

/** Counts a hit in a fixed window: the first hit of a window sets its expiry. KEYS[1]: the counter. */
const hit = script(`
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return n
`);

/** What every session script starts with. KEYS[1] is the base; the last ARGV is now (ms). */
const sessionPrelude = `
local B = KEYS[1]
local now = tonumber(ARGV[#ARGV])
local function alive(exp, idle)
  return exp and idle and tonumber(exp) > now and tonumber(idle) > now
end
-- At least ttl: an index set lives as long as its longest-living member.
local function extend(key, ttl)
  local left = redis.call('PTTL', key)
  if left == -1 or (left >= 0 and left < ttl) then redis.call('PEXPIRE', key, ttl) end
end
-- Deletes a session and removes it from its index sets.
local function drop(id)
  local key = B .. 'sess:' .. id
  local ix = redis.call('HMGET', key, 'iu', 'ic', 'ics', 'ici')
  for i = 1, 4 do
    if ix[i] then redis.call('SREM', B .. ix[i], id) end
  end
  redis.call('DEL', key)
end
`;

/**
 * Creates a session unless an unexpired one has the id. ARGV: id, record JSON, exp, idle, iu, ic, ics,
 * ici ('' for none), now. Returns 0 for a conflict, 1 otherwise (an already expired session is not
 * written).
 */
const createSession = script(`${sessionPrelude}
local id = ARGV[1]
local key = B .. 'sess:' .. id
local current = redis.call('HMGET', key, 'exp', 'idle')
if alive(current[1], current[2]) then return 0 end
if redis.call('EXISTS', key) == 1 then drop(id) end
local ttl = math.min(tonumber(ARGV[3]), tonumber(ARGV[4])) - now
if ttl <= 0 then return 1 end
redis.call('HSET', key, 'r', ARGV[2], 'exp', ARGV[3], 'idle', ARGV[4], 'iu', ARGV[5], 'ic', ARGV[6], 'ics', ARGV[7])
if ARGV[8] ~= '' then redis.call('HSET', key, 'ici', ARGV[8]) end
redis.call('PEXPIRE', key, ttl)
for i = 5, 8 do
  if ARGV[i] ~= '' then
    redis.call('SADD', B .. ARGV[i], id)
    extend(B .. ARGV[i], ttl)
  end
end
return 1
`);

/**
 * Moves the idle expiry of an unexpired session, capped at its absolute expiry, and its key's TTL (and
 * its index sets' when they would end sooner). ARGV: id, idle, now. Returns 1 if the session was alive.
 */
const touchSession = script(`${sessionPrelude}
local id = ARGV[1]
local key = B .. 'sess:' .. id
local f = redis.call('HMGET', key, 'exp', 'idle', 'iu', 'ic', 'ics', 'ici')
if not alive(f[1], f[2]) then return 0 end
local idle = ARGV[2]
if tonumber(idle) > tonumber(f[1]) then idle = f[1] end
local ttl = tonumber(idle) - now
if ttl <= 0 then
  drop(id)
  return 1
end
redis.call('HSET', key, 'idle', idle)
redis.call('PEXPIRE', key, ttl)
for i = 3, 6 do
  if f[i] then extend(B .. f[i], ttl) end
end
return 1
`);

/** Deletes a session. ARGV: id, now. Returns 1 if it was alive. */
const deleteSession = script(`${sessionPrelude}
local key = B .. 'sess:' .. ARGV[1]
local f = redis.call('HMGET', key, 'exp', 'idle')
if not f[1] then return 0 end
local was = alive(f[1], f[2])
drop(ARGV[1])
if was then return 1 end
return 0
`);

/**
 * Reads one index set, or the intersection of two, and either ends the unexpired sessions found
 * (returning how many) or returns them (record JSON, exp, idle, for each). A member whose session is
 * gone, or now belongs to other sets (an id used again), is removed from the sets read.
 * ARGV: mode ('revoke' | 'list'), field, suffix[, field, suffix], now.
 */
const findSessions = script(`${sessionPrelude}
local revoke = ARGV[1] == 'revoke'
local fields, sets = {}, {}
for i = 2, #ARGV - 1, 2 do
  fields[#fields + 1] = ARGV[i]
  sets[#sets + 1] = B .. ARGV[i + 1]
end
local ids
if #sets == 1 then ids = redis.call('SMEMBERS', sets[1]) else ids = redis.call('SINTER', unpack(sets)) end
local found, out = 0, {}
for _, id in ipairs(ids) do
  local key = B .. 'sess:' .. id
  local f = redis.call('HMGET', key, 'r', 'exp', 'idle', unpack(fields))
  local member = f[1] ~= false
  for i = 1, #fields do
    if f[3 + i] ~= ARGV[2 * i + 1] then
      member = false
      redis.call('SREM', sets[i], id)
    end
  end
  if member and alive(f[2], f[3]) then
    found = found + 1
    if revoke then drop(id) else
      out[#out + 1] = f[1]
      out[#out + 1] = f[2]
      out[#out + 1] = f[3]
    end
  elseif member and revoke then
    drop(id)
  end
end
if revoke then return found end
return out
`);

/** The scripts, by name. */
export const scripts = { hit, createSession, touchSession, deleteSession, findSessions };
