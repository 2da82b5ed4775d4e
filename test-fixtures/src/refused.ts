/**
 * `expectRefusal`: the one assertion that a step refused its input with a given `SsoError` code (and
 * reason), shared by the protocol packages' security tests.
 */
import { SsoError } from '@ssokit/core';
import { expect } from 'vitest';

/**
 * Awaits `promise`, expects it to fail with an SsoError (of `code`, and `details.reason`, when given),
 * and returns the error for further checks.
 */
export async function expectRefusal(
  promise: Promise<unknown>,
  code?: string,
  reason?: string,
): Promise<SsoError> {
  const outcome = await promise.then(
    (value: unknown) => value,
    (error: unknown) => error,
  );
  expect(
    outcome,
    `expected a refusal with ${code ?? 'an SsoError'}, got ${JSON.stringify(outcome)?.slice(0, 200)}`,
  ).toBeInstanceOf(SsoError);
  if (code !== undefined) expect((outcome as SsoError).code).toBe(code);
  if (reason !== undefined) expect((outcome as SsoError).details?.reason).toBe(reason);
  return outcome as SsoError;
}
