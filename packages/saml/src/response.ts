/**
 * SAML Response validation (Web Browser SSO profile, HTTP-POST binding), in one fixed order so that
 * each bad input gets exactly one error code.
 *
 * @module
 */
import type { KeyObject } from 'node:crypto';
import type { Clock, IdentityKey, WarningHook } from '@ssokit/core';
import { now as nowSymbol, printable, SsoError } from '@ssokit/core';
import type { Element } from '@xmldom/xmldom';
import { decryptAssertion, encryptionModeOf, namespacesInScope } from './internal/decrypt.ts';
import { MAX_SAML_RESPONSE_LENGTH, readPostedResponse } from './internal/post-binding.ts';
import { checkAssertionChildren, checkResponseChildren, requireVersion20 } from './internal/schema.ts';
import { signatureOf, verifyElementSignature } from './internal/signature.ts';
import { attr, children, descendants, NS, onlyChild, textOf } from './internal/xml.ts';
import { peekOf, type SamlResponsePeek } from './response-peek.ts';

const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

/** What a SAML response must satisfy. */
export interface SamlResponseExpectations {
  /** The IdP's entityID, exactly (no URL normalisation). */
  idpEntityId: string;
  /**
   * The IdP's signing keys, from its metadata (`idpSigningKeys(idp)`), never the document's. RSA keys
   * under 2048 bits are refused: a signature that only such a key verifies fails with
   * `saml_signature_invalid`, `details.reason` `weak_key`.
   */
  idpKeys: readonly KeyObject[];
  /** This SP's entityID: the audience. */
  spEntityId: string;
  /** This SP's Assertion Consumer Service URL: the Destination and the Recipient. */
  acsUrl: string;
  /**
   * The ID of the AuthnRequest this login sent, from the transaction. `null` only for an unsolicited
   * (IdP-initiated) response, which needs `allowIdpInitiated`.
   */
  requestId: string | null;
  /** Accept unsolicited responses. Default: `false`. */
  allowIdpInitiated?: boolean;
  /** Require a signed assertion. Default: `true`. */
  wantAssertionsSigned?: boolean;
  /** Require a signed response. Default: `false`. */
  wantResponseSigned?: boolean;
  /** Accept SHA-1 signatures and digests (then reported as the `sha1-signature` warning). Default: `false`. */
  allowSha1?: boolean;
  /** Receives non-fatal findings (`sha1-signature`). Default: none. */
  onWarning?: WarningHook;
  /** Allowed clock skew in seconds, 0 to 600. Default: 120. */
  clockToleranceSec?: number;
  /** The replay cache; each assertion ID is accepted once while it is valid. */
  replay: {
    /** `true` the first time `key` is seen within `ttlMs` milliseconds, `false` after (a `ReplayCache`). */
    firstSeen(key: string, ttlMs: number): Promise<boolean>;
  };
  /**
   * Accept an AES-CBC encrypted assertion in an unsigned Response (see `SamlSettings` in core: CBC
   * ciphertext can be changed, and only a Response signature proves it was not). Default: `false`.
   */
  allowUnsignedCbcEncryption?: boolean;
  /** The SP's private key, to decrypt EncryptedAssertions. Default: none (encrypted assertions refused). */
  decryptionKey?: KeyObject;
  /** The largest SAMLResponse accepted, in base64 characters. Default: 524288 (512 KiB). */
  maxLength?: number;
  [nowSymbol]?: Clock;
}

/**
 * Decides the expectations of a response from what it says of itself, for a response that no login
 * of this browser started (IdP-initiated): the connection is found by its Issuer and audiences. The
 * response is parsed once; everything the resolver reads is then checked for real. Throw (an
 * `SsoError`) to refuse a response no connection accepts. `maxLength` is the default before parsing.
 */
export type SamlExpectationsResolver = (
  peek: SamlResponsePeek,
) => SamlResponseExpectations | Promise<SamlResponseExpectations>;

