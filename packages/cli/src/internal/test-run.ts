/**
 * What `ssokit test` does: Test Provider with a sample, its mapping preview printed field by field.
 *
 * @module
 */
import type { MappingPreview } from '@ssokit/server';
import { type ParsedArgs, stringFlag } from '../args.ts';
import type { CommandContext } from '../command.ts';
import { CliError } from '../errors.ts';
import { type CliFinding, exitCodeOf, printFindings, printSummary, worstOf } from '../findings.ts';
import { type Printer, printable, writeJson } from '../output.ts';
import { baseUrlOf, startInProcess } from './in-process.ts';
import { readTextFile } from './read-input.ts';
import { readSample } from './sample.ts';
import { ConfigProblems, loadSource } from './source.ts';

const SAMPLE_NAMES = {
  token: 'the token',
  claims: 'the claims',
  'saml-response': 'the SAMLResponse',
} as const;

/** Runs `test`; resolves to the exit code. */
export async function runTest(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const read = await readSample(args, ctx.io);
  if (!read)
    throw new CliError('test needs a sample: --token <jwt>, --claims <file.json> or --saml-response <file>.');
  const appGroups = readAppGroups(args, ctx.io.cwd);
  let source: ReturnType<typeof loadSource>;
  try {
    source = loadSource(args, ctx.io, 'test');
  } catch (error) {
    if (error instanceof ConfigProblems)
      throw new CliError(
        error.issues.map((i) => `${i.where}${i.path ? ` ${i.path}` : ''}: ${i.message}`).join('\n'),
      );
    throw error;
  }
  const saml = source.connection?.protocol === 'saml';
  // An OIDC preview does not use the base URL; a SAML one checks the response's Destination against it.
  const base = baseUrlOf(args, source, saml ? undefined : 'http://localhost:3000');
  if (!base)
    throw new CliError(
      "test needs --base-url for a SAML connection: the app's origin, which the response's Destination and Recipient must name.",
    );
  let app: Awaited<ReturnType<typeof startInProcess>>;
  try {
    app = await startInProcess(source, args, { baseUrl: base.value, appGroups });
  } catch (error) {
    if (error instanceof ConfigProblems)
      throw new CliError(
        error.issues.map((i) => `${i.where}${i.path ? ` ${i.path}` : ''}: ${i.message}`).join('\n'),
      );
    throw error;
  }
  const report = await ctx.progress(`Previewing ${SAMPLE_NAMES[read.kind]}`, () =>
    app.sso.testConnection(app.connectionId, read.sample),
  );
  const previewFindings: CliFinding[] = report.findings
    .filter((f) => f.check === 'mapping' || f.check.startsWith('mapping.') || f.check.startsWith('sample'))
    .map((f) => ({
      section: 'mapping',
      check: f.check,
      status: f.status,
      message: f.message,
      ...(f.fix ? { fix: f.fix } : {}),
    }));
  const idpProblems = report.findings.filter(
    (f) => f.status !== 'ok' && !previewFindings.some((p) => p.check === f.check && p.message === f.message),
  );
  const preview = report.preview;
  if (!preview && !previewFindings.some((f) => f.status === 'error'))
    previewFindings.push({
      section: 'mapping',
      check: 'sample',
      status: 'error',
      message:
        'No preview could be made: the identity provider could not be read (its metadata or discovery document).',
      fix: 'Run ssokit doctor with the same flags to see why.',
    });
  const code = exitCodeOf(previewFindings);
  if (ctx.json) {
    writeJson(ctx.io.stdout, {
      command: 'test',
      status: worstOf(previewFindings),
      exitCode: code,
      connection: { id: report.connectionId, name: report.name, protocol: report.protocol },
      sample: read.kind,
      findings: previewFindings,
      ...(preview ? { preview } : {}),
      identityProvider: idpProblems,
    });
    return code;
  }
  const out = ctx.out;
  out.line(
    `${out.p.bold('ssokit test')} ${out.p.dim('·')} ${printable(source.label)} ${out.p.dim('·')} ${SAMPLE_NAMES[read.kind]}`,
  );
  printFindings(out, previewFindings, ['mapping']);
  if (preview) printPreview(out, preview);
  if (idpProblems.length > 0)
    out.line(
      `\n${out.p.dim(`The identity provider checks found ${idpProblems.length} problem${idpProblems.length === 1 ? '' : 's'} (not counted here): run ssokit doctor with the same flags.`)}`,
    );
  printSummary(out, previewFindings);
  return code;
}

