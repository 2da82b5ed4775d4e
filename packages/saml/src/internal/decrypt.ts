/**
 * EncryptedAssertion decryption (XML Encryption 1.1) on node:crypto: RSA-OAEP key transport (never
 * RSA 1.5, which leaks through padding oracles), AES-GCM or AES-CBC content.
 */
import { constants, createDecipheriv, type KeyObject, privateDecrypt } from 'node:crypto';
import { SsoError } from '@ssokit/core';
import type { Element } from '@xmldom/xmldom';
import { attr, children, descendants, NS, onlyChild, parseXml, textOf } from './xml.ts';

const CONTENT: Record<string, { cipher: string; mode: 'gcm' | 'cbc'; keyLength: number }> = {
  'http://www.w3.org/2009/xmlenc11#aes128-gcm': { cipher: 'aes-128-gcm', mode: 'gcm', keyLength: 16 },
  'http://www.w3.org/2009/xmlenc11#aes192-gcm': { cipher: 'aes-192-gcm', mode: 'gcm', keyLength: 24 },
  'http://www.w3.org/2009/xmlenc11#aes256-gcm': { cipher: 'aes-256-gcm', mode: 'gcm', keyLength: 32 },
  'http://www.w3.org/2001/04/xmlenc#aes128-cbc': { cipher: 'aes-128-cbc', mode: 'cbc', keyLength: 16 },
  'http://www.w3.org/2001/04/xmlenc#aes192-cbc': { cipher: 'aes-192-cbc', mode: 'cbc', keyLength: 24 },
  'http://www.w3.org/2001/04/xmlenc#aes256-cbc': { cipher: 'aes-256-cbc', mode: 'cbc', keyLength: 32 },
};
const DIGESTS: Record<string, string> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};
const OAEP_MGF1P = 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p';
const OAEP_11 = 'http://www.w3.org/2009/xmlenc11#rsa-oaep';

function fail(reason: string, message: string): never {
  throw new SsoError('saml_invalid', message, { details: { reason } });
}

/** The content cipher mode of an `EncryptedAssertion`, before any decryption: `gcm`, `cbc`, or unknown. */
export function encryptionModeOf(encrypted: Element): 'gcm' | 'cbc' | undefined {
  const data = children(encrypted, NS.xenc, 'EncryptedData')[0];
  const method = data && children(data, NS.xenc, 'EncryptionMethod')[0];
  return CONTENT[(method && attr(method, 'Algorithm')) ?? '']?.mode;
}

/**
 * Decrypts an `EncryptedAssertion` with the SP's private key and returns the assertion element,
 * parsed with the same refusals as any SAML message. `namespaces` are the declarations in scope at the
 * EncryptedAssertion, for plaintexts that use a prefix declared outside them.
 */
