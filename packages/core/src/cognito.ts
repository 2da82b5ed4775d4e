/**
 * Recognising AWS Cognito by its URLs: the user pool's issuer (`https://cognito-idp.<region>.amazonaws.com/<pool id>`,
 * `.amazonaws.com.cn` in China) and the Cognito domain (`https://<prefix>.auth.<region>.amazoncognito.com`),
 * which hosts the login pages but is not the issuer. Cognito offers no implicit flow with `form_post`
 * (W&B's guide: "For AWS Cognito providers you must set the Auth Method to pkce").
 *
 * @module
 */

const ISSUER_HOST = /^cognito-idp\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/i;
const DOMAIN_HOST = /\.amazoncognito\.com$/i;

const hostOf = (url: string | URL): string | undefined => {
  try {
    return (typeof url === 'string' ? new URL(url) : url).hostname;
  } catch {
    return undefined;
  }
};

/**
 * Whether `url` is a Cognito user pool's issuer.
 *
 * @example
 * ```ts
 * import { isCognitoIssuer } from '@ssokit/core';
 *
 * isCognitoIssuer('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123'); // true
 * ```
 */
export function isCognitoIssuer(url: string | URL): boolean {
  return ISSUER_HOST.test(hostOf(url) ?? '');
}

/**
 * Whether `url` is on a Cognito domain (the hosted login pages), which is never the issuer.
 *
 * @example
 * ```ts
 * import { isCognitoDomain } from '@ssokit/core';
 *
 * isCognitoDomain('https://acme.auth.eu-west-1.amazoncognito.com'); // true
 * ```
 */
export function isCognitoDomain(url: string | URL): boolean {
  return DOMAIN_HOST.test(hostOf(url) ?? '');
}
