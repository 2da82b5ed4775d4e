/**
 * The flags that say where a connection comes from (`--config`, `--env`, `--connection`) and where the
 * app runs (`--base-url`, paths), shared by `doctor`, `test` and `sp-metadata`.
 *
 * @module
 */
import type { FlagSpec } from './args.ts';

/** Where the connection is read from. */
export const SOURCE_FLAGS: readonly FlagSpec[] = [
  {
    name: 'config',
    type: 'string',
    value: '<file>',
    description: "An Arthur-style v2 OIDC YAML file (Arthur's oidc.yaml).",
  },
  {
    name: 'env',
    type: 'boolean',
    description:
      "W&B Server's variables from the environment: OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_AUTH_METHOD, OIDC_SECRET, LOCAL_RESTORE; HOST is the base URL.",
  },
  {
    name: 'env-file',
    type: 'string',
    value: '<file>',
    description: 'Like --env, with the variables read from a .env file (NAME=value lines) instead.',
  },
  {
    name: 'connection',
    type: 'string',
    value: '<file>',
    description:
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the text names ssokit's secret references.
      "A connection JSON file (the admin API's format; ${env:NAME} and ${file:/path} references are resolved).",
  },
  {
    name: 'id',
    type: 'string',
    value: '<id>',
    description:
      "The connection's id in your app, which the SAML URLs and logout URIs contain. Default: the file's id, else one made from its name (Arthur: arthur-oidc, W&B: wandb).",
  },
  {
    name: 'roles',
    type: 'string',
    value: '<file>',
    description:
      "The app's roles as JSON: a list of role definitions, or role matching options ({ roleDefinitions, rules, defaultRole }). Arthur's globalRoleDefs are read from its file.",
  },
];

/** Where the app runs: what the values to register at the IdP are built from. */
export const SITE_FLAGS: readonly FlagSpec[] = [
  {
    name: 'base-url',
    type: 'string',
    value: '<url>',
    description:
      "The app's external origin, e.g. https://app.example.com (with --env: HOST when it is a URL).",
  },
  {
    name: 'base-path',
    type: 'string',
    value: '<path>',
    description: "Where ssokit's routes live. Default: /sso.",
  },
  {
    name: 'callback-path',
    type: 'string',
    value: '<path>',
    description:
      "The OIDC redirect URI's path. Default: <base-path>/oidc/callback (with --env: /oidc/callback, as W&B registers it).",
  },
  {
    name: 'acs-path',
    type: 'string',
    value: '<path>',
    description: "The SAML Assertion Consumer Service's path. Default: <base-path>/saml/acs.",
  },
  {
    name: 'allow-private-networks',
    type: 'boolean',
    description:
      'Let the checks call an IdP on a private network, as createSso({ allowPrivateNetworks: true }) does. Default: only when --base-url is http on localhost.',
  },
];

/** A sample answer of the IdP, for the mapping preview. */
export const SAMPLE_FLAGS: readonly FlagSpec[] = [
  {
    name: 'token',
    type: 'string',
    value: '<jwt|file|->',
    description:
      'An ID token (or access token) the IdP issued: the value, a file holding it, or - for stdin. Its signature is not checked.',
  },
  {
    name: 'claims',
    type: 'string',
    value: '<file>',
    description: 'The claims as a JSON object (an ID token payload, userinfo, or SAML attributes by name).',
  },
  {
    name: 'saml-response',
    type: 'string',
    value: '<value|file|->',
    description:
      'A SAMLResponse as the browser posted it (base64; a URL or form body with SAMLResponse= works too). Checked as the ACS would check it, as of its own issue time.',
  },
  {
    name: 'subject',
    type: 'string',
    value: '<id>',
    description: 'The subject for --claims that carry no "sub" (SAML: the NameID).',
  },
];
