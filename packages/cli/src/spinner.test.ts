import { describe, expect, it } from 'vitest';
import { palette } from './output.ts';
import { createProgress } from './spinner.ts';

const collect = () => {
  let text = '';
  return { stream: { write: (s: string) => (text += s), isTTY: true }, text: () => text };
};

describe('createProgress', () => {
  it('spinner: draws a frame with the label, and erases its line when the step ends, failed or not', async () => {
    const out = collect();
    const progress = createProgress(out.stream, palette(false), 'spinner');
    expect(await progress('Checking the identity provider', async () => 42)).toBe(42);
    expect(out.text().startsWith('\r\u001b[2K⠋ Checking the identity provider')).toBe(true);
    expect(out.text().endsWith('\r\u001b[2K')).toBe(true);
    await expect(progress('Failing', async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(out.text().endsWith('\r\u001b[2K')).toBe(true);
  });

  it('lines: one plain line a step; silent: nothing', async () => {
    const lines = collect();
    await createProgress(lines.stream, palette(false), 'lines')('Migrating', async () => undefined);
    expect(lines.text()).toBe('… Migrating\n');
    const silent = collect();
    await createProgress(silent.stream, palette(false), 'silent')('Migrating', async () => undefined);
    expect(silent.text()).toBe('');
  });
});
