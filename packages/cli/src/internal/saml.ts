/**
 * `decode` for SAML Responses: read with `@ssokit/saml`'s hardened parser (`peekSamlResponse`), shown
 * as a summary (issuer, status, subject, attributes, conditions) and indented XML, and, given the IdP's
 * metadata or certificate, validated by `validateSamlResponse` as of the response's own issue time, with
 * the expectations the response states (its issuer, audience, destination, request): so the result says
 * whether the IdP's key signed it, not whether this moment or this SP would accept it.
 *
 * @module
 */
import { createPrivateKey } from 'node:crypto';
import { ConfigError, isSsoError, now as nowSymbol } from '@ssokit/core';
import {
  decodeCertificate,
  idpSigningKeys,
  parseIdpMetadata,
  peekSamlResponse,
  type SamlAssertion,
  validateSamlResponse,
} from '@ssokit/saml';
import { CliError } from '../errors.ts';
import type { Status } from '../output.ts';
import { relative, type SignatureStatus } from './jwt.ts';
import { readFileOrUrl, readTextFile } from './read-input.ts';
import type { SamlInput } from './saml-input.ts';
import { attribute, childrenNamed, find, indentXml, readXml, textOf, type XmlNode } from './xml-tree.ts';

/** A decoded SAML Response. */
export interface DecodedSaml {
  kind: 'saml-response';
  binding: SamlInput['binding'];
  id?: string;
  issuer?: string;
  issueInstant?: string;
  destination?: string;
  inResponseTo?: string;
  status: { code: string; subcodes: string[]; message?: string };
  assertion?: {
    /** Read from the signature-verified assertion (true), or as the document says (false). */
    verified: boolean;
    encrypted: boolean;
    nameId?: string;
    nameIdFormat?: string;
    sessionIndex?: string;
    audiences: string[];
    attributes: Record<string, string[]>;
  };
  times: { name: string; date: string; status: Status; note: string }[];
  signature: { status: SignatureStatus; message: string; responseSigned: boolean; assertionSigned: boolean };
  notes: string[];
  /** The document, indented. */
  xml: string;
}

/** What the signature is checked with. */
export interface SamlKeys {
  metadata?: string;
  cert?: string;
  /** The SP private key, to decrypt an encrypted assertion. */
  key?: string;
  cwd: string;
}

/** Reasons `validateSamlResponse` gives after the signatures verified. */
const AFTER_SIGNATURE = new Set([
  'issuer',
  'destination',
  'subject',
  'name_id',
  'subject_confirmation',
  'recipient',
  'unsolicited',
  'in_response_to',
  'time',
  'expired',
  'not_yet_valid',
  'audience',
  'assertion_id',
]);

const short = (code: string | undefined) =>
  (code ?? 'none').replace('urn:oasis:names:tc:SAML:2.0:status:', '');

