/**
 * `ssokit keygen`: an SP private key and its self-signed certificate (`generateSpKeyPair` from
 * `@ssokit/saml`), written as PEM files, the key readable by its owner only.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { integerFlag, stringFlag } from '../args.ts';
import { type Command, JSON_FLAG } from '../command.ts';
import { CliError } from '../errors.ts';
import { printable, writeJson } from '../output.ts';

export const keygen: Command = {
  name: 'keygen',
  summary:
    'Generate an SP key and a self-signed certificate, for signed AuthnRequests and encrypted assertions.',
  usage: ['keygen [--out <dir>] [--cn <name>] [--days <n>] [--bits <n>] [--force]'],
  description: [
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text names ssokit's file references.
    "Writes <name>-key.pem (a PKCS #8 RSA private key, mode 0600) and <name>-cert.pem (an X.509 certificate signed with it, SHA-256 with RSA), what ClearML's guide makes with openssl genrsa and openssl x509. Put them in the SAML connection as spPrivateKey and spCertificate (the ${file:...} references below keep the key out of the JSON), and give the IdP the certificate, or the SP metadata (ssokit sp-metadata), which carries it.",
    'RSA only: ssokit signs SAML requests with RSA-SHA256, and IdPs encrypt assertions to RSA keys.',
  ],
  flags: [
    {
      name: 'out',
      type: 'string',
      value: '<dir>',
      description: 'Where to write the files (created if missing). Default: the current directory.',
    },
    {
      name: 'name',
      type: 'string',
      value: '<name>',
      description: "The files' name prefix. Default: sp (sp-key.pem, sp-cert.pem).",
    },
    {
      name: 'cn',
      type: 'string',
      value: '<name>',
      description: "The certificate's subject common name. Default: ssokit service provider.",
    },
    {
      name: 'days',
      type: 'string',
      value: '<n>',
      description: 'How long the certificate is valid, in days. Default: 3650 (10 years).',
    },
    {
      name: 'bits',
      type: 'string',
      value: '<n>',
      description: 'The RSA key size in bits: 2048, 3072 or 4096. Default: 2048.',
    },
    { name: 'force', type: 'boolean', description: 'Overwrite existing files. Default: refuse.' },
    JSON_FLAG,
  ],
  examples: [
    'ssokit keygen --out ./secrets --cn app.example.com',
    'ssokit keygen --days 730 --bits 3072 --name okta-sp',
  ],
  exitCodes: ['0  the files were written', '2  a file exists (without --force), or a usage error'],
  async run(args, ctx) {
    const days = integerFlag(args, 'days', 3650, { min: 1, max: 36_500, what: 'days' });
    const bits = integerFlag(args, 'bits', 2048, { min: 2048, max: 4096, what: 'bits' });
    if (![2048, 3072, 4096].includes(bits))
      throw new CliError(`--bits must be 2048, 3072 or 4096, not ${bits}.`);
    const prefix = stringFlag(args, 'name') ?? 'sp';
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(prefix) || prefix.startsWith('.'))
      throw new CliError('--name must be 1 to 64 letters, digits, ".", "_" or "-", not starting with ".".');
    const dir = resolve(ctx.io.cwd, stringFlag(args, 'out') ?? '.');
    const keyPath = join(dir, `${prefix}-key.pem`);
    const certPath = join(dir, `${prefix}-cert.pem`);
    const force = args.flags.force === true;
    // lstat: a symbolic link is there even when it points nowhere.
    const existing = [keyPath, certPath].filter((path) => kindAt(path) !== undefined);
    if (existing.length > 0 && !force)
      throw new CliError(
        `${existing.map((path) => `${path}${kindAt(path) === 'link' ? ' (a symbolic link)' : ''}`).join(' and ')} already exist${existing.length === 1 ? 's' : ''}; pass --force to replace, or choose --out or --name.`,
      );
    const { generateSpKeyPair } = await import('@ssokit/saml');
    const pair = generateSpKeyPair({
      commonName: stringFlag(args, 'cn') ?? 'ssokit service provider',
      validityDays: days,
      modulusLength: bits,
    });
    try {
      // A directory made here is the owner's alone, whatever the umask.
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeNew(keyPath, pair.privateKeyPem, 0o600, force);
      writeNew(certPath, pair.certificatePem, 0o644, force);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliError(
        code === 'EEXIST'
          ? `${keyPath} or ${certPath} was created by something else while the key was made; run again (with --force to replace it).`
          : `Cannot write to ${dir} (${code ?? 'error'}); check that it is a writable directory.`,
      );
    }
    const result = {
      privateKey: keyPath,
      certificate: certPath,
      notBefore: pair.notBefore.toISOString(),
      notAfter: pair.notAfter.toISOString(),
      fingerprint256: pair.fingerprint256,
      bits,
    };
    if (ctx.json) {
      writeJson(ctx.io.stdout, { command: 'keygen', ...result });
      return 0;
    }
    const { out } = ctx;
    out.finding('ok', `Wrote an RSA ${bits}-bit key and a self-signed certificate.`);
    out.field('Private key', `${printable(keyPath)} ${out.p.dim('(mode 0600: keep it secret)')}`);
    out.field('Certificate', printable(certPath));
    out.field('Valid', `${result.notBefore} to ${result.notAfter}`);
    out.field('SHA-256', pair.fingerprint256);
    out.heading('In the SAML connection JSON');
    out.line(`  "spPrivateKey": "\${file:${printable(keyPath)}}",`);
    out.line(`  "spCertificate": "\${file:${printable(certPath)}}"`);
    return 0;
  },
};

/** What is at `path`, not following a symbolic link: a link, something else, or nothing. */
function kindAt(path: string): 'link' | 'other' | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? 'link' : 'other';
  } catch {
    return undefined;
  }
}

/**
 * Writes `text` to `path` so that no one else ever sees it and nothing at `path` is followed: into a
 * new file of `mode` created exclusively (O_CREAT|O_EXCL, which also refuses a symbolic link), beside
 * `path`, then renamed onto it. The rename replaces whatever is at `path` (a file, or a link itself,
 * never its target) only with `replace`; otherwise the file is created at `path` directly, exclusively.
 */
function writeNew(path: string, text: string, mode: number, replace: boolean): void {
  if (!replace) {
    writeFileSync(path, text, { mode, flag: 'wx' });
    return;
  }
  const temporary = join(dirname(path), `.${randomBytes(8).toString('hex')}.ssokit-keygen.tmp`);
  try {
    writeFileSync(temporary, text, { mode, flag: 'wx' });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
