/**
 * `ssokit doctor`: the configuration, the live identity provider, the values to register, and the
 * deployment, with a fix for every problem.
 *
 * @module
 */
import { type Command, JSON_FLAG } from '../command.ts';
import { SAMPLE_FLAGS, SITE_FLAGS, SOURCE_FLAGS } from '../source-flags.ts';

export const doctor: Command = {
  name: 'doctor',
  summary: 'Check a configuration, its identity provider and the deployment; print what to register.',
  usage: [
    'doctor --config <arthur.yaml> --base-url <url> [options]',
    'doctor --env [--env-file <file>] [--base-url <url>] [options]',
    'doctor --connection <conn.json> --base-url <url> [options]',
  ],
  description: [
    "Reads the configuration as the app would (@ssokit/config), then checks it against the live identity provider as the console's Test Provider does: OIDC discovery, issuer, JWKS, endpoints, PKCE and clock; SAML metadata, endpoints, certificates and their expiry, SP keys. For OIDC it also sends the sign-in request the app would send, to see that the IdP knows the client and the redirect URI is registered. It lists the values to enter at the IdP.",
    "Deployment: --storage memory behind more than one --instances is an error (a sign-in that starts on one instance fails on another). The session cookie is sized as the server writes it. Server-side sessions (the default with any ssokit store) keep a 43-character token in it. Cookie sessions (--session-mode cookie) are deflated, encrypted and split into 3800-character cookies; the estimate takes what such a session keeps at most (2048 characters of random group names, every role of --roles, a 255-character subject), or the groups of a sample given with --token, --claims or --saml-response. Over 6144 bytes is a warning (under 2 KB left for the app's own cookies), over 8192 an error (the header limit of many proxies).",
    'Network steps show a spinner on a terminal and one line each otherwise (on stderr).',
  ],
  flags: [
    ...SOURCE_FLAGS,
    ...SITE_FLAGS,
    {
      name: 'instances',
      type: 'string',
      value: '<n>',
      description: 'How many instances of the app share the configuration. Default: 1.',
    },
    {
      name: 'storage',
      type: 'string',
      value: '<kind>',
      description:
        'The store behind them: memory (memoryStorage), sql (@ssokit/storage-sql on PostgreSQL or MySQL), sqlite, or redis. Default: not checked.',
    },
    {
      name: 'session-mode',
      type: 'string',
      value: '<mode>',
      description:
        'server (a token in the cookie, the record in the store) or cookie (sealed into cookies). Default: server.',
    },
    ...SAMPLE_FLAGS,
    JSON_FLAG,
  ],
  examples: [
    'ssokit doctor --config arthur.yaml --base-url https://arthur.example.com',
    'OIDC_ISSUER=https://login.microsoftonline.com/<tenant>/v2.0 OIDC_CLIENT_ID=... HOST=https://wandb.example.com ssokit doctor --env',
    'ssokit doctor --connection okta.json --base-url https://app.example.com --instances 3 --storage memory',
    'ssokit doctor --connection saml.json --base-url https://app.example.com --json > report.json',
  ],
  exitCodes: [
    '0  every check passed',
    '1  warnings only',
    '2  an error: invalid configuration, a failed check, or a usage error',
  ],
  async run(args, ctx) {
    const { runDoctor } = await import('../internal/doctor.ts');
    return runDoctor(args, ctx);
  },
};
