/**
 * `ssokit decode`: a JWT or a SAMLResponse, made readable, with its signature checked when keys are
 * given.
 *
 * @module
 */
import { stringFlag } from '../args.ts';
import { type Command, JSON_FLAG } from '../command.ts';
import { CliError, EXIT } from '../errors.ts';
import { writeJson } from '../output.ts';

export const decode: Command = {
  name: 'decode',
  summary: 'Decode a JWT or a SAMLResponse; check its signature against given keys or metadata.',
  usage: [
    'decode <jwt|file|-> [--jwks <file|url>] [--issuer <url>]',
    'decode <SAMLResponse|file|-> [--metadata <file|url>] [--cert <file>] [--key <file>] [--xml]',
  ],
  description: [
    'A JWT shows its header and payload, and iat, nbf and exp as dates. Its signature is verified with --jwks (a JWKS, a JWK or a PEM public key, as a file or URL) or with the keys of --issuer (read from its discovery document); the token is judged as of its own issue time, so an expired token still shows whether its signature is good.',
    'A SAMLResponse (the base64 value the browser posted; a deflated one from the HTTP-Redirect binding; a URL or form body with SAMLResponse=; or the XML) shows its issuer, status, subject, audiences, attributes and time window, and with --xml the whole document indented. With --metadata (the IdP metadata, file or URL) or --cert (its signing certificate) it is validated by ssokit as of its issue time with the values it names itself; without them nothing in it is verified. The HTTP-Redirect binding signs the URL, not the document, so such a value is refused when keys are given.',
    'With keys, the result is the signature\'s: valid; invalid; or refused before verification (alg "none", a "crit" header, a second or foreign assertion...), which exits 2 like an invalid one. A response refused by a check after its signature (audience, time window...) shows "signature valid, response refused" and the assertion as sent.',
    'The value is read from the argument, from the file it names, or from stdin with "-".',
  ],
  positionals: 1,
  flags: [
    {
      name: 'jwks',
      type: 'string',
      value: '<file|url>',
      description: 'Keys to verify a JWT with: a JWKS, a JWK or a PEM key.',
    },
    {
      name: 'issuer',
      type: 'string',
      value: '<url>',
      description: "An OIDC issuer whose discovery document names the JWT's keys.",
    },
    {
      name: 'metadata',
      type: 'string',
      value: '<file|url>',
      description: "The IdP's SAML metadata, to verify a SAMLResponse with.",
    },
    {
      name: 'cert',
      type: 'string',
      value: '<file>',
      description: "The IdP's signing certificate (PEM), instead of --metadata.",
    },
    {
      name: 'key',
      type: 'string',
      value: '<file>',
      description: 'The SP private key (PEM), to decrypt an encrypted assertion.',
    },
    { name: 'xml', type: 'boolean', description: 'Also print the SAML document, indented.' },
    JSON_FLAG,
  ],
  examples: [
    'ssokit decode eyJhbGciOiJSUzI1NiIs... --issuer https://sso.example.com/realms/acme',
    'pbpaste | ssokit decode - --jwks https://sso.example.com/realms/acme/protocol/openid-connect/certs',
    'ssokit decode response.b64 --metadata https://idp.example.com/metadata --xml',
    "ssokit decode 'https://app.example.com/sso/saml/acs?SAMLResponse=fZJb...' --json",
  ],
  exitCodes: [
    '0  decoded; the signature is valid, or no keys were given to check it',
    '1  decoded with warnings: expired, not yet valid, or refused after its signature verified (issuer, audience, destination...)',
    '2  keys were given and the signature is not valid (invalid, or refused before verification: alg none, crit, an assertion outside the signature...), the input is neither a JWT nor a SAMLResponse, or a usage error',
  ],
  async run(args, ctx) {
    const value = args.positionals[0];
    if (value === undefined)
      throw new CliError(
        'decode needs a value: a JWT, a SAMLResponse, a file holding one, or - to read stdin.',
      );
    const { isUrl, readValue } = await import('../internal/read-input.ts');
    const text = await readValue(value, 'decode', ctx.io);
    // A JWS has three base64url parts, a JWE five (refused with its own message); anything else with
    // dots in it (XML, a URL) is not one.
    const jwt =
      /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(text) ||
      /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){4}$/.test(text);
    const { looksLikeSaml, readSamlInput } = await import('../internal/saml-input.ts');
    if (jwt) {
      for (const flag of ['metadata', 'cert', 'key', 'xml'])
        if (args.flags[flag] !== undefined)
          throw new CliError(`--${flag} is for SAML Responses; this value is a JWT.`);
      const { decodeJwt } = await import('../internal/jwt.ts');
      const jwks = stringFlag(args, 'jwks');
      const issuer = stringFlag(args, 'issuer');
      const work = () =>
        decodeJwt(text, { ...(jwks ? { jwks } : {}), ...(issuer ? { issuer } : {}), cwd: ctx.io.cwd });
      // Progress for the network only: an issuer's discovery document, a JWKS URL.
      const decoded =
        issuer || (jwks && isUrl(jwks)) ? await ctx.progress('Fetching the keys', work) : await work();
      // Keys given: anything but a verified signature is an error, never a quiet 0.
      const code =
        (jwks !== undefined || issuer !== undefined) && decoded.signature.status !== 'valid'
          ? EXIT.errors
          : decoded.times.some((t) => t.status !== 'ok') || decoded.notes.length > 0
            ? EXIT.warnings
            : EXIT.ok;
      if (ctx.json) writeJson(ctx.io.stdout, { command: 'decode', exitCode: code, ...decoded });
      else (await import('../internal/decode-print.ts')).printJwt(ctx.out, decoded);
      return code;
    }
    if (!looksLikeSaml(text))
      throw new CliError(
        'decode: the value is neither a JWT (three base64url parts separated by dots) nor a SAMLResponse (base64, a URL with SAMLResponse=, or XML).',
      );
    for (const flag of ['jwks', 'issuer'])
      if (args.flags[flag] !== undefined)
        throw new CliError(`--${flag} is for JWTs; this value is a SAMLResponse.`);
    const { decodeSaml } = await import('../internal/saml.ts');
    const input = readSamlInput(text, 'decode');
    const metadata = stringFlag(args, 'metadata');
    const cert = stringFlag(args, 'cert');
    const key = stringFlag(args, 'key');
    const work = () =>
      decodeSaml(input, {
        ...(metadata ? { metadata } : {}),
        ...(cert ? { cert } : {}),
        ...(key ? { key } : {}),
        cwd: ctx.io.cwd,
      });
    const decoded =
      metadata && isUrl(metadata) ? await ctx.progress('Fetching the IdP metadata', work) : await work();
    const code =
      (metadata !== undefined || cert !== undefined) && decoded.signature.status !== 'valid'
        ? EXIT.errors
        : decoded.times.some((t) => t.status !== 'ok') ||
            decoded.notes.length > 0 ||
            decoded.signature.refused !== undefined ||
            decoded.status.code !== 'Success'
          ? EXIT.warnings
          : EXIT.ok;
    if (ctx.json) writeJson(ctx.io.stdout, { command: 'decode', exitCode: code, ...decoded });
    else (await import('../internal/decode-print.ts')).printSaml(ctx.out, decoded, args.flags.xml === true);
    return code;
  },
};
