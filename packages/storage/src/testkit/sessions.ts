import { isSsoError } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import type { SessionRecord, SsoStorage } from '../types.ts';
import type { RawReader } from './raw.ts';

type Ctx = () => { storage: SsoStorage; raw: RawReader };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let serial = 0;

/** A session for the suite: one hour absolute, one hour idle, unless overridden. */
export function sampleSession(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const at = Date.now();
  serial += 1;
  return {
    id: `s-${serial}-${Math.random().toString(36).slice(2)}`,
    userId: 'u-1',
    connectionId: 'c-1',
    subject: 'sub-1',
    idpSessionId: 'sid-1',
    data: { roles: ['admin'], groups: ['Engineering', 'Ops'], idToken: 'eyJ.x.y', nested: { a: [1, null] } },
    createdAt: new Date(at),
    expiresAt: new Date(at + 3_600_000),
    idleExpiresAt: new Date(at + 3_600_000),
    ...overrides,
  };
}

/** Server-side sessions: storage, expiry (absolute and idle), revocation by every filter. */
export function sessionSuite(ctx: Ctx, n: number): void {
  describe('sessions', () => {
    const store = () => {
      const { storage, raw } = ctx();
      if (!storage.sessions) throw new Error('the store has no sessions');
      return { sessions: storage.sessions, raw };
    };

    it('stores a session and reads it back as a copy, every field intact', async () => {
      const { sessions, raw } = store();
      const session = sampleSession();
      await sessions.create(session);
      expect(await raw.hasSession?.(session.id)).not.toBe(false);
      const read = await sessions.get(session.id);
      expect(read).toEqual(session);
      ((read as SessionRecord).data as { roles: string[] }).roles.push('tampered');
      expect((await sessions.get(session.id))?.data).toEqual(session.data);
      expect(await sessions.get('never-created')).toBeNull();
    });

    it('keeps a session without an IdP session id', async () => {
      const { sessions } = store();
      const { idpSessionId: _omitted, ...rest } = sampleSession();
      await sessions.create(rest);
      expect(await sessions.get(rest.id)).toEqual(rest);
    });

    it('refuses a second session with the same id (storage_conflict) and keeps the first', async () => {
      const { sessions } = store();
      const first = sampleSession();
      await sessions.create(first);
      const error = await sessions.create({ ...first, userId: 'someone-else' }).catch((e: unknown) => e);
      expect(isSsoError(error, 'storage_conflict')).toBe(true);
      expect((await sessions.get(first.id))?.userId).toBe('u-1');
    });

    it('ends a session at its absolute expiry and at its idle expiry', async () => {
      const { sessions } = store();
      const at = Date.now();
      const absolute = sampleSession({ expiresAt: new Date(at + 150) });
      const idle = sampleSession({ idleExpiresAt: new Date(at + 150) });
      const alive = sampleSession();
      for (const s of [absolute, idle, alive]) await sessions.create(s);
      await sleep(300);
      expect(await sessions.get(absolute.id)).toBeNull();
      expect(await sessions.get(idle.id)).toBeNull();
      expect(await sessions.get(alive.id)).not.toBeNull();
      expect((await sessions.list({ userId: 'u-1' })).map((s) => s.id)).toEqual([alive.id]);
      expect(await sessions.delete(absolute.id)).toBe(false);
    });

    it('moves the idle expiry on touch, never past the absolute expiry, and never revives a session', async () => {
      const { sessions } = store();
      const at = Date.now();
      const session = sampleSession({ idleExpiresAt: new Date(at + 250), expiresAt: new Date(at + 60_000) });
      await sessions.create(session);
      expect(await sessions.touch(session.id, new Date(at + 10 * 60_000))).toBe(true);
      expect((await sessions.get(session.id))?.idleExpiresAt.getTime()).toBe(at + 60_000);
      await sleep(350);
      expect(await sessions.get(session.id)).not.toBeNull();

      const dying = sampleSession({ idleExpiresAt: new Date(Date.now() + 100) });
      await sessions.create(dying);
      await sleep(250);
      expect(await sessions.touch(dying.id, new Date(Date.now() + 60_000))).toBe(false);
      expect(await sessions.get(dying.id)).toBeNull();
      expect(await sessions.touch('never-created', new Date(Date.now() + 60_000))).toBe(false);
    });

    it('deletes one session, from the backing store too', async () => {
      const { sessions, raw } = store();
      const a = sampleSession();
      const b = sampleSession();
      await sessions.create(a);
      await sessions.create(b);
      expect(await sessions.delete(a.id)).toBe(true);
      expect(await sessions.delete(a.id)).toBe(false);
      expect(await sessions.get(a.id)).toBeNull();
      if (raw.hasSession) expect(await raw.hasSession(a.id)).toBe(false);
      expect(await sessions.get(b.id)).not.toBeNull();
    });

    it("revokes a user's sessions at every connection, and no one else's", async () => {
      const { sessions, raw } = store();
      const mine = [sampleSession({ connectionId: 'c-1' }), sampleSession({ connectionId: 'c-2' })];
      const theirs = sampleSession({ userId: 'u-2' });
      for (const s of [...mine, theirs]) await sessions.create(s);
      expect(await sessions.revoke({ userId: 'u-1' })).toBe(2);
      for (const s of mine) {
        expect(await sessions.get(s.id)).toBeNull();
        if (raw.hasSession) expect(await raw.hasSession(s.id)).toBe(false);
      }
      expect(await sessions.get(theirs.id)).not.toBeNull();
      expect(await sessions.revoke({ userId: 'u-1' })).toBe(0);
    });

    it("revokes a connection's sessions, and no other connection's", async () => {
      const { sessions } = store();
      const here = [sampleSession({ userId: 'u-1' }), sampleSession({ userId: 'u-2' })];
      const there = sampleSession({ connectionId: 'c-2' });
      for (const s of [...here, there]) await sessions.create(s);
      expect(await sessions.revoke({ connectionId: 'c-1' })).toBe(2);
      expect(await sessions.get(there.id)).not.toBeNull();
    });

    it('revokes by subject at one connection only: the same subject at another IdP is another person', async () => {
      const { sessions } = store();
      const target = [sampleSession({ idpSessionId: 'sid-a' }), sampleSession({ idpSessionId: 'sid-b' })];
      const otherIdp = sampleSession({ connectionId: 'c-2' });
      const otherSubject = sampleSession({ subject: 'sub-2', userId: 'u-2' });
      for (const s of [...target, otherIdp, otherSubject]) await sessions.create(s);
      expect(await sessions.revoke({ connectionId: 'c-1', subject: 'sub-1' })).toBe(2);
      expect(await sessions.get(otherIdp.id)).not.toBeNull();
      expect(await sessions.get(otherSubject.id)).not.toBeNull();
    });

    it('revokes by IdP session id, and by subject and IdP session id together', async () => {
      const { sessions } = store();
      const a = sampleSession({ idpSessionId: 'sid-a' });
      const b = sampleSession({ idpSessionId: 'sid-b' });
      const bOtherSubject = sampleSession({ idpSessionId: 'sid-b', subject: 'sub-2' });
      const aOtherIdp = sampleSession({ idpSessionId: 'sid-a', connectionId: 'c-2' });
      for (const s of [a, b, bOtherSubject, aOtherIdp]) await sessions.create(s);
      expect(await sessions.revoke({ connectionId: 'c-1', idpSessionId: 'sid-a' })).toBe(1);
      expect(await sessions.get(a.id)).toBeNull();
      expect(await sessions.get(aOtherIdp.id)).not.toBeNull();
      expect(await sessions.revoke({ connectionId: 'c-1', subject: 'sub-1', idpSessionId: 'sid-b' })).toBe(1);
      expect(await sessions.get(b.id)).toBeNull();
      expect(await sessions.get(bOtherSubject.id)).not.toBeNull();
    });

    it('lists the sessions a filter matches, oldest first', async () => {
      const { sessions } = store();
      const at = Date.now();
      const older = sampleSession({ createdAt: new Date(at - 5000) });
      const newer = sampleSession({ createdAt: new Date(at - 1000) });
      const other = sampleSession({ userId: 'u-2', connectionId: 'c-2' });
      for (const s of [newer, older, other]) await sessions.create(s);
      expect((await sessions.list({ userId: 'u-1' })).map((s) => s.id)).toEqual([older.id, newer.id]);
      expect((await sessions.list({ connectionId: 'c-2' })).map((s) => s.id)).toEqual([other.id]);
      expect(await sessions.list({ connectionId: 'c-1', subject: 'nobody' })).toEqual([]);
    });

    it('refuses a filter that names neither a user nor a connection, and ends nothing', async () => {
      const { sessions } = store();
      const session = sampleSession();
      await sessions.create(session);
      const bad = [{}, { subject: 'sub-1' }, { idpSessionId: 'sid-1' }, { userId: '' }, { connectionId: 7 }];
      for (const filter of bad) {
        await expect(sessions.revoke(filter as never)).rejects.toMatchObject({
          code: 'ERR_INVALID_ARG_VALUE',
        });
        await expect(sessions.list(filter as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
      }
      expect(await sessions.get(session.id)).not.toBeNull();
    });

    it(`keeps ${n} sessions created concurrently, and ends all of them with one concurrent revocation`, async () => {
      const { sessions } = store();
      const many = Array.from({ length: n }, () => sampleSession());
      await Promise.all(many.map((s) => sessions.create(s)));
      expect(await sessions.list({ userId: 'u-1' })).toHaveLength(n);
      const counts = await Promise.all([
        sessions.revoke({ userId: 'u-1' }),
        sessions.revoke({ connectionId: 'c-1' }),
      ]);
      expect(counts[0] + counts[1]).toBeGreaterThanOrEqual(n);
      expect(await sessions.list({ userId: 'u-1' })).toEqual([]);
    });
  });
}

/** Fixed-window counters: atomic under concurrency, independent per key, reset after the window. */
export function counterSuite(ctx: () => { storage: SsoStorage }, n: number): void {
  describe('counters', () => {
    const counters = () => {
      const { storage } = ctx();
      if (!storage.counters) throw new Error('the store has no counters');
      return storage.counters;
    };

    it('counts hits per key', async () => {
      const c = counters();
      expect(await c.hit('login:1.2.3.4', 60_000)).toBe(1);
      expect(await c.hit('login:1.2.3.4', 60_000)).toBe(2);
      expect(await c.hit('login:5.6.7.8', 60_000)).toBe(1);
      expect(await c.hit('login:1.2.3.4', 60_000)).toBe(3);
    });

    it(`counts each of ${n} concurrent hits once`, async () => {
      const c = counters();
      const results = await Promise.all(Array.from({ length: n }, () => c.hit('race', 60_000)));
      expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    });

    it('starts a new window after the last one ends', async () => {
      const c = counters();
      expect(await c.hit('short', 150)).toBe(1);
      expect(await c.hit('short', 150)).toBe(2);
      await sleep(300);
      expect(await c.hit('short', 150)).toBe(1);
    });

    it('refuses a window that is not a positive number of milliseconds', async () => {
      const c = counters();
      for (const window of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(c.hit('bad', window)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
      }
    });
  });
}
