import { describe, expect, it } from 'vitest';
import { emitAudit } from './audit.ts';
import { ConfigError, isSsoError, SsoError, ssoErrorCodes } from './errors.ts';

describe('SsoError', () => {
  it('carries a stable code, a name, details and a cause, and serialises to the wire shape', () => {
    const cause = new Error('socket hang up');
    const error = new SsoError('idp_unreachable', 'The IdP at https://idp.example.com did not answer.', {
      cause,
      details: { url: 'https://idp.example.com', status: 502 },
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SsoError');
    expect(error.code).toBe('idp_unreachable');
    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ url: 'https://idp.example.com', status: 502 });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      error: 'idp_unreachable',
      message: 'The IdP at https://idp.example.com did not answer.',
    });
    expect(error.stack).toContain('errors.test.ts');
  });

  it('narrows with isSsoError', () => {
    const error: unknown = new SsoError('invalid_state', 'x');
    expect(isSsoError(error)).toBe(true);
    expect(isSsoError(error, 'invalid_state')).toBe(true);
    expect(isSsoError(error, 'saml_replay')).toBe(false);
    expect(isSsoError(new Error('x'))).toBe(false);
  });

  it('lists every code once', () => {
    expect(new Set(ssoErrorCodes).size).toBe(ssoErrorCodes.length);
    expect(ssoErrorCodes).toContain('config_invalid');
    expect(Object.isFrozen(ssoErrorCodes)).toBe(true);
  });
});

describe('ConfigError', () => {
  it('lists every issue with its location in the message', () => {
    const error = new ConfigError([
      { path: 'oidc.issuer', message: 'must be an https URL', line: 4, column: 11 },
      { path: 'name', message: 'is required', line: 2 },
      { path: '', message: 'unknown version' },
    ]);
    expect(error).toBeInstanceOf(SsoError);
    expect(error.name).toBe('ConfigError');
    expect(error.code).toBe('config_invalid');
    expect(error.message).toBe(
      'Invalid configuration:\n- oidc.issuer (line 4, column 11): must be an https URL\n- name (line 2): is required\n- (root): unknown version',
    );
    expect(error.issues).toHaveLength(3);
    expect(Object.isFrozen(error.issues[0])).toBe(true);
  });

  it('reads well with one issue or none', () => {
    expect(new ConfigError([{ path: 'secret', message: 'must be at least 32 bytes' }]).message).toBe(
      'Invalid configuration: secret: must be at least 32 bytes',
    );
    expect(new ConfigError([]).message).toBe('Invalid configuration.');
  });
});

describe('emitAudit', () => {
  it('awaits the hook and reports its failure instead of throwing', async () => {
    const seen: string[] = [];
    const event = { type: 'user.created' as const, at: new Date(), connectionId: 'c', userId: 'u' };
    await emitAudit(async (e) => void seen.push(e.type), event);
    await emitAudit(undefined, event);
    await emitAudit(
      () => Promise.reject(new Error('down')),
      event,
      (error) => seen.push((error as Error).message),
    );
    await emitAudit(() => {
      throw new Error('sync down');
    }, event);
    expect(seen).toEqual(['user.created', 'down']);
  });
});

describe('instanceof across copies of @ssokit/core', () => {
  it('keeps the class hierarchy within one copy', () => {
    const plain = new SsoError('invalid_state', 'x');
    const config = new ConfigError([{ path: 'a', message: 'b' }]);
    expect(plain instanceof SsoError).toBe(true);
    expect(plain instanceof ConfigError).toBe(false);
    expect(config instanceof SsoError && config instanceof ConfigError).toBe(true);
    expect(new Error('x') instanceof SsoError).toBe(false);
    expect({ code: 'invalid_state', name: 'SsoError' } instanceof SsoError).toBe(false);
  });

  it("recognises another copy's errors by the registered brand (the real CJS/ESM test is in the server)", () => {
    // What a second copy of this module looks like from here: other classes, the same Symbol.for brand.
    const brand = Symbol.for('ssokit.SsoError');
    class OtherSsoError extends Error {
      code = 'rate_limited';
    }
    Object.defineProperty(OtherSsoError.prototype, brand, { value: true });
    Object.defineProperty(OtherSsoError, 'name', { value: 'SsoError' });
    class OtherConfigError extends OtherSsoError {}
    Object.defineProperty(OtherConfigError, 'name', { value: 'ConfigError' });
    expect(new OtherSsoError() instanceof SsoError).toBe(true);
    expect(isSsoError(new OtherSsoError(), 'rate_limited')).toBe(true);
    expect(new OtherSsoError() instanceof ConfigError).toBe(false);
    expect(new OtherConfigError() instanceof ConfigError).toBe(true);
  });
});
