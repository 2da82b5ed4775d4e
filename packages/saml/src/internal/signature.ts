/**
 * XML Signature verification for SAML, parse-once: the element is verified in the DOM it was parsed
 * into, with keys decoded once from the IdP's metadata and never from the document's KeyInfo. The only
 * module that imports xml-crypto, and only for its exclusive canonicalisation.
 */
import { createHash, type KeyObject, timingSafeEqual, verify } from 'node:crypto';
import { SsoError } from '@ssokit/core';
import type { Element, Node } from '@xmldom/xmldom';
import { ExclusiveCanonicalization, SignedXml } from 'xml-crypto';
import { readCertificate, verifyWithIdpKeys } from './key-policy.ts';
import { attr, children, descendants, elementChildren, is, NS, onlyChild, textOf } from './xml.ts';

const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

const SIGNATURE_ALGORITHMS: Record<string, { hash: string; kind: 'rsa' | 'ec'; sha1?: true }> = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { hash: 'sha256', kind: 'rsa' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': { hash: 'sha384', kind: 'rsa' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { hash: 'sha512', kind: 'rsa' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256': { hash: 'sha256', kind: 'ec' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384': { hash: 'sha384', kind: 'ec' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512': { hash: 'sha512', kind: 'ec' },
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': { hash: 'sha1', kind: 'rsa', sha1: true },
};
const DIGEST_ALGORITHMS: Record<string, { hash: string; sha1?: true }> = {
  'http://www.w3.org/2001/04/xmlenc#sha256': { hash: 'sha256' },
  'http://www.w3.org/2001/04/xmldsig-more#sha384': { hash: 'sha384' },
  'http://www.w3.org/2001/04/xmlenc#sha512': { hash: 'sha512' },
  'http://www.w3.org/2000/09/xmldsig#sha1': { hash: 'sha1', sha1: true },
};

const canonicaliser = new ExclusiveCanonicalization();

/**
 * Public keys of certificates (PEM or base64 DER), decoded once per connection.
 *
 * @deprecated Use `idpSigningKeys(idp)`, which takes the IdP's metadata. Public only until the server
 * switches to it.
 */
export function keysFromCertificates(base64Certificates: readonly string[]): KeyObject[] {
  return base64Certificates.map((text) => readCertificate(text).publicKey);
}

function fail(reason: string, message: string): never {
  throw new SsoError('saml_signature_invalid', message, { details: { reason } });
}

/** The element's own `ds:Signature` child, if it has one; two is a refusal. */
export function signatureOf(element: Element): Element | undefined {
  const found = children(element, NS.ds, 'Signature');
  if (found.length > 1)
    fail('several_signatures', `<${element.localName}> carries ${found.length} signatures.`);
  return found[0];
}

/**
 * Verifies the enveloped signature of `element`: its one Reference must name `element`'s own ID, so
 * the element whose content is then read is exactly the element that was signed (no signature
 * wrapping), and declare exactly the transforms the digest is computed with (enveloped-signature, then
 * exclusive C14N). Throws `saml_signature_invalid` with `details.reason`.
 */
export function verifyElementSignature(
  element: Element,
  keys: readonly KeyObject[],
  options: { allowSha1: boolean; onSha1?: () => void },
): void {
  const signature = signatureOf(element);
  if (!signature) fail('unsigned', `<${element.localName}> is not signed.`);
  if (descendants(signature, NS.ds, 'SignedInfo').length !== 1)
    fail('signed_info', 'The signature must have exactly one SignedInfo.');
  const signedInfo = onlyChild(signature, NS.ds, 'SignedInfo', 'saml_signature_invalid') as Element;
  checkSignedInfoShape(signedInfo);

  const c14n = attr(
    onlyChild(signedInfo, NS.ds, 'CanonicalizationMethod', 'saml_signature_invalid') ?? signedInfo,
    'Algorithm',
  );
  if (c14n !== EXC_C14N)
    fail(
      'c14n',
      `The signature uses canonicalisation "${c14n ?? 'none'}"; only exclusive C14N (without comments) is accepted.`,
    );
  const methodName =
    attr(
      onlyChild(signedInfo, NS.ds, 'SignatureMethod', 'saml_signature_invalid') ?? signedInfo,
      'Algorithm',
    ) ?? '';
  const method = SIGNATURE_ALGORITHMS[methodName];
  if (!method) fail('algorithm', `The signature algorithm "${methodName}" is not accepted.`);
  if (method.sha1 && !options.allowSha1)
    fail('sha1', 'The signature uses SHA-1, which is refused unless the connection allows it explicitly.');

  const references = children(signedInfo, NS.ds, 'Reference');
  if (references.length !== 1)
    fail('reference', `The signature must have exactly one Reference (it has ${references.length}).`);
  const reference = references[0] as Element;
  const id = attr(element, 'ID');
  if (!id || attr(reference, 'URI') !== `#${id}`) {
    fail('reference', `The signature does not cover the <${element.localName}> it is attached to.`);
  }

  // The transforms are exactly [enveloped-signature, exclusive C14N]: saml-core-2.0-os §5.4.4,
  // "Signatures in SAML messages SHOULD NOT contain transforms other than the enveloped signature
  // transform ... or the exclusive canonicalization transforms"; verifiers MAY reject others. The
  // digest below is computed as exactly that pair (the element without its Signature, exclusive
  // C14N), so the Reference must declare exactly that: each once, in that order. Without the
  // enveloped transform the digest would cover the Signature itself, which no signer can compute;
  // without exclusive C14N last, XML-DSig serialises with inclusive C14N, which ssokit does not
  // compute; a repeat or another order describes processing ssokit would not be doing.
  const transforms = onlyChild(reference, NS.ds, 'Transforms', 'saml_signature_invalid');
  const steps = transforms ? elementChildren(transforms) : [];
  for (const step of steps) {
    const transform = is(step, NS.ds, 'Transform');
    const algorithm = transform ? attr(step, 'Algorithm') : undefined;
    if (algorithm !== EXC_C14N && algorithm !== ENVELOPED) {
      const shown = transform
        ? `"${(algorithm ?? 'none').slice(0, 120)}"`
        : `<${(step as Element).localName}>`;
      fail(
        'transform',
        `The signature uses the transform ${shown}; only enveloped-signature and exclusive C14N are accepted.`,
      );
    }
  }
  const [enveloped, exclusive] = steps;
  if (
    steps.length !== 2 ||
    attr(enveloped as Element, 'Algorithm') !== ENVELOPED ||
    attr(exclusive as Element, 'Algorithm') !== EXC_C14N
  ) {
    const named = steps.map((s) => (attr(s, 'Algorithm') === ENVELOPED ? 'enveloped-signature' : 'exc-c14n'));
    fail(
      'transform_sequence',
      `The signature of <${element.localName}> lists the transforms [${named.join(', ')}]; a SAML signature must list exactly enveloped-signature, then exclusive C14N (saml-core §5.4.4).`,
    );
  }
  const inclusive = children(exclusive as Element, EXC_C14N, 'InclusiveNamespaces')[0];
  const prefixList = (inclusive ? (attr(inclusive, 'PrefixList') ?? '') : '').split(/\s+/).filter(Boolean);
  const digestName =
    attr(onlyChild(reference, NS.ds, 'DigestMethod', 'saml_signature_invalid') ?? reference, 'Algorithm') ??
    '';
  const digest = DIGEST_ALGORITHMS[digestName];
  if (!digest) fail('algorithm', `The digest algorithm "${digestName}" is not accepted.`);
  if (digest.sha1 && !options.allowSha1)
    fail(
      'sha1',
      'The signature digest uses SHA-1, which is refused unless the connection allows it explicitly.',
    );
  const digestValue = Buffer.from(
    textOf(onlyChild(reference, NS.ds, 'DigestValue', 'saml_signature_invalid')) ?? '',
    'base64',
  );
  const signatureValue = Buffer.from(
    (textOf(onlyChild(signature, NS.ds, 'SignatureValue', 'saml_signature_invalid')) ?? '').replace(
      /\s+/g,
      '',
    ),
    'base64',
  );
  if (digestValue.length === 0 || signatureValue.length === 0)
    fail('malformed', 'The signature has no digest or signature value.');

  // The signature over SignedInfo first: it is small and proves the IdP's key signed this SignedInfo,
  // so the costly part (canonicalising the whole signed element for its digest) is spent only on
  // content the IdP signed, never on an anonymous forgery (W3C XML Signature Best Practices, "validate
  // the signature before references"). Both must hold; the order changes only what a forgery costs.
  const signedInfoCanonical = Buffer.from(canonicalise(signedInfo, []), 'utf8');
  const outcome = verifyWithIdpKeys(keys, method.kind, (key) => {
    try {
      return verify(
        method.hash,
        signedInfoCanonical,
        method.kind === 'ec' ? { key, dsaEncoding: 'ieee-p1363' } : key,
        signatureValue,
      );
    } catch {
      return false;
    }
  });
  if (!outcome.ok && outcome.refusedKey !== undefined)
    fail(
      'weak_key',
      `<${element.localName}> is signed with ${outcome.refusedKey}. Have the identity provider sign with a stronger key.`,
    );
  if (!outcome.ok)
    fail(
      'signature',
      `The signature of <${element.localName}> does not verify with the identity provider's certificates from its metadata.`,
    );

  // The enveloped-signature transform: the element without its own Signature, canonicalised.
  const next = signature.nextSibling;
  element.removeChild(signature);
  let canonical: string;
  try {
    canonical = canonicalise(element, prefixList);
  } finally {
    element.insertBefore(signature, next);
  }
  const computed = createHash(digest.hash).update(canonical, 'utf8').digest();
  if (computed.length !== digestValue.length || !timingSafeEqual(computed, digestValue)) {
    fail(
      'digest',
      `The content of <${element.localName}> does not match its signature: it was changed after signing.`,
    );
  }

  if (method.sha1 || digest.sha1) options.onSha1?.();
}

function canonicalise(element: Element, prefixList: string[]): string {
  return canonicaliser.process(element as never, {
    inclusiveNamespacesPrefixList: prefixList,
    ancestorNamespaces: prefixList.length > 0 ? ancestorNamespaces(element) : [],
  });
}

/** The namespace declarations in scope above `element`, nearest first, for InclusiveNamespaces. */
function ancestorNamespaces(element: Element): { prefix: string; namespaceURI: string }[] {
  const found = new Map<string, string>();
  for (let node: Node | null = element.parentNode; node && node.nodeType === 1; node = node.parentNode) {
    const attributes = (node as Element).attributes;
    for (let i = 0; i < attributes.length; i++) {
      const a = attributes.item(i);
      if (a && a.prefix === 'xmlns' && a.localName && !found.has(a.localName))
        found.set(a.localName, a.value ?? '');
    }
  }
  return [...found].map(([prefix, namespaceURI]) => ({ prefix, namespaceURI }));
}

/** The signature algorithm SP requests are signed with. */
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';

/**
 * Signs the root element of `xml` with an enveloped RSA-SHA256 signature (exclusive C14N), placed
 * after its Issuer, for HTTP-POST requests and signed metadata.
 */
export function signRootElement(
  xml: string,
  rootLocalName: string,
  privateKeyPem: string,
  certificatePem?: string,
): string {
  const signer = new SignedXml({
    privateKey: privateKeyPem,
    ...(certificatePem ? { publicCert: certificatePem } : {}),
    canonicalizationAlgorithm: EXC_C14N,
    signatureAlgorithm: RSA_SHA256,
  });
  const target = `/*[local-name(.)='${rootLocalName}']`;
  signer.addReference({
    xpath: target,
    transforms: [ENVELOPED, EXC_C14N],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  signer.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `${target}/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return signer.getSignedXml();
}

/**
 * SignedInfo is canonicalised before the signature is known to be the IdP's, so it is work anyone can
 * ask for: it must be what xmldsig-core §4.4 makes it (CanonicalizationMethod, SignatureMethod, one
 * Reference) and small, so that no namespace-heavy SignedInfo makes C14N slow (review 2, finding 2).
 */
function checkSignedInfoShape(signedInfo: Element): void {
  const names = elementChildren(signedInfo).map((child) =>
    child.namespaceURI === NS.ds ? child.localName : `{${child.namespaceURI ?? ''}}${child.localName}`,
  );
  if (names.join(',') !== 'CanonicalizationMethod,SignatureMethod,Reference')
    fail(
      'signed_info',
      'The SignedInfo must hold CanonicalizationMethod, SignatureMethod and one Reference, in that order.',
    );
  let count = 0;
  const stack: Element[] = [signedInfo];
  while (stack.length > 0) {
    const element = stack.pop() as Element;
    count += 1 + element.attributes.length;
    if (count > 64) fail('signed_info', 'The SignedInfo is larger than any signature needs.');
    stack.push(...elementChildren(element));
  }
}
