/**
 * "Did you mean": the closest known word to a mistyped key, command or flag, by edit distance. The one
 * rule for every suggestion ssokit makes (configuration keys, environment values, the CLI).
 *
 * @module
 */

/** Levenshtein distance with adjacent transpositions counted as one edit (`doctro` → `doctor`: 1). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const above = d[i - 1] as number[];
      let best = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, ((d[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = best;
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/**
 * The known word closest to `input`, when it is close enough to be a typo: at most a third of the
 * word's length in edits (at least one, at most three), or `input` is a prefix of exactly one word.
 * Case is ignored. `undefined` when nothing is close.
 *
 * @example
 * ```ts
 * didYouMean('doctr', ['doctor', 'decode']); // 'doctor'
 * didYouMean('--jsno', ['--json', '--config']); // '--json'
 * ```
 */
export function didYouMean(input: string, known: readonly string[]): string | undefined {
  const wanted = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const word of known) {
    const distance = editDistance(wanted, word.toLowerCase());
    if (distance < bestDistance) {
      best = word;
      bestDistance = distance;
    }
  }
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
  if (best !== undefined && bestDistance <= limit) return best;
  const prefixed = known.filter((word) => word.toLowerCase().startsWith(wanted));
  return wanted.length >= 2 && prefixed.length === 1 ? prefixed[0] : undefined;
}