/**
 * The preview, one field a line. Every value comes from the sample (the IdP's claims, a SAML
 * attribute) or the configuration: each goes through `printable` (as `show`) before it is coloured.
 */
function printPreview(out: Printer, preview: MappingPreview): void {
  const show = (value: string | null | undefined) => printable(String(value ?? ''));
  const list = (values: readonly string[] | undefined) =>
    values && values.length > 0 ? values.map(show).join(', ') : '(none)';
  out.heading(
    preview.outcome === 'would-succeed' ? 'The sign-in would succeed' : 'The sign-in would be refused',
  );
  out.field(
    'Identity',
    `${show(preview.identity.subject)} ${out.p.dim(`(issuer ${show(preview.identity.issuer)})`)}`,
  );
  if (preview.error)
    out.field(
      'Refused',
      `${show(preview.error.code)}: ${show(preview.error.message)}${preview.error.fix ? `\n${out.p.dim(`fix: ${show(preview.error.fix)}`)}` : ''}`,
    );
  const profile = preview.profile;
  if (profile) {
    out.field('User id', show(profile.externalId));
    if (profile.username) out.field('Username', show(profile.username));
    if (profile.email)
      out.field(
        'Email',
        `${show(profile.email)} ${out.p.dim(profile.emailVerified ? '(verified)' : '(not verified)')}`,
      );
    if (profile.name) out.field('Name', show(profile.name));
    const groups =
      profile.groups.state === 'present'
        ? list(profile.groups.values)
        : profile.groups.state === 'absent'
          ? out.p.dim('(no groups claim)')
          : `unresolvable: ${show(profile.groups.reason)}`;
    out.field('Groups', groups);
    if (profile.roles) out.field('IdP roles', list(profile.roles));
  }
  if (preview.roles) {
    const roles = preview.roles.map((r) =>
      r === preview.primaryRole ? `${show(r)} ${out.p.dim('(primary)')}` : show(r),
    );
    out.field('Roles', roles.length > 0 ? roles.join(', ') : '(none)');
  }
  if (preview.refusedRoles?.length)
    out.field(
      'Not granted',
      preview.refusedRoles.map((r) => `${show(r.role)} (from ${show(r.group)})`).join(', '),
    );
  if (preview.unmatchedGroups?.length) out.field('Unmatched', list(preview.unmatchedGroups));
  if (preview.user)
    out.field(
      'User',
      `${preview.user.id === null ? 'a new user would be created' : `existing user ${show(preview.user.id)}`} ${out.p.dim(`(${show(preview.user.resolution)})`)}`,
    );
  if (preview.groupSync === null) out.field('Group sync', out.p.dim('off for this connection'));
  else if (preview.groupSync) {
    const g = preview.groupSync;
    const lines = [
      `add        ${list(g.add.map((a) => a.name))}`,
      `remove     ${list(g.remove.map((r) => r.name ?? r.groupId))}`,
      `keep       ${list(g.kept.map((k) => `${k.name ?? k.groupId} (${k.source})`))}`,
      `unmatched  ${list(g.unmatched)} ${out.p.dim('(no app group of that name)')}`,
    ];
    if (g.reason) lines.push(out.p.dim(show(g.reason)));
    out.field('Group sync', lines.join('\n'));
  }
}

/** `--app-groups`: names, or `{ name, externalId }` objects. */
function readAppGroups(args: ParsedArgs, cwd: string): { name: string; externalId?: string }[] | undefined {
  const path = stringFlag(args, 'app-groups');
  if (path === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readTextFile(path, '--app-groups', cwd));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`--app-groups: ${path} is not JSON.`);
  }
  const groups = Array.isArray(data) ? data.map((g) => (typeof g === 'string' ? { name: g } : g)) : undefined;
  if (
    !groups?.every(
      (g) =>
        typeof g === 'object' &&
        g !== null &&
        typeof g.name === 'string' &&
        g.name !== '' &&
        (g.externalId === undefined || typeof g.externalId === 'string'),
    )
  )
    throw new CliError(
      `--app-groups: ${path} must hold a list of group names, or of { "name": ..., "externalId": ... }.`,
    );
  return groups as { name: string; externalId?: string }[];
}
