/**
 * The findings `doctor` and `test` report: grouped in sections, printed as ✔ / ⚠ / ✖ lines with their
 * fix, counted into the exit code (0 clean, 1 warnings, 2 errors).
 *
 * @module
 */
import { EXIT } from './errors.ts';
import { type Printer, printable, type Status } from './output.ts';

/** The sections of a report, in print order. */
export type Section = 'configuration' | 'identity provider' | 'mapping' | 'deployment';

/** One finding. */
export interface CliFinding {
  section: Section;
  /** A stable name: Test Provider's (`discovery`, `jwks`, `certificate`, ...) or the command's (`config`, `authorize`, `storage`, `session-cookie`). */
  check: string;
  status: Status;
  message: string;
  fix?: string;
  /** For configuration problems: the file, line and column, and the field's path. */
  location?: { file: string; path: string; line?: number; column?: number };
}

const TITLES: Record<Section, string> = {
  configuration: 'Configuration',
  'identity provider': 'Identity provider',
  mapping: 'Mapping preview',
  deployment: 'Deployment',
};

/** The exit code of a set of findings. */
export function exitCodeOf(findings: readonly { status: Status }[]): number {
  if (findings.some((f) => f.status === 'error')) return EXIT.errors;
  if (findings.some((f) => f.status === 'warning')) return EXIT.warnings;
  return EXIT.ok;
}

/** The worst status, as Test Provider names it. */
export function worstOf(findings: readonly { status: Status }[]): 'ok' | 'warning' | 'error' {
  const code = exitCodeOf(findings);
  return code === EXIT.errors ? 'error' : code === EXIT.warnings ? 'warning' : 'ok';
}

/** Prints the findings of `sections`, each under its title. */
export function printFindings(
  out: Printer,
  findings: readonly CliFinding[],
  sections: readonly Section[],
): void {
  for (const section of sections) {
    const here = findings.filter((f) => f.section === section);
    if (here.length === 0) continue;
    out.heading(TITLES[section]);
    // Messages quote the IdP, its pages and the configuration: shown, never acted on.
    for (const f of here) out.finding(f.status, printable(f.message), f.fix && printable(f.fix));
  }
}

/** The closing line: the counts and the exit code. */
export function printSummary(out: Printer, findings: readonly CliFinding[]): void {
  const errors = findings.filter((f) => f.status === 'error').length;
  const warnings = findings.filter((f) => f.status === 'warning').length;
  const code = exitCodeOf(findings);
  const counts = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  const text =
    code === EXIT.ok
      ? out.p.green(counts)
      : code === EXIT.warnings
        ? out.p.yellow(counts)
        : out.p.red(counts);
  out.line(`\n${out.p.bold('Result:')} ${text} (exit code ${code}).`);
}

/** Labels for Test Provider's `register` keys. */
export const REGISTER_LABELS: Record<string, string> = {
  redirectUri: 'Redirect URI',
  postLogoutRedirectUri: 'Post-logout redirect URI',
  backchannelLogoutUri: 'Back-channel logout URI',
  frontchannelLogoutUri: 'Front-channel logout URI',
  acsUrl: 'ACS URL (Assertion Consumer Service)',
  spEntityId: 'SP entity ID (audience)',
  spMetadataUrl: 'SP metadata URL',
  sloUrl: 'Single logout URL',
};

/** Prints the values to enter at the IdP. */
export function printRegister(out: Printer, register: Record<string, string>, note?: string): void {
  const entries = Object.entries(register);
  if (entries.length === 0) return;
  out.heading('Register at the identity provider');
  const width = Math.max(...entries.map(([key]) => (REGISTER_LABELS[key] ?? key).length));
  for (const [key, value] of entries) out.field(REGISTER_LABELS[key] ?? key, printable(value), width);
  if (note) out.line(`  ${out.p.dim(printable(note))}`);
}
