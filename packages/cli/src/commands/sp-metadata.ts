/**
 * `ssokit sp-metadata`: the SP metadata of a SAML connection, exactly as the app serves it at
 * `GET <base-path>/saml/metadata/<id>`, for an IdP administrator to import.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringFlag } from '../args.ts';
import type { Command } from '../command.ts';
import { CliError } from '../errors.ts';
import { printable } from '../output.ts';
import { SITE_FLAGS, SOURCE_FLAGS } from '../source-flags.ts';

export const spMetadata: Command = {
  name: 'sp-metadata',
  summary: "Print a SAML connection's SP metadata (entity id, ACS, SLO, certificate) for the IdP.",
  usage: ['sp-metadata --connection <saml.json> --base-url <url> [--cert <file>] [--out <file>]'],
  description: [
    "The document the app serves at <base-url><base-path>/saml/metadata/<id>, made by the same code (the app's routes and paths apply): the SP entity id, the Assertion Consumer Service (HTTP-POST), Single Logout (HTTP-Redirect), whether requests are signed and assertions must be, and the SP certificate when the connection has one.",
  ],
  flags: [
    ...SOURCE_FLAGS.filter((f) => ['connection', 'id'].includes(f.name)),
    ...SITE_FLAGS.filter((f) => f.name !== 'allow-private-networks'),
    {
      name: 'cert',
      type: 'string',
      value: '<file>',
      description:
        "An SP certificate (PEM) to publish instead of the connection's spCertificate, e.g. a new one from ssokit keygen.",
    },
    {
      name: 'out',
      type: 'string',
      value: '<file>',
      description: 'Write the XML to this file instead of stdout.',
    },
  ],
  examples: [
    'ssokit sp-metadata --connection saml.json --base-url https://app.example.com > sp-metadata.xml',
    'ssokit sp-metadata --connection saml.json --base-url https://app.example.com --cert sp-cert.pem --out sp.xml',
  ],
  async run(args, ctx) {
    if (stringFlag(args, 'connection') === undefined)
      throw new CliError('sp-metadata needs --connection <saml.json>: the SAML connection to describe.');
    if (stringFlag(args, 'base-url') === undefined)
      throw new CliError(
        "sp-metadata needs --base-url, the app's external origin (e.g. https://app.example.com).",
      );
    const { loadSource, ConfigProblems } = await import('../internal/source.ts');
    const { startInProcess } = await import('../internal/in-process.ts');
    const { readTextFile } = await import('../internal/read-input.ts');
    try {
      const source = loadSource(args, ctx.io, 'sp-metadata');
      const connection = source.connection;
      if (connection?.protocol !== 'saml')
        throw new CliError(
          `sp-metadata: ${source.label} is an OIDC connection; SP metadata exists for SAML connections only.`,
        );
      const cert = stringFlag(args, 'cert');
      if (cert !== undefined) {
        const { checkSpKeyPair, decodeCertificate } = await import('@ssokit/saml');
        const text = readTextFile(cert, '--cert', ctx.io.cwd);
        try {
          decodeCertificate(text, cert, '--cert');
        } catch {
          throw new CliError(`--cert: ${cert} is not an X.509 certificate (PEM).`);
        }
        if (connection.saml.spPrivateKey && !checkSpKeyPair(connection.saml.spPrivateKey, text).ok)
          ctx.err.line(
            `ssokit: warning: ${cert} does not hold the public half of the connection's spPrivateKey.`,
          );
        connection.saml = { ...connection.saml, spCertificate: text };
      }
      const app = await startInProcess(source, args, { baseUrl: stringFlag(args, 'base-url') as string });
      const response = await app.sso.handle(
        new Request(
          `${app.sso.origin}${app.sso.basePath}/saml/metadata/${encodeURIComponent(app.connectionId)}`,
        ),
      );
      if (!response.ok) throw new CliError(`sp-metadata: the app answered HTTP ${response.status}.`);
      const xml = await response.text();
      const out = stringFlag(args, 'out');
      if (out === undefined) ctx.io.stdout.write(xml.endsWith('\n') ? xml : `${xml}\n`);
      else {
        const path = resolve(ctx.io.cwd, out);
        try {
          writeFileSync(path, xml);
        } catch {
          throw new CliError(`--out: cannot write ${path}; check the directory.`);
        }
        ctx.err.line(`Wrote the SP metadata of "${printable(connection.name)}" to ${printable(path)}.`);
      }
      return 0;
    } catch (error) {
      if (error instanceof ConfigProblems)
        throw new CliError(
          error.issues.map((i) => `${i.where}${i.path ? ` ${i.path}` : ''}: ${i.message}`).join('\n'),
        );
      throw error;
    }
  },
};