/** A validated assertion. */
export interface SamlAssertion {
  /** `(IdP entityID, NameID)`. */
  identity: IdentityKey;
  nameId: string;
  nameIdFormat?: string;
  sessionIndex?: string;
  assertionId: string;
  /** Attributes by Name, every value (repeated Attribute elements merged). */
  attributes: Record<string, string[]>;
  /** `attributes`, plus each attribute under its FriendlyName too, ready for claim mapping. */
  claims: Record<string, string[]>;
  /** Until when the IdP session may be used (`SessionNotOnOrAfter`). */
  sessionNotOnOrAfter?: Date;
  authnInstant?: Date;
}

function invalid(reason: string, message: string): never {
  throw new SsoError('saml_invalid', message, { details: { reason } });
}

/**
 * Validates a base64 `SAMLResponse` from the HTTP-POST binding and returns the assertion's identity and
 * attributes, read only from the signed assertion. Codes: `saml_invalid` (with `details.reason`),
 * `saml_signature_invalid`, `saml_replay`, and `idp_error` for a non-success status.
 *
 * The reading is strict, even of what the IdP signed: `Version="2.0"` on the Response and the
 * Assertion (`version`), their children exactly as the SAML 2.0 schemas order them
 * (`response_children`, `assertion_children`), no `samlp:Extensions` (`extensions`), and signature
 * transforms exactly enveloped-signature then exclusive C14N (`transform_sequence`).
 *
 * @example
 * ```ts
 * import { idpSigningKeys, validateSamlResponse } from '@ssokit/saml';
 *
 * const assertion = await validateSamlResponse(form.get('SAMLResponse') ?? '', {
 *   idpEntityId: idp.entityId,
 *   idpKeys: idpSigningKeys(idp), // once per connection, not per login
 *   spEntityId: 'https://app.example.com/sso/saml/metadata/okta',
 *   acsUrl: 'https://app.example.com/sso/saml/acs',
 *   requestId: transaction.requestId,
 *   replay: storage.replay,
 * });
 * ```
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf (§4.1.4)
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf (§2.3.3 Assertion, §3.2.2 StatusResponseType, §5.4.4 transforms)
 */
