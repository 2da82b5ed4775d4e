/**
 * What a SAML Response says, as sent, for `decode` to show: each field read from its place in the
 * schema (Response > Status > StatusCode, Response > Assertion > Subject > NameID, ...), by namespace,
 * never from inside a `ds:Signature` (its `KeyInfo` is not signed) or an `Advice`. Nothing here is
 * verified; `validateSamlResponse` decides.
 *
 * @module
 */
import { relative } from './jwt.ts';
import type { DecodedSaml } from './saml.ts';
import { at, attribute, childrenOf, NS, textOf, type XmlNode } from './xml-tree.ts';

const short = (code: string | undefined) =>
  (code ?? 'none').replace('urn:oasis:names:tc:SAML:2.0:status:', '');

/** The Response's status, its (first) assertion, and which of the two carry a signature. */
export function responseAsSent(root: XmlNode): {
  status: DecodedSaml['status'];
  plain: XmlNode | undefined;
  responseSigned: boolean;
  assertionSigned: boolean;
} {
  const statusNode = at(root, [NS.protocol, 'Status']);
  const statusCode = at(statusNode, [NS.protocol, 'StatusCode']);
  const statusMessage = textOf(at(statusNode, [NS.protocol, 'StatusMessage']));
  const plain = at(root, [NS.assertion, 'Assertion']);
  return {
    status: {
      code: short(statusCode && attribute(statusCode, 'Value')),
      subcodes: childrenOf(statusCode, NS.protocol, 'StatusCode').map((c) => short(attribute(c, 'Value'))),
      ...(statusMessage ? { message: statusMessage } : {}),
    },
    plain,
    responseSigned: childrenOf(root, NS.dsig, 'Signature').length > 0,
    assertionSigned: childrenOf(plain, NS.dsig, 'Signature').length > 0,
  };
}

/** The assertion as the document says it, unverified, each field read from its place in the schema. */
export function assertionAsSent(node: XmlNode): NonNullable<DecodedSaml['assertion']> {
  const A = NS.assertion;
  const nameId = at(node, [A, 'Subject'], [A, 'NameID']);
  const authn = at(node, [A, 'AuthnStatement']);
  const attributes: Record<string, string[]> = {};
  for (const statement of childrenOf(node, A, 'AttributeStatement'))
    for (const attr of childrenOf(statement, A, 'Attribute')) {
      const name = attribute(attr, 'Name');
      if (name === undefined) continue;
      attributes[name] = [
        ...(attributes[name] ?? []),
        ...childrenOf(attr, A, 'AttributeValue').map((v) => textOf(v) ?? ''),
      ];
    }
  const audiences = childrenOf(at(node, [A, 'Conditions']), A, 'AudienceRestriction').flatMap((r) =>
    childrenOf(r, A, 'Audience').map((a) => textOf(a) ?? ''),
  );
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
export function timesOf(node: XmlNode, nowMs: number): DecodedSaml['times'] {
  const A = NS.assertion;
  const out: DecodedSaml['times'] = [];
  const add = (name: string, value: string | undefined, kind: 'start' | 'end') => {
    const time = value === undefined ? Number.NaN : Date.parse(value);
    if (Number.isNaN(time)) return;
    const when = relative(time - nowMs);
    const late = kind === 'end' && time <= nowMs;
    const early = kind === 'start' && time > nowMs;
    out.push({
      name,
      date: new Date(time).toISOString(),
      status: late || early ? 'warning' : 'ok',
      note: late ? `expired ${when}` : early ? `not valid yet: ${when}` : when,
    });
  };
  const conditions = at(node, [A, 'Conditions']);
  add('Conditions NotBefore', conditions && attribute(conditions, 'NotBefore'), 'start');
  add('Conditions NotOnOrAfter', conditions && attribute(conditions, 'NotOnOrAfter'), 'end');
  // The bearer confirmation is the one a browser-posted response is accepted by.
  const confirmations = childrenOf(at(node, [A, 'Subject']), A, 'SubjectConfirmation');
  const bearer =
    confirmations.find((c) => attribute(c, 'Method') === 'urn:oasis:names:tc:SAML:2.0:cm:bearer') ??
    confirmations[0];
  const data = at(bearer, [A, 'SubjectConfirmationData']);
  add('SubjectConfirmation NotOnOrAfter', data && attribute(data, 'NotOnOrAfter'), 'end');
  const authn = at(node, [A, 'AuthnStatement']);
  add('SessionNotOnOrAfter', authn && attribute(authn, 'SessionNotOnOrAfter'), 'end');
  return out;
}
