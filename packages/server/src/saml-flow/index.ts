/**
 * The SAML flow of the server, loaded on first use (`import('./saml-flow/index.ts')`), so an app with
 * only OIDC connections never loads the SAML stack (xmldom, xml-crypto).
 *
 * @module
 */
export { idpOf, inlineMetadataIssues, responseExpectations } from './idp.ts';
export { samlAcs, startSamlLogin } from './login.ts';
export { samlLogoutUrl, samlSlo } from './logout.ts';
export { spMetadata } from './sp-metadata.ts';