export async function validateSamlResponse(
  samlResponse: string,
  expectations: SamlResponseExpectations | SamlExpectationsResolver,
): Promise<SamlAssertion> {
  const resolve = typeof expectations === 'function' ? expectations : undefined;
  // 1. size, 2. base64, 3. parse, a Response at the root (once, whoever decides the expectations)
  const root = readPostedResponse(
    samlResponse,
    (resolve ? undefined : (expectations as SamlResponseExpectations).maxLength) ?? MAX_SAML_RESPONSE_LENGTH,
  );
  // 4. the Response's form, before anything is read from it (the resolver's peek included), so a
  // response gets the same code whoever decides the expectations:
  // - Version="2.0": saml-core-2.0-os §3.2.2 (StatusResponseType), "Version [Required]".
  // - its children, exactly saml-schema-protocol-2.0.xsd's ResponseType: Issuer?, ds:Signature?,
  //   Status, (Assertion | EncryptedAssertion)*, in that order, nothing else in any namespace; and no
  //   Extensions (§3.2.2: only what the parties agreed on, and ssokit agrees on none).
  requireVersion20(root, 'Response');
  checkResponseChildren(root);
  const expected = resolve ? await resolve(peekOf(root)) : (expectations as SamlResponseExpectations);
  const tolerance = (expected.clockToleranceSec ?? 120) * 1000;
  if (!(tolerance >= 0 && tolerance <= 600_000)) {
    throw Object.assign(new TypeError('"clockToleranceSec" must be a number of seconds from 0 to 600.'), {
      code: 'ERR_INVALID_ARG_VALUE',
    });
  }
  const now = (expected[nowSymbol] ?? Date.now)();
  const maxLength = expected.maxLength ?? MAX_SAML_RESPONSE_LENGTH;
  if (resolve && samlResponse.length > maxLength)
    invalid('size', `The SAMLResponse is larger than ${maxLength} characters.`);
  const onSha1 = () =>
    expected.onWarning?.(
      'sha1-signature',
      `A signature from ${expected.idpEntityId} uses SHA-1; configure the IdP to sign with SHA-256.`,
      {
        idpEntityId: expected.idpEntityId,
      },
    );

  // 5. the response signature, if any
  const responseSigned = signatureOf(root) !== undefined;
  if (responseSigned)
    verifyElementSignature(root, expected.idpKeys, { allowSha1: expected.allowSha1 === true, onSha1 });
  else if (expected.wantResponseSigned)
    fail('unsigned', 'The SAML Response is not signed, and this connection requires signed responses.');

  // 6. status (a non-success response legitimately has no assertion)
  const status = onlyChild(root, NS.samlp, 'Status', 'saml_invalid');
  const statusCode = status && onlyChild(status, NS.samlp, 'StatusCode', 'saml_invalid');
  const topCode = statusCode && attr(statusCode, 'Value');
  if (topCode !== SUCCESS) {
    const nested = statusCode
      ? children(statusCode, NS.samlp, 'StatusCode').map((c) => attr(c, 'Value') ?? '')
      : [];
    const message = status ? textOf(onlyChild(status, NS.samlp, 'StatusMessage', 'saml_invalid')) : undefined;
    const codes = [topCode ?? 'none', ...nested].map((c) =>
      c.replace('urn:oasis:names:tc:SAML:2.0:status:', ''),
    );
    throw new SsoError(
      'idp_error',
      `The identity provider answered ${codes.join(' / ')}${message ? `: ${printable(message)}` : ''}.`,
      {
        details: {
          statusCodes: [topCode, ...nested],
          ...(message ? { statusMessage: printable(message) } : {}),
        },
      },
    );
  }

  // 7. exactly one assertion (plain or encrypted) in the whole document, a direct child of the Response
  const plain = descendants(root, NS.saml, 'Assertion');
  const encrypted = descendants(root, NS.saml, 'EncryptedAssertion');
  if (plain.length + encrypted.length !== 1) {
    invalid(
      'assertion_count',
      `The response must carry exactly one assertion (it has ${plain.length + encrypted.length}).`,
    );
  }
  const carrier = (plain[0] ?? encrypted[0]) as Element;
  if (carrier.parentNode !== root)
    invalid('assertion_position', 'The assertion is not a direct child of the Response.');
  let assertion = carrier;
  let assertionSigned: boolean;
  if (encrypted.length === 1) {
    if (!expected.decryptionKey)
      invalid(
        'encrypted',
        'The assertion is encrypted, and this connection has no SP private key to decrypt it.',
      );
    // CBC ciphertext can be changed without the key; only a verified Response signature (step 4)
    // proves it was not. Without one, how a changed ciphertext fails would tell its plaintext.
    if (
      encryptionModeOf(carrier) === 'cbc' &&
      !responseSigned &&
      expected.allowUnsignedCbcEncryption !== true
    )
      invalid(
        'cbc_unsigned',
        'The assertion is encrypted with AES-CBC and the Response is not signed, so the ciphertext could have been changed. Have the IdP sign the response too (or encrypt with AES-GCM).',
      );
    // 7b-9 for an encrypted assertion: decryption, form and signature fail alike. What went wrong in a
    // ciphertext someone changed must not show: only an assertion the IdP signed gets further.
    try {
      assertion = decryptAssertion(carrier, expected.decryptionKey, namespacesInScope(carrier), maxLength);
      assertionSigned = checkAssertion(assertion, expected, onSha1);
    } catch (cause) {
      throw new SsoError(
        'saml_signature_invalid',
        'The encrypted assertion does not decrypt to an assertion signed by the identity provider.',
        { cause, details: { reason: 'encrypted_assertion' } },
      );
    }
  } else {
    assertionSigned = checkAssertion(assertion, expected, onSha1);
  }
  if (!assertionSigned && !responseSigned)
    fail('unsigned', 'Neither the SAML Response nor its assertion is signed.');

  // 10. issuer
  const responseIssuer = textOf(onlyChild(root, NS.saml, 'Issuer', 'saml_invalid'));
  if (responseIssuer !== undefined && responseIssuer !== expected.idpEntityId) {
    invalid(
      'issuer',
      `The response comes from "${printable(responseIssuer)}", not the configured IdP "${expected.idpEntityId}".`,
    );
  }
  const assertionIssuer = textOf(onlyChild(assertion, NS.saml, 'Issuer', 'saml_invalid'));
  if (assertionIssuer !== expected.idpEntityId) {
    invalid(
      'issuer',
      `The assertion was issued by "${printable(assertionIssuer ?? 'nobody')}", not the configured IdP "${expected.idpEntityId}".`,
    );
  }

  // 11. destination and recipient
  const destination = attr(root, 'Destination');
  if (destination !== undefined ? destination !== expected.acsUrl : responseSigned) {
    invalid(
      'destination',
      `The response is addressed to "${printable(destination ?? 'nowhere')}", not this SP's ACS URL ${expected.acsUrl}.`,
    );
  }
  const subject = onlyChild(assertion, NS.saml, 'Subject', 'saml_invalid');
  if (!subject) invalid('subject', 'The assertion has no Subject.');
  const nameIdElement = onlyChild(subject, NS.saml, 'NameID', 'saml_invalid');
  const nameId = textOf(nameIdElement);
  if (!nameIdElement || !nameId)
    invalid('name_id', 'The assertion has no NameID (or one with markup inside).');
  const bearer = children(subject, NS.saml, 'SubjectConfirmation').filter(
    (c) => attr(c, 'Method') === BEARER,
  );
  const confirmation = bearer
    .map((c) => onlyChild(c, NS.saml, 'SubjectConfirmationData', 'saml_invalid'))
    .find((d) => d !== undefined);
  if (!confirmation) invalid('subject_confirmation', 'The assertion has no bearer SubjectConfirmationData.');
  if (attr(confirmation, 'Recipient') !== expected.acsUrl) {
    invalid(
      'recipient',
      `The assertion is meant for "${printable(attr(confirmation, 'Recipient') ?? 'nobody')}", not this SP's ACS URL ${expected.acsUrl}.`,
    );
  }

  // 12. InResponseTo, failing closed
  const inResponseTo = [attr(root, 'InResponseTo'), attr(confirmation, 'InResponseTo')];
  if (expected.requestId === null) {
    if (!expected.allowIdpInitiated)
      invalid(
        'unsolicited',
        'The response was not asked for (IdP-initiated), and this connection does not allow that.',
      );
    if (inResponseTo.some((v) => v !== undefined))
      invalid('in_response_to', 'The response answers a request this login did not send.');
  } else if (inResponseTo.some((v) => v !== expected.requestId) || !expected.requestId) {
    invalid('in_response_to', 'The response does not answer the request this login sent (InResponseTo).');
  }

  // 13. time window
  const time = (element: Element | undefined, name: string): number | undefined => {
    const value = element && attr(element, name);
    if (value === undefined) return undefined;
    const parsed = Date.parse(value);
    if (Number.isNaN(parsed)) invalid('time', `The ${name} "${printable(value)}" is not a valid time.`);
    return parsed;
  };
  const confirmationExpiry = time(confirmation, 'NotOnOrAfter');
  if (confirmationExpiry === undefined)
    invalid('time', 'The bearer SubjectConfirmationData has no NotOnOrAfter.');
  if (now - tolerance >= confirmationExpiry)
    invalid('expired', 'The assertion has expired (SubjectConfirmationData NotOnOrAfter).');
  const conditions = onlyChild(assertion, NS.saml, 'Conditions', 'saml_invalid');
  const notBefore = time(conditions, 'NotBefore');
  const notOnOrAfter = time(conditions, 'NotOnOrAfter');
  if (notBefore !== undefined && notBefore > now + tolerance)
    invalid('not_yet_valid', 'The assertion is not valid yet (Conditions NotBefore); check the clocks.');
  if (notOnOrAfter !== undefined && now - tolerance >= notOnOrAfter)
    invalid('expired', 'The assertion has expired (Conditions NotOnOrAfter).');
  const authn = onlyChild(assertion, NS.saml, 'AuthnStatement', 'saml_invalid');
  const sessionExpiry = time(authn, 'SessionNotOnOrAfter');
  if (sessionExpiry !== undefined && now - tolerance >= sessionExpiry)
    invalid('expired', 'The IdP session has ended (SessionNotOnOrAfter).');

  // 14. audience: every AudienceRestriction must name this SP
  const restrictions = conditions ? children(conditions, NS.saml, 'AudienceRestriction') : [];
  if (restrictions.length === 0)
    invalid('audience', 'The assertion has no AudienceRestriction, so it could be meant for any SP.');
  for (const restriction of restrictions) {
    if (!children(restriction, NS.saml, 'Audience').some((a) => textOf(a) === expected.spEntityId)) {
      invalid(
        'audience',
        `The assertion is meant for another service provider, not "${expected.spEntityId}".`,
      );
    }
  }

  // 15. replay
  const assertionId = attr(assertion, 'ID');
  if (!assertionId) invalid('assertion_id', 'The assertion has no ID.');
  const until = Math.max(confirmationExpiry, notOnOrAfter ?? 0) + tolerance;
  if (
    !(await expected.replay.firstSeen(
      `saml:${expected.idpEntityId}:${assertionId}`,
      Math.max(until - now, 1000),
    ))
  ) {
    throw new SsoError('saml_replay', 'This assertion was already used to log in.', {
      details: { assertionId },
    });
  }

  // Claims, from the verified assertion only.
  const attributes: Record<string, string[]> = {};
  const claims: Record<string, string[]> = {};
  for (const statement of children(assertion, NS.saml, 'AttributeStatement')) {
    for (const attribute of children(statement, NS.saml, 'Attribute')) {
      const name = attr(attribute, 'Name');
      if (!name) continue;
      const values = children(attribute, NS.saml, 'AttributeValue')
        .map((v) => textOf(v))
        .filter((v): v is string => v !== undefined);
      attributes[name] = [...(attributes[name] ?? []), ...values];
      const friendly = attr(attribute, 'FriendlyName');
      if (friendly && friendly !== name) claims[friendly] = [...(claims[friendly] ?? []), ...values];
    }
  }
  Object.assign(claims, attributes);
  const result: SamlAssertion = {
    identity: { issuer: expected.idpEntityId, subject: nameId },
    nameId,
    assertionId,
    attributes,
    claims,
  };
  const format = attr(nameIdElement, 'Format');
  if (format) result.nameIdFormat = format;
  const sessionIndex = authn && attr(authn, 'SessionIndex');
  if (sessionIndex) result.sessionIndex = sessionIndex;
  if (sessionExpiry !== undefined) result.sessionNotOnOrAfter = new Date(sessionExpiry);
  const instant = time(authn, 'AuthnInstant');
  if (instant !== undefined) result.authnInstant = new Date(instant);
  return result;
}

function fail(reason: string, message: string): never {
  throw new SsoError('saml_signature_invalid', message, { details: { reason } });
}

/**
 * Steps 8 and 9, the assertion's form and its signature: Version="2.0" (saml-core-2.0-os §2.3.3,
 * "Version [Required]"); its children exactly saml-schema-assertion-2.0.xsd's AssertionType (Issuer,
 * ds:Signature?, Subject?, Conditions?, Advice?, then statements, in order, nothing else), so no second
 * Issuer, Subject or Conditions can sit where the checks do not look; then the signature in its schema
 * place. Returns whether the assertion is signed.
 */
function checkAssertion(assertion: Element, expected: SamlResponseExpectations, onSha1: () => void): boolean {
  requireVersion20(assertion, 'Assertion');
  checkAssertionChildren(assertion);
  const signed = signatureOf(assertion) !== undefined;
  if (signed)
    verifyElementSignature(assertion, expected.idpKeys, { allowSha1: expected.allowSha1 === true, onSha1 });
  else if (expected.wantAssertionsSigned !== false)
    fail('unsigned', 'The SAML assertion is not signed, and this connection requires signed assertions.');
  return signed;
}
