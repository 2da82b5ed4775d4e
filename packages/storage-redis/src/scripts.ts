/**
 * The Lua scripts of `redisStorage()`, each run atomically by Redis, and how they are sent: `EVALSHA`,
 * falling back to `EVAL` once when the server does not know the script yet (`NOSCRIPT`, after a restart
 * or a failover). The host's client is not modified (no `defineCommand`), so two stores can share it.
 *
 * Session scripts get one key, the store's `base` (`<keyPrefix>{ssokit}:`, with the client's own
 * `keyPrefix` applied by ioredis), and build every other key from it: `base .. 'sess:' .. id` and
 * `base .. <index suffix>` (a sorted set). All of them share the `{ssokit}` hash tag, so on Redis Cluster they are in
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

/**
 * What every session script starts with. KEYS[1] is the base; the last ARGV is now (ms).
 *
 * Index keys are sorted sets: member the session id, score the session's current expiry (the earlier
 * of its idle and absolute expiry, ms). Members scored at or before now belong to expired sessions:
 * readers skip them (they read the score range after now), and the scripts that add to an index drop
 * them, so an index holds at most the sessions that were alive at its last write.
 */
const sessionPrelude = `
local B = KEYS[1]
local now = tonumber(ARGV[#ARGV])
local function alive(exp, idle)
  return exp and idle and tonumber(exp) > now and tonumber(idle) > now
end
-- Puts id in an index at score (with GT: never lowers a score, so a reader's cursor is never passed
-- backwards), drops the members of expired sessions, and lets the key live until its highest score.
-- The TTL is relative (highest score - now), as the session keys' are, so a skew between the app's
-- clock and Redis's cannot end an index before the sessions it holds.
local function index(key, score, id, gt)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if gt then redis.call('ZADD', key, 'GT', score, id) else redis.call('ZADD', key, score, id) end
  local top = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  redis.call('PEXPIRE', key, math.max(1, tonumber(top[2]) - now))
end
-- Deletes a session and removes it from its index keys.
local function drop(id)
  local key = B .. 'sess:' .. id
  local ix = redis.call('HMGET', key, 'iu', 'ic', 'ics', 'ici')
  for i = 1, 4 do
    if ix[i] then redis.call('ZREM', B .. ix[i], id) end
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
local ends = math.min(tonumber(ARGV[3]), tonumber(ARGV[4]))
local ttl = ends - now
if ttl <= 0 then return 1 end
redis.call('HSET', key, 'r', ARGV[2], 'exp', ARGV[3], 'idle', ARGV[4], 'iu', ARGV[5], 'ic', ARGV[6], 'ics', ARGV[7])
if ARGV[8] ~= '' then redis.call('HSET', key, 'ici', ARGV[8]) end
redis.call('PEXPIRE', key, ttl)
for i = 5, 8 do
  if ARGV[i] ~= '' then index(B .. ARGV[i], ends, id, false) end
end
return 1
`);

/**
 * Moves the idle expiry of an unexpired session, capped at its absolute expiry, its key's TTL, and its
 * score in its index keys (never lowered there). ARGV: id, idle, now. Returns 1 if the session was alive.
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
  if f[i] then index(B .. f[i], tonumber(idle), id, true) end
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
 * One page of a revoke or a list: reads at most `limit` live members (score after now) of the first
 * index key, in the set's order (score, then id), from just after the cursor, and either ends the
 * unexpired sessions among them that match every index given (counting them) or returns them. A member
 * whose session is gone, or now belongs to another index (an id used again), is removed from the key
 * read. ARGV: mode ('revoke' | 'list'), limit, cursor score ('' to start), cursor id, field, suffix[,
 * field, suffix], now.
 *
 * Returns { next score, next id, members read, sessions found, [record JSON, exp, idle]... (list) }; the
 * next score is '' once the page reached the end of the set. The cursor is a position, not a member:
 * the member may have been revoked or deleted since, or have moved (a touch only raises a score), and
 * the page still starts right after where the last one ended.
 */
const findSessions = script(`${sessionPrelude}
local revoke = ARGV[1] == 'revoke'
local limit = tonumber(ARGV[2])
local fields, suffixes = {}, {}
for i = 5, #ARGV - 1, 2 do
  fields[#fields + 1] = ARGV[i]
  suffixes[#suffixes + 1] = ARGV[i + 1]
end
local set = B .. suffixes[1]
-- The first page starts at the first live member; a later one after the cursor (score, id). To know
-- how many members come before the cursor even when its id has left the set or moved, the id is put
-- at the cursor's score for the time of one ZRANK, then put back as it was.
local start = redis.call('ZCOUNT', set, '-inf', now)
if ARGV[3] ~= '' then
  local cs, cid = tonumber(ARGV[3]), ARGV[4]
  local old = redis.call('ZSCORE', set, cid)
  local before
  if old and tonumber(old) == cs then
    before = redis.call('ZRANK', set, cid) + 1
  else
    redis.call('ZADD', set, cs, cid)
    before = redis.call('ZRANK', set, cid)
    if old then redis.call('ZADD', set, old, cid) else redis.call('ZREM', set, cid) end
  end
  if before > start then start = before end
end
local page = redis.call('ZRANGE', set, start, start + limit - 1, 'WITHSCORES')
-- The reply: next score, next id, members read, sessions found, then (list) the sessions.
local out = { '', '', #page / 2, 0 }
for p = 1, #page, 2 do
  local id = page[p]
  local f = redis.call('HMGET', B .. 'sess:' .. id, 'r', 'exp', 'idle', unpack(fields))
  if not f[1] or f[4] ~= suffixes[1] then
    redis.call('ZREM', set, id)
  else
    local match = true
    for i = 2, #fields do
      if f[3 + i] ~= suffixes[i] then match = false end
    end
    if match and alive(f[2], f[3]) then
      out[4] = out[4] + 1
      if revoke then drop(id) else
        out[#out + 1] = f[1]
        out[#out + 1] = f[2]
        out[#out + 1] = f[3]
      end
    elseif match and revoke then
      drop(id)
    end
  end
end
if #page / 2 == limit then
  out[1], out[2] = page[#page], page[#page - 1]
end
return out
`);

/**
 * Records one login-activity entry: pushed first on its connection's list of its outcome, the list
 * cut to the newest `maxEntries`, and kept at least as long as the new entry lives. KEYS[1]: the list.
 * ARGV: the entry (JSON), maxEntries, the entry's remaining life (ms).
 */
const recordActivity = script(`
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
local ttl = tonumber(ARGV[3])
if redis.call('PTTL', KEYS[1]) < ttl then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return redis.call('LLEN', KEYS[1])
`);

/** The scripts, by name. */
export const scripts = { hit, createSession, touchSession, deleteSession, findSessions, recordActivity };
