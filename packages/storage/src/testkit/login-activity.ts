import { describe, expect, it } from 'vitest';
import {
  loginActivityLimits as L,
  type LoginActivityEntry,
  type LoginActivityStore,
  type LoginFailureEntry,
  type LoginSuccessEntry,
} from '../login-activity.ts';
import type { SsoStorage } from '../types.ts';
import type { RawReader } from './raw.ts';

type Ctx = () => { storage: SsoStorage; raw: Partial<RawReader> };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DAY = 24 * 60 * 60 * 1000;

/** A refused login at `c-1`, numbered by its message. */
function failure(i: number, overrides: Partial<LoginFailureEntry> = {}): LoginFailureEntry {
  return {
    connectionId: 'c-1',
    at: new Date(Date.now() - 1000 + i),
    outcome: 'failed',
    step: 'response',
    code: 'idp_error',
    reason: 'state',
    message: `failure ${i}`,
    fix: 'Read the identity provider’s message.',
    ...overrides,
  };
}

function success(groups: string[], overrides: Partial<LoginSuccessEntry> = {}): LoginSuccessEntry {
  return { connectionId: 'c-1', at: new Date(), outcome: 'succeeded', unmatchedGroups: groups, ...overrides };
}

const messages = (entries: LoginActivityEntry[]) =>
  entries.map((e) => (e.outcome === 'failed' ? e.message : e.unmatchedGroups.join(',')));

/**
 * Login activity: per connection and outcome, most recent first, bounded by count and age, every
 * string bounded, connections apart.
 */
