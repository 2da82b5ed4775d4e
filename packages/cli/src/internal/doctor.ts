/**
 * What `ssokit doctor` does: load, start the in-process app, run Test Provider and the sign-in probe,
 * describe the deployment, print or write JSON.
 *
 * @module
 */
import { ConfigError, isPrivateHost } from '@ssokit/core';
import type { ConnectionTestReport } from '@ssokit/server';
import { choiceFlag, integerFlag, type ParsedArgs } from '../args.ts';
import type { CommandContext } from '../command.ts';
import { CliError } from '../errors.ts';
import {
  type CliFinding,
  exitCodeOf,
  printFindings,
  printRegister,
  printSummary,
  worstOf,
} from '../findings.ts';
import { printable, writeJson } from '../output.ts';
import { probeAuthorization } from './authorize-probe.ts';
import { cookieFinding, type Deployment, storageFinding } from './deployment.ts';
import { baseUrlOf, type InProcess, privateNetworksAllowed, startInProcess } from './in-process.ts';
import { readSample } from './sample.ts';
import { ConfigProblems, type LoadedSource, loadSource, locate } from './source.ts';

/** Runs `doctor`; resolves to the exit code. */
export async function runDoctor(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const deployment: Deployment = {
    instances: integerFlag(args, 'instances', 1, { min: 1, max: 10_000, what: 'instances' }),
    sessionMode: choiceFlag(args, 'session-mode', ['server', 'cookie'] as const) ?? 'server',
  };
  const storage = choiceFlag(args, 'storage', ['memory', 'sql', 'sqlite', 'redis'] as const);
  if (storage) deployment.storage = storage;
  const sample = await readSample(args, ctx.io);
  const findings: CliFinding[] = [];
  const result: Record<string, unknown> = { command: 'doctor' };

  let source: LoadedSource;
  try {
    source = loadSource(args, ctx.io, 'doctor');
  } catch (error) {
    if (!(error instanceof ConfigProblems)) throw error;
    result.source = { label: error.label };
    return finish(ctx, result, [...findings, ...problemFindings(error)], {});
  }
  result.source = { kind: source.kind, label: source.label, summary: source.summary };
  findings.push({
    section: 'configuration',
    check: 'config',
    status: 'ok',
    message: `${source.label}: ${source.summary}.`,
  });
  const base = baseUrlOf(args, source);
  if (!base)
    throw new CliError(
      `doctor needs --base-url, the app's external origin (e.g. https://app.example.com): the redirect URI and ACS URL are built from it${source.kind === 'wandb' ? ', or HOST in the environment' : ''}.`,
    );
  result.baseUrl = base.value;
  if (source.restoreUntil)
    findings.push({
      section: 'configuration',
      check: 'restore',
      status: 'warning',
      message: 'LOCAL_RESTORE is on: every SSO sign-in is refused while restore mode lasts.',
      fix: 'Remove LOCAL_RESTORE once the administrator has signed in with the temporary password.',
    });

  let app: InProcess;
  try {
    app = await startInProcess(source, args, { baseUrl: base.value, sessionMode: deployment.sessionMode });
  } catch (error) {
    if (!(error instanceof ConfigProblems)) throw error;
    return finish(ctx, result, [...findings, ...problemFindings(error, source, args)], {});
  }
  const host =
    source.connection?.protocol === 'saml' ? 'the SAML identity provider' : 'the identity provider';
  let report: ConnectionTestReport;
  try {
    report = await ctx.progress(`Checking ${host}`, () =>
      app.sso.testConnection(app.connectionId, sample?.sample),
    );
  } catch (error) {
    // W&B's connection is made from its settings when first read: its problems surface here.
    if (!(error instanceof ConfigError)) throw error;
    const problems = new ConfigProblems(source.label, locate(source.label, error, false));
    return finish(ctx, result, [...findings, ...problemFindings(problems, source, args)], {});
  }
  result.connection = { id: report.connectionId, name: report.name, protocol: report.protocol };
  for (const w of app.warnings)
    findings.push({
      section: 'configuration',
      check: `warning.${w.code}`,
      status: 'warning',
      message: w.message,
    });
  for (const f of report.findings)
    findings.push({
      section: sectionOf(f.check),
      check: f.check,
      status: f.status,
      message: f.message,
      ...(f.fix ? { fix: f.fix } : {}),
    });
  const discoveryFailed = report.findings.some((f) => f.check === 'discovery' && f.status === 'error');
  if (report.protocol === 'oidc' && report.register.redirectUri && !discoveryFailed) {
    const probe = await ctx.progress('Sending a sign-in request to the identity provider', () =>
      probeAuthorization(app.sso, app.connectionId, report.register.redirectUri as string, {
        allowPrivateNetworks: app.allowPrivateNetworks,
        idpOrigins: originOf(issuerOf(source, report)),
      }),
    );
    findings.push({ section: 'identity provider', ...probe });
  }

  findings.push({ section: 'deployment', ...storageFinding(deployment) });
  const cookie = cookieFinding(deployment, {
    secure: base.value.startsWith('https:'),
    protocol: report.protocol,
    connectionId: report.connectionId,
    issuer: issuerOf(source, report),
    roles: (source.roles?.roleDefinitions ?? []).map((r) => r.name),
    ...(report.preview?.profile?.groups.state === 'present'
      ? { groups: report.preview.profile.groups.values }
      : {}),
    ...(report.preview?.identity.subject ? { subject: report.preview.identity.subject } : {}),
  });
  const { estimate, ...cookieRest } = cookie;
  findings.push({ section: 'deployment', ...cookieRest });
  result.sessionCookie = estimate;
  result.deployment = deployment;
  return finish(ctx, result, findings, report.register, idNote(source));
}

