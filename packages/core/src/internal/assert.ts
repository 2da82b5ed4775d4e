/** Node-style codes of the `TypeError`s thrown for host programming mistakes. */
export type ArgumentErrorCode = 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE';

/** A `TypeError` carrying a Node-style `code`, for mistakes in the host's own code. */
export function codedTypeError(
  message: string,
  code: ArgumentErrorCode,
): TypeError & { code: ArgumentErrorCode } {
  const err = new TypeError(message) as TypeError & { code: ArgumentErrorCode };
  err.code = code;
  return err;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`;
  return `type ${typeof value}`;
}

export function assertObject(value: unknown, path: string): asserts value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw codedTypeError(`"${path}" must be an object. Received ${describe(value)}.`, 'ERR_INVALID_ARG_TYPE');
  }
}

export function assertString(value: unknown, path: string): asserts value is string {
  if (typeof value !== 'string') {
    throw codedTypeError(`"${path}" must be a string. Received ${describe(value)}.`, 'ERR_INVALID_ARG_TYPE');
  }
}

export function assertNonEmptyString(value: unknown, path: string): asserts value is string {
  assertString(value, path);
  if (value.length === 0) throw codedTypeError(`"${path}" must not be empty.`, 'ERR_INVALID_ARG_VALUE');
}

export function assertFunction(value: unknown, path: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') {
    throw codedTypeError(
      `"${path}" must be a function. Received ${describe(value)}.`,
      'ERR_INVALID_ARG_TYPE',
    );
  }
}
