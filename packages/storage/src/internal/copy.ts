/**
 * A deep copy of a stored record (plain objects, arrays, `Date`s and JSON values), several times
 * faster than `structuredClone` for the small objects stores hand out on every read. Own enumerable
 * keys only; a `__proto__` key (JSON can carry one) stays an own property and never sets a prototype.
 */
export function copy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map(copy) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = copy((value as Record<string, unknown>)[key]);
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    else out[key] = item;
  }
  return out as T;
}
