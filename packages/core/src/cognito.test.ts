import { describe, expect, it } from 'vitest';
import { isCognitoDomain, isCognitoIssuer } from './cognito.ts';

describe('recognising AWS Cognito', () => {
  it('knows a user pool issuer (China too) from look-alikes and the Cognito domain', () => {
    expect(isCognitoIssuer('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC')).toBe(true);
    expect(isCognitoIssuer(new URL('https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_X'))).toBe(
      true,
    );
    expect(isCognitoIssuer('https://cognito-idp.eu-west-1.amazonaws.com.evil.example/x')).toBe(false);
    expect(isCognitoIssuer('https://acme.auth.eu-west-1.amazoncognito.com')).toBe(false);
    expect(isCognitoIssuer('not a url')).toBe(false);
    expect(isCognitoDomain('https://acme.auth.eu-west-1.amazoncognito.com/login')).toBe(true);
    expect(isCognitoDomain('https://cognito-idp.eu-west-1.amazonaws.com/x')).toBe(false);
  });
});
