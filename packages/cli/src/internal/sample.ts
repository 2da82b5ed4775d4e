/**
 * The sample a mapping preview runs on: `--token`, `--claims` or `--saml-response`, read into
 * Test Provider's `TestSample`.
 *
 * @module
 */
import type { TestSample } from '@ssokit/server';
import { type ParsedArgs, stringFlag } from '../args.ts';
import { CliError } from '../errors.ts';
import type { CliIo } from '../output.ts';
import { readTextFile, readValue } from './read-input.ts';
import { readSamlInput } from './saml-input.ts';

/** A sample and what it was given as. */
export interface ReadSample {
  sample: TestSample;
  kind: 'token' | 'claims' | 'saml-response';
}

/** The sample the flags give, or `undefined` when none is given. */
export async function readSample(args: ParsedArgs, io: CliIo): Promise<ReadSample | undefined> {
  const token = stringFlag(args, 'token');
  const claims = stringFlag(args, 'claims');
  const saml = stringFlag(args, 'saml-response');
  const subject = stringFlag(args, 'subject');
  const given = [token && '--token', claims && '--claims', saml && '--saml-response'].filter(Boolean);
  if (given.length > 1) throw new CliError(`give one sample: ${given.join(' or ')}, not both.`);
  const withSubject = (sample: TestSample): TestSample =>
    subject !== undefined ? { ...sample, subject } : sample;
  if (token !== undefined) {
    const value = await readValue(token, '--token', io);
    if (value.split('.').length !== 3)
      throw new CliError(
        '--token: not a JWT (three base64url parts separated by dots); paste the whole token.',
      );
    return { kind: 'token', sample: withSubject({ idToken: value }) };
  }
  if (claims !== undefined) {
    let data: unknown;
    try {
      data = JSON.parse(readTextFile(claims, '--claims', io.cwd));
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(
        `--claims: ${claims} is not JSON: give a file holding one JSON object of claims, such as {"sub": "...", "groups": [...]}.`,
      );
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      throw new CliError(
        `--claims: ${claims} must hold one JSON object of claims, such as {"sub": "...", "groups": [...]}.`,
      );
    return { kind: 'claims', sample: withSubject({ claims: data as Record<string, unknown> }) };
  }
  if (saml !== undefined) {
    const input = readSamlInput(await readValue(saml, '--saml-response', io), '--saml-response');
    return { kind: 'saml-response', sample: withSubject({ samlResponse: input.base64 }) };
  }
  if (subject !== undefined) throw new CliError('--subject goes with --claims.');
  return undefined;
}
