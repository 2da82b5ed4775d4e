/**
 * The IdP URL rule applied to the IdP's SSO and SLO endpoints, from metadata or a stored descriptor.
 */
import type { ConfigIssue, WarningHook } from '@ssokit/core';
import { allowInsecureRequests, checkIdpUrl } from '@ssokit/core';

/** The escape hatch and its warning, as `parseIdpMetadata` and `idpMetadataFromDescriptor` take them. */
export interface EndpointPolicy {
  [allowInsecureRequests]?: boolean;
  onWarning?: WarningHook;
}

/**
 * The problem with an IdP endpoint URL under core's IdP URL rule (`checkIdpUrl`): https, or plain http
 * on a loopback host (anywhere with `allowInsecureRequests`). Anything else (`http:` elsewhere,
 * `javascript:`, `data:`, a relative URL) would send the browser, with the SAMLRequest and its
 * RelayState, somewhere other than over https to the IdP. `what` names the endpoint for the message
 * (`the SingleSignOnService (HTTP-POST) Location`), `fix` ends it; `path` is the issue's configuration
 * path.
 */
export function endpointProblem(
  location: string,
  what: string,
  path: string,
  policy: EndpointPolicy,
  fix = "The IdP's metadata must use https endpoints.",
): ConfigIssue | undefined {
  const check = checkIdpUrl(location, {
    allowInsecure: policy[allowInsecureRequests] === true,
    ...(policy.onWarning ? { onWarning: policy.onWarning } : {}),
  });
  if (check.ok) return undefined;
  const shown = location.length > 200 ? `${location.slice(0, 200)}...` : location;
  return {
    path,
    message: `${what} "${shown}" ${check.message} ${fix}`,
  };
}
