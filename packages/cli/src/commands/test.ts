/**
 * `ssokit test`: what a sign-in with a sample token, claims or SAMLResponse would give: the profile,
 * the roles, and the group-sync plan.
 *
 * @module
 */
import { type Command, JSON_FLAG } from '../command.ts';
import { SAMPLE_FLAGS, SITE_FLAGS, SOURCE_FLAGS } from '../source-flags.ts';

export const test: Command = {
  name: 'test',
  summary: 'Preview the mapping of a sample token, claims or SAMLResponse: profile, roles, group sync.',
  usage: [
    'test --config <arthur.yaml> --token <jwt|file|->',
    'test --connection <conn.json> --claims <claims.json> [--app-groups <groups.json>]',
    'test --connection <saml.json> --base-url <url> --saml-response <file|->',
  ],
  description: [
    "Runs ssokit's login pipeline on the sample and stops before it writes anything: the claims are mapped to a profile, the login policy is applied (verified email, JIT or invited users), roles are matched (--roles, or Arthur's globalRoleDefs) and the group-sync plan is made against the app's groups (--app-groups). The token's signature is not checked (a preview signs nobody in); a SAMLResponse is validated as the ACS would validate it, as of its own issue time, so --base-url must be the app's.",
    'The identity provider is contacted as Test Provider does (OIDC discovery, SAML metadata URL); its own problems are summed up, not counted: run ssokit doctor for them.',
  ],
  flags: [
    ...SOURCE_FLAGS,
    ...SITE_FLAGS,
    ...SAMPLE_FLAGS,
    {
      name: 'app-groups',
      type: 'string',
      value: '<file>',
      description:
        'The app\'s groups as JSON, for the group-sync plan: a list of names, or of { "name", "externalId" }. Default: none (every IdP group is "unmatched").',
    },
    JSON_FLAG,
  ],
  examples: [
    'ssokit test --config arthur.yaml --token eyJhbGciOi...',
    'pbpaste | ssokit test --connection okta.json --token -',
    'ssokit test --connection entra.json --claims claims.json --app-groups groups.json --roles roles.json',
    'ssokit test --connection saml.json --base-url https://app.example.com --saml-response response.b64 --json',
  ],
  exitCodes: [
    '0  the sign-in would succeed',
    '1  it would succeed, with warnings (no groups claim, roles refused, the sample from another issuer)',
    '2  it would be refused, the sample is invalid, or a usage error',
  ],
  async run(args, ctx) {
    const { runTest } = await import('../internal/test-run.ts');
    return runTest(args, ctx);
  },
};
