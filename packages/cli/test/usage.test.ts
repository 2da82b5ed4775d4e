/**
 * The command line itself: help on every command, did-you-mean for commands and flags, one-line errors
 * with exit code 2 and no stack trace, colour only where wanted, and keygen's files. Process-level
 * behaviour is checked on the real binary; the help of every command through `run()`, in-process.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunOptions, run } from '../src/index.ts';
import { commands } from '../src/run.ts';
import { ssokit } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'ssokit-cli-usage-'));
const ARTHUR = `version: v2
kind: OIDC
config:
  discoveryBaseURL: https://sso.example.com/realms/acme
  flowType: PKCE
  clientID: app
  accessTokenValidation:
    type: JWT
    claimMapping: { roles: groups, userID: sub, username: preferred_username, firstName: given_name, lastName: family_name, email: email }
    audience: [app]
`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `run()` in this process with collected output. */
async function inProcess(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const options: RunOptions = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env,
    cwd: dir,
  };
  const code = await run(argv, options);
  return { code, stdout, stderr };
}

describe.concurrent('the ssokit binary', { timeout: 60_000 }, () => {
  it('without a command: the overview on stdout, exit 2; --version', async () => {
    const [bare, version] = await Promise.all([ssokit([]), ssokit(['--version'])]);
    expect(bare.code).toBe(2);
    for (const name of ['doctor', 'test', 'keygen', 'sp-metadata', 'decode', 'migrate'])
      expect(bare.stdout).toMatch(new RegExp(`^ {2}${name} `, 'm'));
    expect(version).toMatchObject({ code: 0, stdout: '0.0.0\n' });
  });

  it('did-you-mean for a command and for a flag; one line on stderr, exit 2, no stack', async () => {
    const [command, flag, value] = await Promise.all([
      ssokit(['doctr', '--config', 'x.yaml']),
      ssokit(['doctor', '--confg', 'arthur.yaml']),
      ssokit(['doctor', '--config']),
    ]);
    expect(command).toMatchObject({ code: 2, stdout: '' });
    expect(command.stderr).toBe(
      'ssokit: unknown command "doctr"; did you mean "doctor"? (commands: doctor, test, keygen, sp-metadata, decode, migrate, secret; see ssokit --help).\n',
    );
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe(
      'ssokit: doctor: unknown flag --confg; did you mean --config? (see ssokit doctor --help).\n',
    );
    expect(value.stderr).toBe('ssokit: doctor: --config needs a value: --config <file>.\n');
  });

  it('malformed input to decode: one clear line, exit 2, no stack trace', async () => {
    const [garbage, jwe] = await Promise.all([
      ssokit(['decode', 'this is not a token']),
      ssokit(['decode', 'a.b.c.d.e']),
    ]);
    expect(garbage.code).toBe(2);
    expect(garbage.stderr.trim().split('\n')).toHaveLength(1);
    expect(garbage.stderr).toContain('neither a JWT');
    expect(jwe.code).toBe(2);
    expect(jwe.stderr).toContain('encrypted token (JWE');
    for (const r of [garbage, jwe]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('colour only on demand: FORCE_COLOR into a pipe colours, --no-color and a plain pipe do not', async () => {
    const [forced, refused, plain] = await Promise.all([
      ssokit(['--help'], { env: { FORCE_COLOR: '1' } }),
      ssokit(['--help', '--no-color'], { env: { FORCE_COLOR: '1' } }),
      ssokit(['--help']),
    ]);
    expect(forced.stdout).toContain('\u001b[1mUsage\u001b[22m');
    expect(refused.stdout).not.toContain('\u001b[');
    expect(plain.stdout).not.toContain('\u001b[');
  });

  it('keygen: a key only its owner reads and a certificate that parses, verifies with its own key and pairs with it', async () => {
    const out = join(dir, 'keys');
    const made = await ssokit(['keygen', '--out', out, '--cn', 'app.example.com', '--days', '30', '--json']);
    expect(made.code, made.stderr).toBe(0);
    const result = JSON.parse(made.stdout) as { privateKey: string; certificate: string; notAfter: string };
    expect(statSync(result.privateKey).mode & 0o777).toBe(0o600);
    const certificate = new X509Certificate(readFileSync(result.certificate));
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.checkPrivateKey(createPrivateKey(readFileSync(result.privateKey)))).toBe(true);
    expect(certificate.subject).toBe('CN=app.example.com');
    const days = (Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    expect(new Date(certificate.validTo).toISOString()).toBe(result.notAfter);

    // A second run refuses to overwrite and leaves both files as they were; --force replaces them.
    const before = readFileSync(result.privateKey, 'utf8');
    const again = await ssokit(['keygen', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exist; pass --force to replace');
    expect(readFileSync(result.privateKey, 'utf8')).toBe(before);
    writeFileSync(result.privateKey, before, { mode: 0o644 });
    const forced = await ssokit(['keygen', '--out', out, '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(result.privateKey, 'utf8')).not.toBe(before);
    expect(statSync(result.privateKey).mode & 0o777).toBe(0o600);
  });

  it('keygen --force replaces a symbolic link planted at the key path, never writing or chmodding its target', async () => {
    const out = join(dir, 'planted');
    mkdirSync(out);
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'not a key', { mode: 0o644 });
    symlinkSync(victim, join(out, 'sp-key.pem'));
    const run = await ssokit(['keygen', '--out', out, '--force', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('not a key');
    expect(statSync(victim).mode & 0o777).toBe(0o644);
    const key = lstatSync(join(out, 'sp-key.pem'));
    expect(key.isSymbolicLink()).toBe(false);
    expect(key.mode & 0o777).toBe(0o600);
    expect(readFileSync(join(out, 'sp-key.pem'), 'utf8')).toContain('-----BEGIN PRIVATE KEY-----');
  });

  it('keygen without --force: a dangling symbolic link at the key path is named as one, nothing is written', async () => {
    const out = join(dir, 'dangling');
    mkdirSync(out);
    symlinkSync(join(dir, 'nowhere.pem'), join(out, 'sp-key.pem'));
    const run = await ssokit(['keygen', '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `ssokit: ${join(out, 'sp-key.pem')} (a symbolic link) already exists; pass --force to replace, or choose --out or --name.\n`,
    );
    expect(() => statSync(join(dir, 'nowhere.pem'))).toThrow();
  });

  it('keygen under umask 000: the directory it makes is 0700 and the key 0600', async () => {
    const out = join(dir, 'open-umask', 'keys');
    const run = await ssokit(['keygen', '--out', out], { umask: '000' });
    expect(run.code, run.stderr).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'open-umask')).mode & 0o777).toBe(0o700);
    expect(statSync(join(out, 'sp-key.pem')).mode & 0o777).toBe(0o600);
  });
});

describe('help and flags, in-process', () => {
  it.each(commands.map((c) => c.name))(
    '%s --help: usage, every flag, examples and exit codes',
    async (name) => {
      const { code, stdout } = await inProcess([name, '--help']);
      expect(code).toBe(0);
      const command = commands.find((c) => c.name === name);
      expect(stdout).toContain(`ssokit ${command?.usage[0]}`);
      for (const flag of command?.flags ?? []) expect(stdout).toContain(`--${flag.name}`);
      expect(stdout).toMatch(/\nExamples\n {2}\$ ssokit /);
      expect(stdout).toContain('\nExit codes\n  0  ');
      expect(await inProcess(['help', name])).toMatchObject({ code: 0, stdout });
    },
  );

  it('NO_COLOR wins over a terminal, FORCE_COLOR over NO_COLOR', async () => {
    let stdout = '';
    const tty = { write: (s: string) => (stdout += s), isTTY: true };
    await run(['--help'], { stdout: tty, env: { NO_COLOR: '1' } });
    expect(stdout).not.toContain('\u001b[');
    stdout = '';
    await run(['--help'], { stdout: tty, env: {} });
    expect(stdout).toContain('\u001b[');
    stdout = '';
    await run(['--help'], {
      stdout: { write: (s: string) => (stdout += s) },
      env: { NO_COLOR: '1', FORCE_COLOR: '1' },
    });
    expect(stdout).toContain('\u001b[');
  });

  it('a spinner on stderr when it is a terminal; nothing of it with --json', async () => {
    for (const json of [false, true]) {
      let stderr = '';
      let stdout = '';
      const database = `sqlite:${join(dir, `spin-${json}.db`)}`;
      const code = await run(['migrate', '--database', database, ...(json ? ['--json'] : [])], {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s), isTTY: true },
        env: {},
        cwd: dir,
      });
      expect(code).toBe(0);
      const erase = '\r\u001b[2K';
      if (json) expect(stderr).toBe('');
      else {
        expect(stderr.startsWith(erase)).toBe(true);
        expect(stderr).toContain('Migrating sqlite:');
        expect(stderr.endsWith(erase)).toBe(true);
      }
      expect(stdout).not.toContain('\r');
    }
  });

  it('doctor without --base-url: one line saying what it is for', async () => {
    writeFileSync(join(dir, 'arthur.yaml'), ARTHUR);
    expect(await inProcess(['doctor', '--config', 'arthur.yaml'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "ssokit: doctor needs --base-url, the app's external origin (e.g. https://app.example.com): the redirect URI and ACS URL are built from it.\n",
    });
  });

  it('bad values name the flag and what it takes', async () => {
    expect((await inProcess(['doctor', '--config', 'a.yaml', '--storage', 'memroy'])).stderr).toBe(
      'ssokit: --storage must be one of memory, sql, sqlite, redis, not "memroy"; did you mean memory?\n',
    );
    expect((await inProcess(['keygen', '--days', 'ten'])).stderr).toBe(
      'ssokit: --days must be a whole number of days from 1 to 36500, not "ten".\n',
    );
    expect(
      (await inProcess(['doctor', '--json', '--config', 'missing.yaml', '--base-url', 'http://localhost']))
        .stderr,
    ).toBe(
      `ssokit: --config: no file at ${join(dir, 'missing.yaml')} (relative paths are read from ${dir}).\n`,
    );
    expect((await inProcess(['doctor', '--config', 'a.yaml', '--env'])).stderr).toBe(
      'ssokit: doctor reads one configuration; give only one of --config, --env.\n',
    );
    expect((await inProcess(['decode', 'a', 'b'])).stderr).toBe(
      'ssokit: decode: too many arguments ("b"); see ssokit decode --help.\n',
    );
    expect((await inProcess(['secret', '--bytes', '8'])).code).toBe(2);
    const secret = await inProcess(['secret']);
    expect(secret.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
  });
});

describe('a --claims file that is not JSON', () => {
  it('is one line naming the file and what to give, never its text', async () => {
    writeFileSync(join(dir, 'junk.txt'), 'junk\nmore junk\n');
    writeFileSync(
      join(dir, 'conn.json'),
      JSON.stringify({
        id: 'okta',
        name: 'Okta',
        protocol: 'oidc',
        provider: 'okta',
        oidc: { issuer: 'https://acme.okta.com', clientId: 'app' },
      }),
    );
    const result = await inProcess(['test', '--connection', 'conn.json', '--claims', 'junk.txt']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('--claims: junk.txt is not JSON: give a file holding one JSON object');
    expect(result.stderr).not.toContain('more junk');
  });
});
