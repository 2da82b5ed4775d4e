/**
 * IdP-initiated (unsolicited) SAML responses: only for active connections with `allowIdpInitiated`,
 * only without InResponseTo, and only when no login of this browser is waiting. The response is
 * parsed once: its Issuer and audiences pick the connection, whose expectations then check it for
 * real (signature, audience, recipient, time, replay). Each connection's first such login is warned.
 *
 * @module
 */
import { isSsoError, type SamlConnection, SsoError } from '@ssokit/core';
import { type SamlAssertion, type SamlResponsePeek, validateSamlResponse } from '@ssokit/saml';
import type { SsoContext } from '../context.ts';
import { acsExpectations, idpOf } from './idp.ts';

/** Thrown by the resolver when the response is not an unsolicited one for us. */
const NOT_UNSOLICITED = Symbol('not unsolicited');

/**
 * The validated assertion and its connection, or undefined when the response is not an unsolicited
 * one that a connection accepts (the transaction path then answers, `invalid_state`). A response that
 * does not even parse is left to that path too: nothing was started, so nothing is explained.
 */
export async function validateUnsolicited(
  ctx: SsoContext,
  raw: string,
): Promise<{ connection: SamlConnection; assertion: SamlAssertion } | undefined> {
  if (!raw) return undefined;
  const candidates = (await ctx.storage.connections.list()).filter(
    (c): c is SamlConnection => c.protocol === 'saml' && c.active && c.saml.allowIdpInitiated === true,
  );
  // Most apps allow no IdP-initiated login: then the response is not parsed here at all.
  if (candidates.length === 0) return undefined;
  let chosen: SamlConnection | undefined;
  let parsed = false;
  try {
    const assertion = await validateSamlResponse(raw, async (peek) => {
      parsed = true;
      chosen = await pick(ctx, candidates, peek);
      return acsExpectations(ctx, chosen, null);
    });
    const connection = chosen as SamlConnection;
    warnOnce(ctx, connection);
    return { connection, assertion };
  } catch (error) {
    if (error === NOT_UNSOLICITED || !parsed) return undefined;
    // An unsolicited response's status is read before any signature: its text is anyone's words, so
    // the visitor is told the fact, not the text (the whole error still reaches onError as the cause).
    if (isSsoError(error, 'idp_error'))
      throw new SsoError('idp_error', 'The identity provider did not sign you in.', {
        cause: error,
        details: { reason: 'unsolicited_status' },
      });
    throw error;
  }
}

/** The one candidate whose IdP issued the response and whose SP it names. */
async function pick(
  ctx: SsoContext,
  candidates: SamlConnection[],
  peek: SamlResponsePeek,
): Promise<SamlConnection> {
  if (peek.inResponseTo !== undefined || !peek.issuer) throw NOT_UNSOLICITED;
  const matches: SamlConnection[] = [];
  for (const c of candidates) {
    // An encrypted assertion hides its audience until it is decrypted; the validator checks it then.
    if (!peek.encryptedAssertion && !peek.audiences.includes(c.saml.spEntityId)) continue;
    if ((await idpOf(ctx, c)).entityId === peek.issuer) matches.push(c);
  }
  if (matches.length > 1)
    throw new SsoError(
      'invalid_state',
      'This unsolicited SAML response matches several connections; give each its own SP entity id.',
    );
  if (matches.length === 0) throw NOT_UNSOLICITED;
  return matches[0] as SamlConnection;
}

function warnOnce(ctx: SsoContext, c: SamlConnection): void {
  ctx.warn(
    'idp-initiated-login',
    `The connection "${c.name}" accepted an IdP-initiated login. Such logins cannot be bound to the browser that started them (login CSRF); keep allowIdpInitiated off unless users start from the IdP's portal.`,
    { connectionId: c.id },
    c.id,
  );
}