/** Decodes a SAML Response; with keys, checks its signature. Malformed input is a `CliError`. */
export async function decodeSaml(input: SamlInput, keys: SamlKeys, nowMs = Date.now()): Promise<DecodedSaml> {
  let peek: ReturnType<typeof peekSamlResponse>;
  try {
    peek = peekSamlResponse(input.base64);
  } catch (error) {
    throw new CliError(
      isSsoError(error) ? `Not a readable SAML Response: ${error.message}` : 'Not a SAML Response.',
    );
  }
  const root = readXml(input.xml);
  if (!root)
    throw new CliError('Not a SAML Response this command can show (its XML is not in the expected form).');
  const statusCode = find(childrenNamed(root, 'Status')[0] ?? root, 'StatusCode');
  const status = {
    code: short(statusCode && attribute(statusCode, 'Value')),
    subcodes: statusCode
      ? childrenNamed(statusCode, 'StatusCode').map((c) => short(attribute(c, 'Value')))
      : [],
    ...(textOf(find(root, 'StatusMessage'))
      ? { message: textOf(find(root, 'StatusMessage')) as string }
      : {}),
  };
  const plain = childrenNamed(root, 'Assertion')[0];
  const responseSigned = childrenNamed(root, 'Signature').length > 0;
  const assertionSigned = plain ? childrenNamed(plain, 'Signature').length > 0 : false;
  const notes: string[] = [];
  const decoded: DecodedSaml = {
    kind: 'saml-response',
    binding: input.binding,
    ...(peek.id ? { id: peek.id } : {}),
    ...(peek.issuer ? { issuer: peek.issuer } : {}),
    ...(peek.issueInstant ? { issueInstant: peek.issueInstant.toISOString() } : {}),
    ...(peek.destination ? { destination: peek.destination } : {}),
    ...(peek.inResponseTo ? { inResponseTo: peek.inResponseTo } : {}),
    status,
    ...(plain || peek.encryptedAssertion
      ? {
          assertion: plain
            ? assertionAsSent(plain)
            : { verified: false, encrypted: true, audiences: [], attributes: {} },
        }
      : {}),
    times: plain ? timesOf(plain, nowMs) : [],
    signature: {
      status: 'not-checked',
      message: 'not checked: pass --metadata <file|url> or --cert <file> to verify it.',
      responseSigned,
      assertionSigned,
    },
    notes,
    xml: indentXml(root),
  };
  if (keys.metadata === undefined && keys.cert === undefined) return decoded;
  if (input.binding === 'redirect') {
    decoded.signature.message =
      'not checked: the HTTP-Redirect binding signs the URL (SigAlg, Signature), not the document; paste the POSTed value instead.';
    return decoded;
  }
  const { idpKeys, entityId, source } = await keysOf(keys, peek.issuer);
  const at = peek.issueInstant?.getTime() ?? nowMs;
  let assertion: SamlAssertion;
  try {
    assertion = await validateSamlResponse(input.base64, {
      idpEntityId: entityId ?? peek.issuer ?? '',
      idpKeys,
      spEntityId: peek.audiences[0] ?? '',
      acsUrl: peek.destination ?? '',
      requestId: peek.inResponseTo ?? null,
      allowIdpInitiated: true,
      wantAssertionsSigned: false,
      allowSha1: true,
      onWarning: (_code, message) => void notes.push(message),
      replay: { firstSeen: async () => true },
      ...(keys.key !== undefined ? { decryptionKey: readKey(keys.key, keys.cwd) } : {}),
      [nowSymbol]: () => at + 1000,
    });
  } catch (error) {
    if (!isSsoError(error)) throw error;
    const reason = String(error.details?.reason ?? '');
    if (error.code === 'saml_signature_invalid') decoded.signature.status = 'invalid';
    else if (error.code === 'idp_error' && responseSigned) decoded.signature.status = 'valid';
    else if (error.code === 'saml_invalid' && AFTER_SIGNATURE.has(reason)) {
      decoded.signature.status = 'valid';
      notes.push(error.message);
    }
    decoded.signature.message =
      decoded.signature.status === 'valid'
        ? `valid: signed with a key of ${source}.`
        : decoded.signature.status === 'invalid'
          ? `invalid: ${error.message}`
          : `not checked: ${error.message}`;
    return decoded;
  }
  decoded.signature.status = 'valid';
  const signed = [responseSigned && 'the response', assertionSigned && 'the assertion']
    .filter(Boolean)
    .join(' and ');
  decoded.signature.message = `valid: ${signed || 'the decrypted assertion'} signed with a key of ${source}.`;
  decoded.assertion = {
    verified: true,
    encrypted: peek.encryptedAssertion,
    nameId: assertion.nameId,
    ...(assertion.nameIdFormat ? { nameIdFormat: assertion.nameIdFormat } : {}),
    ...(assertion.sessionIndex ? { sessionIndex: assertion.sessionIndex } : {}),
    audiences: peek.audiences,
    attributes: assertion.attributes,
  };
  return decoded;
}