export function decryptAssertion(
  encrypted: Element,
  key: KeyObject,
  namespaces: Record<string, string>,
  maxLength: number,
): Element {
  const data = onlyChild(encrypted, NS.xenc, 'EncryptedData', 'saml_invalid');
  if (!data) fail('encrypted', 'The EncryptedAssertion has no EncryptedData.');
  const method =
    attr(onlyChild(data, NS.xenc, 'EncryptionMethod', 'saml_invalid') ?? data, 'Algorithm') ?? '';
  const content = CONTENT[method];
  if (!content)
    fail(
      'encrypted',
      `The assertion is encrypted with "${method}", which is not supported (AES-GCM or AES-CBC).`,
    );

  // The key: inside EncryptedData's KeyInfo, or beside EncryptedData in the EncryptedAssertion.
  const keys = [
    ...descendants(data, NS.xenc, 'EncryptedKey'),
    ...children(encrypted, NS.xenc, 'EncryptedKey'),
  ];
  if (keys.length !== 1)
    fail('encrypted', `The EncryptedAssertion must carry exactly one EncryptedKey (it has ${keys.length}).`);
  const encryptedKey = keys[0] as Element;
  const keyMethodElement = onlyChild(encryptedKey, NS.xenc, 'EncryptionMethod', 'saml_invalid');
  const keyMethod = keyMethodElement ? (attr(keyMethodElement, 'Algorithm') ?? '') : '';
  let oaepHash = 'sha1';
  if (keyMethod === OAEP_11) {
    const digest = keyMethodElement && children(keyMethodElement, NS.ds, 'DigestMethod')[0];
    oaepHash = (digest && DIGESTS[attr(digest, 'Algorithm') ?? '']) ?? 'sha1';
    const mgf = keyMethodElement && children(keyMethodElement, 'http://www.w3.org/2009/xmlenc11#', 'MGF')[0];
    if (
      mgf &&
      attr(mgf, 'Algorithm') !== 'http://www.w3.org/2009/xmlenc11#mgf1sha1' &&
      attr(mgf, 'Algorithm') !== `http://www.w3.org/2009/xmlenc11#mgf1${oaepHash}`
    ) {
      fail('encrypted', 'The key transport uses an MGF that is not supported.');
    }
  } else if (keyMethod !== OAEP_MGF1P) {
    fail(
      'encrypted',
      `The assertion key is wrapped with "${keyMethod || 'nothing'}"; only RSA-OAEP is accepted (RSA 1.5 is refused).`,
    );
  }
  const wrapped = base64Of(encryptedKey);
  let symmetric: Buffer;
  try {
    symmetric = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, wrapped);
  } catch {
    return fail(
      'decrypt',
      "The assertion key cannot be decrypted with this SP's private key; was it encrypted to another certificate?",
    );
  }
  if (symmetric.length !== content.keyLength)
    fail('decrypt', 'The assertion key has the wrong length for its cipher.');

  const cipherText = base64Of(data);
  let plain: Buffer;
  try {
    if (content.mode === 'gcm') {
      if (cipherText.length < 12 + 16) fail('decrypt', 'The encrypted assertion is too short.');
      const decipher = createDecipheriv(
        content.cipher as 'aes-256-gcm',
        symmetric,
        cipherText.subarray(0, 12),
      );
      decipher.setAuthTag(cipherText.subarray(cipherText.length - 16));
      plain = Buffer.concat([
        decipher.update(cipherText.subarray(12, cipherText.length - 16)),
        decipher.final(),
      ]);
    } else {
      if (cipherText.length < 32 || cipherText.length % 16 !== 0)
        fail('decrypt', 'The encrypted assertion has a broken length.');
      const decipher = createDecipheriv(content.cipher, symmetric, cipherText.subarray(0, 16));
      decipher.setAutoPadding(false);
      const padded = Buffer.concat([decipher.update(cipherText.subarray(16)), decipher.final()]);
      const pad = padded[padded.length - 1] as number;
      if (pad < 1 || pad > 16)
        fail('decrypt', 'The encrypted assertion does not decrypt to a padded plaintext.');
      plain = padded.subarray(0, padded.length - pad);
    }
  } catch (error) {
    if (error instanceof SsoError) throw error;
    return fail(
      'decrypt',
      'The encrypted assertion does not decrypt (it was changed, or encrypted to another key).',
    );
  }
  const text = plain.toString('utf8');
  const declarations = Object.entries(namespaces)
    .map(([prefix, uri]) => ` xmlns:${prefix}="${uri.replace(/[&<>"]/g, '')}"`)
    .join('');
  const wrapper = parseXml(`<ssokit-decrypted${declarations}>${text}</ssokit-decrypted>`, {
    kind: 'protocol',
    maxLength,
    code: 'saml_invalid',
  });
  const elements = descendants(wrapper, NS.saml, 'Assertion');
  const only = wrapper.firstChild;
  if (elements.length !== 1 || only !== elements[0] || only.nextSibling !== null)
    fail('encrypted', 'The EncryptedAssertion does not decrypt to exactly one Assertion.');
  return elements[0] as Element;
}

function base64Of(element: Element): Buffer {
  const cipherData = onlyChild(element, NS.xenc, 'CipherData', 'saml_invalid');
  const value = cipherData && textOf(onlyChild(cipherData, NS.xenc, 'CipherValue', 'saml_invalid'));
  if (!value) fail('encrypted', 'An encrypted element has no CipherValue.');
  return Buffer.from(value.replace(/\s+/g, ''), 'base64');
}

/** The namespace declarations in scope at `element`, nearest first. */
export function namespacesInScope(element: Element): Record<string, string> {
  const found: Record<string, string> = {};
  for (
    let node: Element | null = element;
    node && node.nodeType === 1;
    node = node.parentNode as Element | null
  ) {
    const attributes = node.attributes;
    for (let i = 0; i < attributes.length; i++) {
      const a = attributes.item(i);
      if (a?.prefix === 'xmlns' && a.localName && !(a.localName in found)) found[a.localName] = a.value ?? '';
    }
  }
  return found;
}
