import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it('reads ISO 8601 durations', () => {
    expect(parseDuration('PT5H')).toBe(5 * 3600_000);
    expect(parseDuration('P1DT30M')).toBe(86_400_000 + 1_800_000);
    expect(parseDuration('PT1.5S')).toBe(1500);
    expect(parseDuration('5 hours')).toBeUndefined();
    expect(parseDuration('P')).toBeUndefined();
  });
});
