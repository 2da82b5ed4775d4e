import { ssoErrorCodes } from '@ssokit/core';
import { describe, expect, it } from 'vitest';
import { statusFor } from './status.ts';

describe('statusFor', () => {
  it('maps every error code to a 4xx or 5xx status, documented in one table', () => {
    for (const code of ssoErrorCodes) {
      const status = statusFor(code);
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
    }
  });

  it('answers a login refusal with 4xx and an unreachable IdP with 502', () => {
    expect(statusFor('invalid_state')).toBe(400);
    expect(statusFor('id_token_invalid')).toBe(401);
    expect(statusFor('email_not_verified')).toBe(403);
    expect(statusFor('connection_not_found')).toBe(404);
    expect(statusFor('concurrent_update')).toBe(409);
    expect(statusFor('idp_unreachable')).toBe(502);
    expect(statusFor('storage_failure')).toBe(503);
  });
});
