/** ISO 8601 durations, as metadata's `cacheDuration` carries them (xs:duration). */

/**
 * An ISO 8601 duration (`PT5H`, `P1D`, `PT300S`) in ms, counting a year as 365 days and a month as 30;
 * `undefined` when the text is not one.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
    trimmed,
  );
  if (!m || trimmed === 'P' || trimmed.endsWith('T')) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v))) as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return ((((y * 365 + mo * 30 + d) * 24 + h) * 60 + mi) * 60 + s) * 1000;
}
