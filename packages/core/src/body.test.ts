import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBodyWithLimit, readTextWithLimit } from './body.ts';

/** A Web stream that yields `count` chunks of `size` bytes, counting how many were pulled. */
function countingStream(count: number, size: number) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled === count) return controller.close();
      state.pulled++;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

describe('readBodyWithLimit', () => {
  it('reads Web and Node streams, strings and bytes alike', async () => {
    expect(
      await readTextWithLimit(new Request('http://x/', { method: 'POST', body: 'a=1&b=2' }).body, 100),
    ).toBe('a=1&b=2');
    expect(await readTextWithLimit(Readable.from(['é', Buffer.from('x')]), 100)).toBe('éx');
    expect((await readBodyWithLimit(null, 10)).byteLength).toBe(0);
    expect(await readTextWithLimit(countingStream(3, 4).stream, 12)).toBe('a'.repeat(12));
  });

  it('stops at the limit, cancels the stream, and says which limit', async () => {
    const { stream, state } = countingStream(1_000_000, 1024);
    await expect(readBodyWithLimit(stream, 64 * 1024, 'The callback body')).rejects.toMatchObject({
      code: 'payload_too_large',
      message: 'The callback body is larger than 64 KiB.',
    });
    // 65 chunks read (the 65th crosses the limit), not a million.
    expect(state.pulled).toBeLessThan(70);
    expect(state.cancelled).toBe(true);
  });

  it('destroys a Node stream past the limit', async () => {
    let produced = 0;
    const node = new Readable({
      read() {
        produced++;
        this.push(Buffer.alloc(1000));
      },
    });
    await expect(readBodyWithLimit(node, 10_000)).rejects.toMatchObject({ code: 'payload_too_large' });
    expect(node.destroyed).toBe(true);
    expect(produced).toBeLessThan(30);
  });

  it('counts bytes, not characters', async () => {
    await expect(readTextWithLimit(Readable.from(['€€€€']), 11)).rejects.toMatchObject({
      code: 'payload_too_large',
      message: 'The request body is larger than 11 bytes.',
    });
    expect(await readTextWithLimit(Readable.from(['€€€€']), 12)).toBe('€€€€');
  });
});

describe('a declared Content-Length', () => {
  it('past the limit is refused before any read; a smaller one is not trusted', async () => {
    const { stream, state } = countingStream(100, 1024);
    await expect(readBodyWithLimit(stream, 4096, 'The metadata', '1000000')).rejects.toMatchObject({
      code: 'payload_too_large',
    });
    expect(state.pulled).toBe(0);
    expect(state.cancelled).toBe(true);
    const lying = countingStream(100, 1024);
    await expect(readBodyWithLimit(lying.stream, 4096, 'The metadata', 10)).rejects.toMatchObject({
      code: 'payload_too_large',
    });
  });
});