/** The assertion as the document says it, unverified. */
function assertionAsSent(node: XmlNode): NonNullable<DecodedSaml['assertion']> {
  const nameId = find(node, 'NameID');
  const authn = childrenNamed(node, 'AuthnStatement')[0];
  const attributes: Record<string, string[]> = {};
  for (const statement of childrenNamed(node, 'AttributeStatement'))
    for (const attr of childrenNamed(statement, 'Attribute')) {
      const name = attribute(attr, 'Name');
      if (name === undefined) continue;
      attributes[name] = [
        ...(attributes[name] ?? []),
        ...childrenNamed(attr, 'AttributeValue').map((v) => textOf(v) ?? ''),
      ];
    }
  const conditions = childrenNamed(node, 'Conditions')[0];
  const audiences = conditions
    ? childrenNamed(conditions, 'AudienceRestriction').flatMap((r) =>
        childrenNamed(r, 'Audience').map((a) => textOf(a) ?? ''),
      )
    : [];
  const format = nameId && attribute(nameId, 'Format');
  const sessionIndex = authn && attribute(authn, 'SessionIndex');
  return {
    verified: false,
    encrypted: false,
    ...(textOf(nameId) ? { nameId: textOf(nameId) as string } : {}),
    ...(format ? { nameIdFormat: format } : {}),
    ...(sessionIndex ? { sessionIndex } : {}),
    audiences,
    attributes,
  };
}

/** The assertion's time window, each bound against now. */
function timesOf(node: XmlNode, nowMs: number): DecodedSaml['times'] {
  const out: DecodedSaml['times'] = [];
  const add = (name: string, value: string | undefined, kind: 'start' | 'end') => {
    const at = value === undefined ? Number.NaN : Date.parse(value);
    if (Number.isNaN(at)) return;
    const when = relative(at - nowMs);
    const late = kind === 'end' && at <= nowMs;
    const early = kind === 'start' && at > nowMs;
    out.push({
      name,
      date: new Date(at).toISOString(),
      status: late || early ? 'warning' : 'ok',
      note: late ? `expired ${when}` : early ? `not valid yet: ${when}` : when,
    });
  };
  const conditions = childrenNamed(node, 'Conditions')[0];
  add('Conditions NotBefore', conditions && attribute(conditions, 'NotBefore'), 'start');
  add('Conditions NotOnOrAfter', conditions && attribute(conditions, 'NotOnOrAfter'), 'end');
  const confirmation = find(node, 'SubjectConfirmationData');
  add('SubjectConfirmation NotOnOrAfter', confirmation && attribute(confirmation, 'NotOnOrAfter'), 'end');
  const authn = childrenNamed(node, 'AuthnStatement')[0];
  add('SessionNotOnOrAfter', authn && attribute(authn, 'SessionNotOnOrAfter'), 'end');
  return out;
}

/** The IdP's signing keys from --metadata or --cert. */
async function keysOf(keys: SamlKeys, issuer: string | undefined) {
  try {
    if (keys.metadata !== undefined) {
      const idp = parseIdpMetadata(await readFileOrUrl(keys.metadata, '--metadata', keys.cwd), {
        ...(issuer ? { entityId: issuer } : {}),
      });
      return {
        idpKeys: idpSigningKeys(idp),
        entityId: idp.entityId,
        source: `the IdP metadata (${idp.entityId})`,
      };
    }
    const cert = decodeCertificate(
      readTextFile(keys.cert as string, '--cert', keys.cwd),
      keys.cert as string,
      '--cert',
    );
    return {
      idpKeys: idpSigningKeys({ entityId: issuer ?? '', signingCertificates: [cert] }),
      entityId: undefined,
      source: `the certificate ${cert.subject.replace(/\n/g, ', ')}`,
    };
  } catch (error) {
    if (error instanceof ConfigError)
      throw new CliError(
        `${keys.metadata !== undefined ? '--metadata' : '--cert'}: ${error.issues.map((i) => i.message).join('; ')}`,
      );
    throw error;
  }
}

function readKey(path: string, cwd: string) {
  try {
    return createPrivateKey(readTextFile(path, '--key', cwd));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`--key: ${path} is not an unencrypted PEM private key.`);
  }
}
