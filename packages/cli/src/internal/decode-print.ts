/**
 * How `decode` shows a JWT and a SAML Response to a person.
 *
 * @module
 */
import type { Printer, Status } from '../output.ts';
import type { DecodedJwt, SignatureStatus } from './jwt.ts';
import type { DecodedSaml } from './saml.ts';

const SIGNATURE_MARK: Record<SignatureStatus, Status> = {
  valid: 'ok',
  invalid: 'error',
  'not-checked': 'skipped',
};

/** Indented, pretty JSON. */
const pretty = (value: unknown) =>
  JSON.stringify(value, null, 2)
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');

/** Prints a decoded JWT. */
export function printJwt(out: Printer, jwt: DecodedJwt): void {
  const alg = typeof jwt.header.alg === 'string' ? jwt.header.alg : '?';
  const kid = typeof jwt.header.kid === 'string' ? `, kid ${jwt.header.kid}` : '';
  out.line(`${out.p.bold('JWT')} ${out.p.dim(`(${alg}${kid})`)}`);
  out.heading('Header');
  out.line(pretty(jwt.header));
  out.heading('Payload');
  out.line(pretty(jwt.payload));
  if (jwt.times.length > 0) {
    out.heading('Times');
    for (const t of jwt.times) out.finding(t.status, `${t.claim.padEnd(9)} ${t.date}  ${out.p.dim(t.note)}`);
  }
  out.heading('Signature');
  out.finding(SIGNATURE_MARK[jwt.signature.status], jwt.signature.message);
  for (const note of jwt.notes) out.finding('warning', note);
}

/** Prints a decoded SAML Response; the indented document too with `xml`. */
export function printSaml(out: Printer, saml: DecodedSaml, xml: boolean): void {
  const binding = { post: 'HTTP-POST', redirect: 'HTTP-Redirect, deflated', xml: 'XML' }[saml.binding];
  out.line(`${out.p.bold('SAML Response')} ${out.p.dim(`(${binding})`)}`);
  out.heading('Response');
  if (saml.id) out.field('ID', saml.id);
  if (saml.issuer) out.field('Issuer', saml.issuer);
  if (saml.issueInstant) out.field('IssueInstant', saml.issueInstant);
  if (saml.destination) out.field('Destination', saml.destination);
  out.field('InResponseTo', saml.inResponseTo ?? out.p.dim('(none: IdP-initiated)'));
  const status = [saml.status.code, ...saml.status.subcodes].join(' / ');
  out.field(
    'Status',
    `${saml.status.code === 'Success' ? out.p.green(status) : out.p.red(status)}${saml.status.message ? ` ${out.p.dim(`(${saml.status.message})`)}` : ''}`,
  );
  const a = saml.assertion;
  if (a) {
    out.heading(
      `Assertion ${out.p.dim(a.verified ? '(read from the verified assertion)' : '(as sent: not verified)')}`,
    );
    if (a.encrypted && !a.verified)
      out.line(`  ${out.p.dim('encrypted: pass --key with the SP private key and --metadata to read it')}`);
    if (a.nameId)
      out.field(
        'Subject',
        `${a.nameId}${a.nameIdFormat ? ` ${out.p.dim(`(${a.nameIdFormat.replace(/^urn:oasis:names:tc:SAML:\d\.\d:nameid-format:/, '')})`)}` : ''}`,
      );
    if (a.sessionIndex) out.field('SessionIndex', a.sessionIndex);
    if (a.audiences.length > 0) out.field('Audience', a.audiences.join('\n'));
    const names = Object.keys(a.attributes);
    if (names.length > 0) {
      out.line(`  ${out.p.dim('Attributes')}`);
      const width = Math.min(40, Math.max(...names.map((n) => n.length)));
      for (const name of names)
        out.field(`  ${name}`, (a.attributes[name] as string[]).join(', '), width + 2);
    }
  }
  if (saml.times.length > 0) {
    out.heading('Conditions');
    for (const t of saml.times) out.finding(t.status, `${t.name.padEnd(32)} ${t.date}  ${out.p.dim(t.note)}`);
  }
  out.heading('Signature');
  const signed = [
    saml.signature.responseSigned && 'response',
    saml.signature.assertionSigned && 'assertion',
  ].filter(Boolean);
  out.line(`  ${out.p.dim(`signed elements: ${signed.length > 0 ? signed.join(', ') : 'none visible'}`)}`);
  out.finding(SIGNATURE_MARK[saml.signature.status], saml.signature.message);
  for (const note of saml.notes) out.finding('warning', note);
  if (xml) {
    out.heading('Document');
    out.line(saml.xml);
  }
}
