/**
 * How the server calls a host's logging hook (`onError`, `onWarning`): whatever the hook does, throws
 * or returns a promise that rejects, the request it was told about is answered as if it were not there,
 * and no rejection is left unhandled (which would end a Node process).
 *
 * @module
 */

/** Calls `hook` with `args`, ignoring what it throws or rejects with. */
export function callHook<A extends unknown[]>(hook: ((...args: A) => unknown) | undefined, ...args: A): void {
  if (!hook) return;
  try {
    const result = hook(...args);
    if (result !== null && typeof (result as PromiseLike<unknown> | undefined)?.then === 'function')
      Promise.resolve(result).catch(() => {});
  } catch {
    // a failing log hook must not turn the answer into a crash
  }
}
