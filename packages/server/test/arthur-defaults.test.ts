/**
 * Arthur's defaults: a connection loaded from Arthur's own YAML ("Full Configuration Example") signs
 * in the example token of Arthur's docs, which carries an email (`Login`) and no `email_verified`, as
 * Arthur does; an explicit `email_verified: false` is still refused, and the admin can require the flag.
 */
import { readFileSync } from 'node:fs';
import { loadArthurConfig } from '@ssokit/config';
import { type Connection, completeLogin, isSsoError } from '@ssokit/core';
import { memoryStorage } from '@ssokit/storage';
import { arthurExampleClaims } from 'ssokit-test-fixtures/arthur';
import { describe, expect, it } from 'vitest';

const yaml = readFileSync(new URL('../../config/test/fixtures/arthur-full.yaml', import.meta.url), 'utf8');
/** The example token of Arthur's docs (section 1), with the `EmployeeID` its claimMapping names. */
const exampleClaims = arthurExampleClaims();

async function login(claims: Record<string, unknown>, provisioning?: Record<string, unknown>) {
  const { connection, roleDefinitions } = loadArthurConfig(yaml);
  const storage = memoryStorage();
  const stored = (await storage.connections.create({
    ...connection,
    ...(provisioning ? { provisioning: { ...connection.provisioning, ...provisioning } } : {}),
  } as never)) as Connection;
  return completeLogin(
    { connection: stored, identity: { issuer: exampleClaims.iss, subject: 'e-1001' }, claims },
    { store: storage.login, roles: { roleDefinitions } },
  );
}

describe("a connection from Arthur's YAML", () => {
  it("signs in Arthur's example token (email, no email_verified), mapping its claims", async () => {
    const result = await login(exampleClaims);
    expect(result.user).toMatchObject({
      email: 'john.doe@example.com',
      givenName: 'John',
      familyName: 'Doe',
    });
  });

  it('still refuses an email the IdP says is not verified, and requires the flag when the admin asks', async () => {
    const unverified = await login({ ...exampleClaims, email_verified: false }).catch((e: unknown) => e);
    expect(isSsoError(unverified, 'email_not_verified')).toBe(true);
    const strict = await login(exampleClaims, { trustEmail: false }).catch((e: unknown) => e);
    expect(isSsoError(strict, 'email_not_verified')).toBe(true);
  });
});
