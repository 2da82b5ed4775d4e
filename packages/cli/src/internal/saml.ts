/**
 * `decode` for SAML Responses: read with `@ssokit/saml`'s hardened parser (`peekSamlResponse`), shown
 * as a summary (issuer, status, subject, attributes, conditions) and indented XML, and, given the IdP's
 * metadata or certificate, validated by `validateSamlResponse` as of the response's own issue time, with
 * the expectations the response states (its issuer, audience, destination, request): so the result says
 * whether the IdP's key signed it, not whether this moment or this SP would accept it. A refusal before
 * any signature was verified is `refused`, never "not checked"; one after it (the audience, the time
 * window) keeps the signature `valid` with the refusal beside it, and the assertion is then shown as
 * sent (`saml-fields.ts`), never as verified.
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
import type { SignatureStatus } from './jwt.ts';
import { readFileOrUrl, readTextFile } from './read-input.ts';
import { assertionAsSent, responseAsSent, timesOf } from './saml-fields.ts';
import type { SamlInput } from './saml-input.ts';
import { indentXml, readXml } from './xml-tree.ts';

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
  signature: {
    status: SignatureStatus;
    message: string;
    responseSigned: boolean;
    assertionSigned: boolean;
    /**
     * The signature verified, and the response was refused by a check made after it (its audience,
     * destination, time window...): why. The assertion shown is then the one as sent.
     */
    refused?: string;
  };
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
  // Read by place, as the schema orders a Response: never from inside a Signature or an Advice.
  const { status, plain, responseSigned, assertionSigned } = responseAsSent(root);
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
  const refuse = (why: string) => {
    decoded.signature.status = 'refused';
    decoded.signature.message = `refused before verification: ${why}`;
    return decoded;
  };
  if (input.binding === 'redirect')
    return refuse(
      'the HTTP-Redirect binding signs the URL (SigAlg, Signature), not the document; paste the POSTed value instead.',
    );
  const { idpKeys, entityId, source } = await keysOf(keys, peek.issuer);
  const issuedAt = peek.issueInstant?.getTime() ?? nowMs;
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
      [nowSymbol]: () => issuedAt + 1000,
    });
  } catch (error) {
    if (!isSsoError(error)) throw error;
    const reason = String(error.details?.reason ?? '');
    if (error.code === 'saml_signature_invalid') {
      decoded.signature.status = 'invalid';
      decoded.signature.message = `invalid: ${error.message}`;
      return decoded;
    }
    // Only these come after a signature verified; anything else stopped before one was checked.
    const afterSignature =
      (error.code === 'idp_error' && responseSigned) ||
      (error.code === 'saml_invalid' && AFTER_SIGNATURE.has(reason));
    if (!afterSignature) return refuse(error.message);
    decoded.signature.status = 'valid';
    decoded.signature.message = `valid: signed with a key of ${source}.`;
    decoded.signature.refused = error.message;
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
