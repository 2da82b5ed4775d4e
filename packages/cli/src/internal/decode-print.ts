/**
 * How `decode` shows a JWT and a SAML Response to a person. Everything in them is the sender's text:
 * each value goes through `printable` before it is coloured, and a ✔ stands only next to what the
 * verified signature covers.
 *
 * @module
 */
import { jsonText, type Printer, printable, type Status } from '../output.ts';
import type { DecodedJwt, SignatureStatus } from './jwt.ts';
import type { DecodedSaml } from './saml.ts';

const SIGNATURE_MARK: Record<SignatureStatus, Status> = {
  valid: 'ok',
  invalid: 'error',
  refused: 'error',
  'not-checked': 'skipped',
};

/** Indented, pretty JSON, with every control character escaped. */
const pretty = (value: unknown) =>
  jsonText(value)
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');

/** Prints a decoded JWT. */
export function printJwt(out: Printer, jwt: DecodedJwt): void {
  const alg = typeof jwt.header.alg === 'string' ? printable(jwt.header.alg) : '?';
  const kid = typeof jwt.header.kid === 'string' ? `, kid ${printable(jwt.header.kid)}` : '';
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
  out.finding(SIGNATURE_MARK[jwt.signature.status], printable(jwt.signature.message));
  for (const note of jwt.notes) out.finding('warning', printable(note));
}

/** Prints a decoded SAML Response; the indented document too with `xml`. */
export function printSaml(out: Printer, saml: DecodedSaml, xml: boolean): void {
  const binding = { post: 'HTTP-POST', redirect: 'HTTP-Redirect, deflated', xml: 'XML' }[saml.binding];
  const field = (label: string, value: string | undefined) => {
    if (value !== undefined && value !== '') out.field(label, printable(value));
  };
  out.line(`${out.p.bold('SAML Response')} ${out.p.dim(`(${binding})`)}`);
  out.heading('Response');
  field('ID', saml.id);
  field('Issuer', saml.issuer);
  field('IssueInstant', saml.issueInstant);
  field('Destination', saml.destination);
  if (saml.inResponseTo) field('InResponseTo', saml.inResponseTo);
  else out.field('InResponseTo', out.p.dim('(none: IdP-initiated)'));
  const status = printable([saml.status.code, ...saml.status.subcodes].join(' / '));
  out.field(
    'Status',
    `${saml.status.code === 'Success' ? out.p.green(status) : out.p.red(status)}${saml.status.message ? ` ${out.p.dim(`(${printable(saml.status.message)})`)}` : ''}`,
  );
  const a = saml.assertion;
  if (a) {
    const how = a.verified
      ? '(read from the verified assertion)'
      : saml.signature.refused !== undefined
        ? '(as sent: the response was refused, so nothing here is vouched for)'
        : '(as sent: not verified)';
    out.heading(`Assertion ${out.p.dim(how)}`);
    if (a.encrypted && !a.verified)
      out.line(`  ${out.p.dim('encrypted: pass --key with the SP private key and --metadata to read it')}`);
    if (a.nameId) {
      const format = a.nameIdFormat
        ? ` ${out.p.dim(`(${printable(a.nameIdFormat.replace(/^urn:oasis:names:tc:SAML:\d\.\d:nameid-format:/, ''))})`)}`
        : '';
      out.field('Subject', `${printable(a.nameId)}${format}`);
    }
    field('SessionIndex', a.sessionIndex);
    if (a.audiences.length > 0) out.field('Audience', a.audiences.map((v) => printable(v)).join('\n'));
    const names = Object.keys(a.attributes);
    if (names.length > 0) {
      out.line(`  ${out.p.dim('Attributes')}`);
      const shown = names.map((n) => printable(n));
      const width = Math.min(40, Math.max(...shown.map((n) => n.length)));
      for (const [i, name] of names.entries())
        out.field(
          `  ${shown[i]}`,
          (a.attributes[name] as string[]).map((v) => printable(v)).join(', '),
          width + 2,
        );
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
  if (saml.signature.refused !== undefined)
    out.finding('warning', `signature valid, response refused: ${printable(saml.signature.refused)}`);
  else out.finding(SIGNATURE_MARK[saml.signature.status], printable(saml.signature.message));
  for (const note of saml.notes) out.finding('warning', printable(note));
  if (xml) {
    out.heading('Document');
    out.line(printable(saml.xml, { multiline: true }));
  }
}
