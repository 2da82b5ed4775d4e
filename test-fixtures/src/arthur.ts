/**
 * Shared by the oidc and server tests: the example token of Arthur's documentation (its "Basic Full
 * Example"), whose claims the Arthur YAML's claimMapping names (`Groups`, `Login`, `EmployeeID`, ...).
 * It carries an email (`Login`) and no `email_verified`.
 */

/** The example token's claims, issued by `issuer` (Arthur's docs use Okta's dev issuer). */
export function arthurExampleClaims(issuer = 'https://dev.okta.com/oauth2/default') {
  return {
    iss: issuer,
    aud: 'api://default',
    scp: ['openid'],
    Groups: ['idp-admin', 'org-1-model-owner', 'org-2-model-owner'],
    FirstName: 'John',
    LastName: 'Doe',
    Login: 'john.doe@example.com',
    EmployeeID: '1234567890',
  };
}
