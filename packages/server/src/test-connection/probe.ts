/**
 * Probes of Test Provider: whether an IdP endpoint answers this server (status and clock), and what
 * the clock difference means.
 *
 * @module
 */
import { checkIdpUrl, customFetch } from '@ssokit/core';
import type { SsoContext } from '../context.ts';
import type { Add } from './report.ts';

/** A `clock` finding for the IdP's clock skew, in seconds (none when unknown). */
export function clockFinding(skewSec: number | undefined, toleranceSec: number, add: Add): void {
  if (skewSec === undefined) return;
  const off = Math.abs(skewSec);
  const side = skewSec > 0 ? 'ahead of' : 'behind';
  if (off > 300)
    add(
      'clock',
      'error',
      `The IdP's clock is ${off} s ${side} this server's.`,
      'Synchronise this server with NTP.',
    );
  else if (off > toleranceSec)
    add(
      'clock',
      'warning',
      `The IdP's clock is ${off} s ${side} this server's, more than the ${toleranceSec} s tolerated.`,
      'Synchronise this server with NTP, or raise the clock tolerance.',
    );
  else add('clock', 'ok', `This server's clock agrees with the IdP's (within ${Math.max(off, 1)} s).`);
}

/** A request that only tells whether something answers: status and Date header, or why it failed. */
export async function probeUrl(
  target: string,
  init: RequestInit,
  ctx: SsoContext,
): Promise<{ status?: number; date?: number; error?: string }> {
  // The same rule as every IdP URL (core's checkIdpUrl).
  const check = checkIdpUrl(target);
  if (!check.ok)
    return {
      error:
        check.problem === 'insecure_http'
          ? 'not probed: only https URLs (or http on localhost) are'
          : 'not a URL',
    };
  try {
    const response = await (ctx.http[customFetch] ?? fetch)(target, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    const date = Date.parse(response.headers.get('date') ?? '');
    return { status: response.status, ...(Number.isNaN(date) ? {} : { date }) };
  } catch {
    // One answer for every target not reached (refused, timed out, unknown name, a private address
    // this server does not call): Test Provider must not tell an admin which ports are open inside.
    return { error: 'it could not be reached from this server' };
  }
}