/** Prints (or writes as JSON) the report and returns the exit code. */
function finish(
  ctx: CommandContext,
  result: Record<string, unknown>,
  findings: CliFinding[],
  register: Record<string, string>,
  note?: string,
): number {
  const code = exitCodeOf(findings);
  if (ctx.json) {
    writeJson(ctx.io.stdout, { ...result, status: worstOf(findings), exitCode: code, findings, register });
    return code;
  }
  const out = ctx.out;
  const source = result.source as { label: string } | undefined;
  out.line(
    `${out.p.bold('ssokit doctor')}${source ? ` ${out.p.dim('·')} ${printable(source.label)}` : ''}${result.baseUrl ? ` ${out.p.dim('·')} ${printable(String(result.baseUrl))}` : ''}`,
  );
  printFindings(out, findings, ['configuration', 'identity provider', 'mapping']);
  printRegister(out, register, note);
  printFindings(out, findings, ['deployment']);
  printSummary(out, findings);
  return code;
}

/** Where a Test Provider finding belongs in the report. */
function sectionOf(check: string): CliFinding['section'] {
  if (check === 'mapping' || check.startsWith('mapping.') || check.startsWith('sample')) return 'mapping';
  // Cookie sessions cannot be ended by the IdP: a property of the deployment, not of the IdP.
  if (check === 'backchannel-logout') return 'deployment';
  return 'identity provider';
}

/**
 * Configuration problems as findings, each with its place. A problem with an IdP URL on a private
 * network, while the app may not call one, gets the flag that allows it: told by the value at the
 * problem's path, not by the words of its message.
 */
function problemFindings(error: ConfigProblems, source?: LoadedSource, args?: ParsedArgs): CliFinding[] {
  let allowed = true;
  try {
    const base = source && args ? baseUrlOf(args, source) : undefined;
    allowed = base === undefined || privateNetworksAllowed(args as ParsedArgs, new URL(base.value).origin);
  } catch {
    // An unusable base URL is reported on its own.
  }
  return error.issues.map((issue) => ({
    section: 'configuration' as const,
    check: 'config',
    status: 'error' as const,
    message: `${issue.where}${issue.path ? ` ${issue.path}` : ''}: ${issue.message}`,
    ...(!allowed && source && isPrivateUrlAt(source, issue.path)
      ? {
          fix: 'If the identity provider is inside your network, pass --allow-private-networks.',
        }
      : {}),
    location: {
      file: error.label,
      path: issue.path,
      ...(issue.line !== undefined ? { line: issue.line } : {}),
      ...(issue.column !== undefined ? { column: issue.column } : {}),
    },
  }));
}

/** Whether the value at `path` of the source's connection (W&B: its issuer) is a URL on a private network. */
function isPrivateUrlAt(source: LoadedSource, path: string): boolean {
  let value: unknown = source.connection;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  if (typeof value !== 'string' && source.kind === 'wandb' && path.endsWith('issuer')) value = source.issuer;
  if (typeof value !== 'string') return false;
  try {
    return isPrivateHost(new URL(value.replace('{tenantid}', 'common')).hostname);
  } catch {
    return false;
  }
}

/** The issuer or IdP entity id a session's identity carries (its length is what the estimate needs). */
function issuerOf(source: LoadedSource, report: ConnectionTestReport): string {
  if (report.preview?.identity.issuer) return report.preview.identity.issuer;
  const c = source.connection;
  if (c?.protocol === 'oidc') return c.oidc.issuer;
  if (c?.protocol === 'saml') return c.saml.idp?.entityId ?? c.saml.idpMetadataUrl ?? c.saml.spEntityId;
  return source.issuer ?? 'https://idp.example.com';
}

/** The origin of `url`, as a list of none or one. */
function originOf(url: string): string[] {
  try {
    return [new URL(url).origin];
  } catch {
    return [];
  }
}

/** Says when the connection id in the URLs was made up. */
function idNote(source: LoadedSource): string | undefined {
  if (source.idFrom === 'name')
    return `The file has no id: the URLs use "${source.connectionId}", made from its name. Pass --id with the id your app gives the connection.`;
  return undefined;
}
