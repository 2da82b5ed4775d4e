import { isSsoError, SsoError } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import { isRetryable, toStorageError, uniqueViolation, unreachableCode } from './errors.ts';

describe('driver error mapping', () => {
  it('recognises an unreachable database in each driver’s words, and in causes', () => {
    const samples: unknown[] = [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], 'all failed'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('Connection lost: The server closed the connection.'), {
        code: 'PROTOCOL_CONNECTION_LOST',
        fatal: true,
      }),
      Object.assign(new Error('unable to open database file'), { errcode: 14 }),
      new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ETIMEDOUT' }) }),
    ];
    for (const sample of samples) {
      expect(unreachableCode(sample), String(sample)).toBeDefined();
      expect(isSsoError(toStorageError(sample), 'storage_unavailable')).toBe(true);
    }
  });

  it('never puts the driver message (which may hold a connection string) in the SsoError message', () => {
    const error = toStorageError(
      Object.assign(new Error('connect to postgres://app:hunter2@db:5432 failed'), { code: 'ECONNREFUSED' }),
    );
    expect(error.message).not.toContain('hunter2');
    expect((error as SsoError).cause).toBeInstanceOf(Error);
  });

  it('names the violated unique key of pg, mysql2 and node:sqlite', () => {
    expect(
      uniqueViolation({ code: '23505', constraint: 'ssokit_users_email_owner_uq', message: 'dup' }),
    ).toContain('email_owner');
    expect(
      uniqueViolation({ errno: 1062, message: "Duplicate entry 'a' for key 'x_name_folded_uq'" }),
    ).toContain('name_folded');
    expect(uniqueViolation({ errcode: 2067, message: 'UNIQUE constraint failed: x.key_hash' })).toContain(
      'key_hash',
    );
    expect(uniqueViolation(new Error('syntax error'))).toBeUndefined();
  });

  it('passes SsoErrors and coded TypeErrors through; anything else is storage_failure', () => {
    const sso = new SsoError('storage_conflict', 'x');
    expect(toStorageError(sso)).toBe(sso);
    const typeError = Object.assign(new TypeError('bad'), { code: 'ERR_INVALID_ARG_VALUE' });
    expect(toStorageError(typeError)).toBe(typeError);
    expect(
      isSsoError(toStorageError(Object.assign(new Error('syntax'), { code: '42601' })), 'storage_failure'),
    ).toBe(true);
    expect(isRetryable({ code: '40P01' })).toBe(true);
    expect(isRetryable({ errno: 1213 })).toBe(true);
    expect(isRetryable({ code: '23505' })).toBe(false);
  });
});
