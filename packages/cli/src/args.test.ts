import { describe, expect, it } from 'vitest';
import { choiceFlag, type FlagSpec, integerFlag, parseFlags } from './args.ts';
import { CliError } from './errors.ts';

const flags: FlagSpec[] = [
  { name: 'config', type: 'string', value: '<file>', description: '' },
  { name: 'json', type: 'boolean', description: '' },
  { name: 'days', type: 'string', value: '<n>', description: '' },
];
const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return (error as CliError).message;
  }
  throw new Error('did not throw');
};

describe('parseFlags', () => {
  it('reads string and boolean flags, = values, -h and positionals', () => {
    const args = parseFlags('decode', ['x.jwt', '--config=a.yaml', '--json', '-h'], flags, 1);
    expect(args.flags).toMatchObject({ config: 'a.yaml', json: true, help: true });
    expect(args.positionals).toEqual(['x.jwt']);
  });
  it('names an unknown flag with the closest known one', () => {
    expect(message(() => parseFlags('doctor', ['--jsno'], flags))).toBe(
      'doctor: unknown flag --jsno; did you mean --json? (see ssokit doctor --help).',
    );
    expect(message(() => parseFlags('doctor', ['-x'], flags))).toBe(
      'doctor: unknown flag -x (see ssokit doctor --help).',
    );
  });
  it('refuses a string flag without its value, and a boolean flag with one', () => {
    expect(message(() => parseFlags('doctor', ['--config'], flags))).toBe(
      'doctor: --config needs a value: --config <file>.',
    );
    expect(message(() => parseFlags('doctor', ['--config', '--json'], flags))).toBe(
      'doctor: --config needs a value: --config <file>.',
    );
    expect(message(() => parseFlags('doctor', ['--json=yes'], flags))).toBe(
      'doctor: --json takes no value (write --json alone).',
    );
  });
  it('refuses extra words, suggesting the flag a bare word may have meant', () => {
    expect(message(() => parseFlags('doctor', ['config'], flags))).toBe(
      'doctor: unexpected argument "config"; did you mean --config? (see ssokit doctor --help).',
    );
  });
});

describe('value checks', () => {
  it('integers within bounds, choices with a did-you-mean', () => {
    const args = parseFlags('keygen', ['--days', '0'], flags);
    expect(message(() => integerFlag(args, 'days', 1, { min: 1, max: 10, what: 'days' }))).toBe(
      '--days must be a whole number of days from 1 to 10, not "0".',
    );
    expect(integerFlag(parseFlags('keygen', [], flags), 'days', 7, { min: 1, max: 10, what: 'days' })).toBe(
      7,
    );
    const choice = parseFlags('doctor', ['--config', 'cokie'], flags);
    expect(message(() => choiceFlag(choice, 'config', ['server', 'cookie']))).toBe(
      '--config must be one of server, cookie, not "cokie"; did you mean cookie?',
    );
  });
});
