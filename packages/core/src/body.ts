/**
 * The one reader of request bodies: every route that reads a body, whatever the entry (`sso.handle`
 * directly, a Node adapter, the OIDC callback step), reads it here, as a stream, and stops at the
 * limit without reading the rest. Web streams and Node streams alike (both are async iterables of
 * bytes). No Buffer, no I/O of its own: it reads what it is handed.
 *
 * @module
 */
import { SsoError } from './errors.ts';

/** A body: a Web `ReadableStream`, a Node `Readable`, or any async iterable of byte chunks. */
export type BodySource = AsyncIterable<Uint8Array | string> | ReadableStream<Uint8Array>;

/**
 * Reads a body into one byte array, at most `limit` bytes. Past the limit it stops reading, cancels
 * the stream and throws `payload_too_large` naming the limit (and `what`, e.g. "The ACS body"). A
 * `declaredLength` (the `Content-Length` header) already past the limit is refused before any read;
 * a smaller one is not trusted, the count is.
 *
 * @example
 * ```ts
 * import { readBodyWithLimit } from '@ssokit/core';
 *
 * const bytes = await readBodyWithLimit(request.body, 64 * 1024, 'The callback body');
 * const form = new URLSearchParams(new TextDecoder().decode(bytes));
 * ```
 */
export async function readBodyWithLimit(
  source: BodySource | null | undefined,
  limit: number,
  what = 'The request body',
  declaredLength?: string | number | null,
): Promise<Uint8Array> {
  const tooLarge = () =>
    new SsoError('payload_too_large', `${what} is larger than ${describeBytes(limit)}.`, {
      details: { limit },
    });
  if (declaredLength !== undefined && declaredLength !== null && Number(declaredLength) > limit) {
    await cancel(source);
    throw tooLarge();
  }
  if (!source) return new Uint8Array(0);
  const iterable: AsyncIterable<Uint8Array | string> =
    Symbol.asyncIterator in source ? source : streamChunks(source as ReadableStream<Uint8Array>);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const iterator = iterable[Symbol.asyncIterator]();
  for (;;) {
    const { done, value } = await iterator.next();
    if (done) break;
    const chunk = typeof value === 'string' ? new TextEncoder().encode(value) : value;
    size += chunk.byteLength;
    if (size > limit) {
      // Stop the producer: a Web stream is cancelled, a Node stream destroyed, by return().
      await iterator.return?.();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/**
 * Reads a body as UTF-8 text, at most `limit` bytes; see {@link readBodyWithLimit}.
 *
 * @example
 * ```ts
 * import { readTextWithLimit } from '@ssokit/core';
 *
 * // A SAML POST binding: refused before parsing when longer than 256 KiB.
 * const text = await readTextWithLimit(request.body, 256 * 1024, 'The ACS body', request.headers.get('content-length'));
 * const samlResponse = new URLSearchParams(text).get('SAMLResponse');
 * ```
 */
export async function readTextWithLimit(
  source: BodySource | null | undefined,
  limit: number,
  what?: string,
  declaredLength?: string | number | null,
): Promise<string> {
  return new TextDecoder().decode(await readBodyWithLimit(source, limit, what, declaredLength));
}

/** Stops a producer that will not be read: a Web stream is cancelled, a Node stream destroyed. */
async function cancel(source: BodySource | null | undefined): Promise<void> {
  if (!source) return;
  if ('cancel' in source && typeof source.cancel === 'function') await source.cancel().catch(() => undefined);
  else if ('destroy' in source && typeof (source as { destroy?: unknown }).destroy === 'function')
    (source as { destroy(): void }).destroy();
}

async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function describeBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
