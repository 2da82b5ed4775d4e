/**
 * `ssokit secret`: a random value for `createSso({ secret })`.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { integerFlag } from '../args.ts';
import { type Command, JSON_FLAG } from '../command.ts';
import { writeJson } from '../output.ts';

export const secret: Command = {
  name: 'secret',
  summary:
    'Print a random secret for createSso({ secret }) (sessions are encrypted with a key derived from it).',
  usage: ['secret [--bytes <n>]'],
  description: [
    'Random bytes from the operating system, in base64url. Keep it in your secret store (SSO_SECRET, say); every instance of the app needs the same one, and changing it signs everyone out.',
  ],
  flags: [
    {
      name: 'bytes',
      type: 'string',
      value: '<n>',
      description: 'How many random bytes, 32 to 128. Default: 32 (43 characters).',
    },
    JSON_FLAG,
  ],
  examples: ['ssokit secret', 'echo "SSO_SECRET=$(ssokit secret)" >> .env'],
  async run(args, ctx) {
    const bytes = integerFlag(args, 'bytes', 32, { min: 32, max: 128, what: 'bytes' });
    const value = randomBytes(bytes).toString('base64url');
    if (ctx.json) writeJson(ctx.io.stdout, { command: 'secret', secret: value });
    else ctx.io.stdout.write(`${value}\n`);
    return 0;
  },
};