export function loginActivitySuite(ctx: Ctx, n: number): void {
  describe('login activity', () => {
    const store = (): { activity: LoginActivityStore; raw: Partial<RawReader> } => {
      const { storage, raw } = ctx();
      if (!storage.loginActivity) throw new Error('the store has no loginActivity');
      return { activity: storage.loginActivity, raw };
    };
    const failures = (activity: LoginActivityStore, connectionId = 'c-1', limit = L.maxEntriesCeiling) =>
      activity.list(connectionId, { outcome: 'failed', limit });

    it('records failures and successes apart and lists each most recent first, whole and as copies', async () => {
      const { activity } = store();
      const first = failure(1);
      const { reason: _r, fix: _f, ...plain } = failure(2, { step: 'mapping', code: 'email_not_verified' });
      const succeeded = success(['contractors', 'Everyone']);
      const withGroups = success([], { groups: ['org-1-model-owner', 'contractors', 'Everyone'] });
      await activity.record(first);
      await activity.record(succeeded);
      await activity.record(plain);
      await activity.record(withGroups);
      const listed = await failures(activity);
      expect(listed).toEqual([plain, first]);
      expect(await activity.list('c-1', { outcome: 'succeeded' })).toEqual([withGroups, succeeded]);
      expect(messages(await activity.list('c-1', { outcome: 'failed', limit: 1 }))).toEqual(['failure 2']);
      (listed[0] as LoginFailureEntry).message = 'tampered';
      expect(messages(await failures(activity))).toEqual(['failure 2', 'failure 1']);
      expect(await failures(activity, 'never-recorded')).toEqual([]);
    });

    it('keeps only the newest entries of each connection and outcome', async () => {
      const { activity, raw } = store();
      await activity.record(success(['kept']));
      for (let i = 1; i <= 8; i++) await activity.record(failure(i), { maxEntries: 5 });
      expect(messages(await failures(activity))).toEqual([8, 7, 6, 5, 4].map((i) => `failure ${i}`));
      expect(messages(await activity.list('c-1', { outcome: 'succeeded' }))).toEqual(['kept']);
      if (raw.activityCount) expect(await raw.activityCount('c-1')).toBe(6);
    });

    it(`keeps ${L.maxEntries} entries of a connection and outcome by default`, async () => {
      const { activity, raw } = store();
      for (let i = 1; i <= L.maxEntries + 5; i++) await activity.record(failure(i));
      const listed = await failures(activity);
      expect(listed).toHaveLength(L.maxEntries);
      expect(messages(listed)[0]).toBe(`failure ${L.maxEntries + 5}`);
      expect(messages(listed).at(-1)).toBe('failure 6');
      expect(await activity.list('c-1', { outcome: 'failed' })).toHaveLength(L.maxEntries);
      if (raw.activityCount) expect(await raw.activityCount('c-1')).toBe(L.maxEntries);
    });

    it('keeps each connection apart: a flood at one never pushes out another', async () => {
      const { activity, raw } = store();
      await activity.record(failure(1));
      await activity.record(success(['g'], { connectionId: 'c-3' }));
      for (let i = 1; i <= 6; i++)
        await activity.record(failure(100 + i, { connectionId: 'c-2' }), { maxEntries: 3 });
      expect(messages(await failures(activity))).toEqual(['failure 1']);
      expect(messages(await failures(activity, 'c-2'))).toEqual([
        'failure 106',
        'failure 105',
        'failure 104',
      ]);
      expect(await failures(activity, 'c-3')).toEqual([]);
      expect(await activity.list('c-3', { outcome: 'succeeded' })).toHaveLength(1);
      if (raw.activityCount) expect(await raw.activityCount('c-2')).toBe(3);
    });

    it('bounds every string and the number of groups, and keeps no field it does not know', async () => {
      const { activity } = store();
      await activity.record({
        ...failure(1),
        code: 'c'.repeat(1000),
        reason: 'r'.repeat(1000),
        message: `line one\nline\u0000two ${'m'.repeat(10_000)}`,
        fix: 'f'.repeat(10_000),
        idToken: 'eyJhbGciOiJSUzI1NiJ9.secret.signature',
      } as LoginFailureEntry);
      const many = Array.from({ length: 500 }, (_, i) => `${i}-${'g'.repeat(5000)}`);
      await activity.record({ ...success(many), groups: many } as LoginSuccessEntry);
      const [failed] = (await failures(activity)) as LoginFailureEntry[];
      expect(failed?.code.length).toBeLessThanOrEqual(L.code);
      expect(failed?.reason?.length).toBeLessThanOrEqual(L.reason);
      expect(failed?.message.length).toBeLessThanOrEqual(L.message);
      expect(failed?.message.startsWith('line one line two ')).toBe(true);
      expect(failed?.fix?.length).toBeLessThanOrEqual(L.fix);
      expect(JSON.stringify(failed)).not.toContain('eyJ');
      const [succeeded] = (await activity.list('c-1', { outcome: 'succeeded' })) as LoginSuccessEntry[];
      expect(succeeded?.unmatchedGroups).toHaveLength(L.groups);
      expect(succeeded?.unmatchedGroups[1]?.startsWith('1-ggg')).toBe(true);
      for (const group of succeeded?.unmatchedGroups ?? []) expect(group.length).toBeLessThanOrEqual(L.group);
      expect(succeeded?.groups).toHaveLength(L.seenGroups);
      for (const group of succeeded?.groups ?? []) expect(group.length).toBeLessThanOrEqual(L.group);
    });

    it('forgets entries past their age limit: 30 days by default', async () => {
      const { activity, raw } = store();
      await activity.record(failure(1, { at: new Date(Date.now() - 31 * DAY) }));
      if (raw.activityCount) expect(await raw.activityCount('c-1')).toBe(0);
      await activity.record(failure(2, { at: new Date(Date.now() - 29 * DAY) }));
      await activity.record(failure(3, { at: new Date() }), { maxAgeMs: 150 });
      expect(messages(await failures(activity))).toEqual(['failure 3', 'failure 2']);
      await sleep(300);
      expect(messages(await failures(activity))).toEqual(['failure 2']);
    });

    it('refuses malformed entries, retentions and queries with a coded TypeError, and records nothing', async () => {
      const { activity } = store();
      const bad: unknown[] = [
        { ...failure(1), connectionId: '' },
        { ...failure(1), connectionId: 'c'.repeat(L.connectionId + 1) },
        { ...failure(1), at: new Date(Number.NaN) },
        { ...failure(1), outcome: 'maybe' },
        { ...failure(1), step: 'elsewhere' },
        { ...failure(1), code: '' },
        { ...failure(1), message: undefined },
        { ...success([]), unmatchedGroups: 'admins' },
        { ...success([]), groups: 'admins' },
      ];
      for (const entry of bad)
        await expect(activity.record(entry as LoginActivityEntry)).rejects.toMatchObject({
          code: 'ERR_INVALID_ARG_VALUE',
        });
      for (const retention of [{ maxEntries: 0 }, { maxEntries: 1.5 }, { maxEntries: 1001 }, { maxAgeMs: 0 }])
        await expect(activity.record(failure(1), retention)).rejects.toMatchObject({
          code: 'ERR_INVALID_ARG_VALUE',
        });
      for (const options of [
        { outcome: 'all' },
        { outcome: 'failed', limit: 0 },
        { outcome: 'failed', limit: 1001 },
      ])
        await expect(activity.list('c-1', options as never)).rejects.toMatchObject({
          code: 'ERR_INVALID_ARG_VALUE',
        });
      expect(await failures(activity)).toEqual([]);
    });

    it(`holds the bound through ${n} concurrent records`, async () => {
      const { activity, raw } = store();
      const results = await Promise.allSettled(
        Array.from({ length: n }, (_, i) => activity.record(failure(i), { maxEntries: 3 })),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      await activity.record(failure(1000), { maxEntries: 3 });
      const listed = await failures(activity);
      expect(listed).toHaveLength(3);
      expect(messages(listed)[0]).toBe('failure 1000');
      if (raw.activityCount) expect(await raw.activityCount('c-1')).toBe(3);
    });
  });
}
