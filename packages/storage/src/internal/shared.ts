import { SsoError } from '@ssokit/core';

/** Throws a coded `TypeError` unless `ttlMs` is a positive, finite number of milliseconds. */
export function assertTtl(ttlMs: number): void {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw Object.assign(
      new TypeError(`"ttlMs" must be a positive number of milliseconds. Received ${String(ttlMs)}.`),
      {
        code: 'ERR_INVALID_ARG_VALUE',
      },
    );
  }
}

/** The next `updatedAt`: now, or one millisecond after the previous one, whichever is later. */
export function nextUpdatedAt(previous: Date, now: number): Date {
  return new Date(Math.max(now, previous.getTime() + 1));
}

/** Whether two instants are equal to the millisecond. */
export function sameInstant(a: Date, b: Date): boolean {
  return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
}

export function notFound(id: string): SsoError {
  return new SsoError('connection_not_found', `No connection has the id "${id}".`, { details: { id } });
}
