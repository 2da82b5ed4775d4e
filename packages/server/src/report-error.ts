/**
 * The one way a failure reaches the host: `SsoOptions.onError`, in full, whoever answered it
 * (`sso.handle`, or a Node adapter for what happened before or around it: a body over its limit, a
 * bearer token whose keys could not be fetched). Without the hook, a failure that is not an
 * `SsoError` (a 500) is written to `console.error`, so it is never silent.
 *
 * @module
 */
import { isSsoError } from '@ssokit/core';
import type { SsoContext } from './context.ts';
import { callHook } from './hooks.ts';

/** Where an `Sso` keeps its reporter for the Node adapters (a registered symbol: every build shares it). */
export const REPORT_ERROR = Symbol.for('ssokit.reportError');

/** A reporter as the adapters call it. */
export type ErrorReporter = (error: unknown, request: Request, status: number) => void;

/** Hands a failure to `onError`; see the module. */
export function reportError(ctx: SsoContext, error: unknown, request: Request, status: number): void {
  const { onError } = ctx.options;
  if (onError) callHook(onError, error, { request, status });
  else if (!isSsoError(error)) {
    console.error(
      '[ssokit] unexpected failure answering',
      request.method,
      new URL(request.url).pathname,
      error,
    );
  }
}
