/**
 * The console as `sso.handle` serves it: the page and assets for administrators only, under a strict
 * Content-Security-Policy with no inline script or style; a refusal page for everyone else; assets
 * built from the sources (the committed module is current) and within the size budget.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ConfigError } from '@ssokit/core';
import { createSso } from '@ssokit/server';
import { memoryStorage } from '@ssokit/storage';
import { describe, expect, it } from 'vitest';
import { script, style } from '../src/generated/assets.ts';
import { adminConsole } from '../src/index.ts';

const BASE = 'https://app.example.com';
const SECRET = 'test-secret-with-at-least-32-characters!';
/** The whole console, gzipped (page, script, stylesheet), in bytes: the budget its tests hold. */
export const GZIP_BUDGET_BYTES = 40 * 1024;

const app = (allowed: boolean | string) =>
  createSso({
    baseUrl: BASE,
    storage: memoryStorage(),
    secret: SECRET,
    authorizeAdmin: () => allowed,
    adminConsole: adminConsole({ title: 'Sign-in settings' }),
  });
const get = (sso: ReturnType<typeof app>, path: string, init: RequestInit = {}) =>
  sso.handle(new Request(`${BASE}${path}`, init));

describe('@ssokit/admin-ui served by createSso', () => {
  it('serves an administrator the page and its two assets, under a CSP with no inline script or style', async () => {
    const sso = app('alice');
    const page = await get(sso, '/sso/admin');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    const html = await page.text();
    expect(html).toContain('<meta name="ssokit-base-path" content="/sso">');
    expect(html).toContain('<title>Sign-in settings</title>');
    // Nothing inline: every script has a src, no <style>, no style= or on*= attribute.
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    for (const [name, type] of [
      [script.name, 'text/javascript; charset=utf-8'],
      [style.name, 'text/css; charset=utf-8'],
    ] as const) {
      expect(html).toContain(`/sso/admin/ui/${name}`);
      const asset = await get(sso, `/sso/admin/ui/${name}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toBe(type);
      expect(asset.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
      expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect((await get(sso, '/sso/admin/ui/app.0000.js')).status).toBe(404);
    expect((await get(sso, '/sso/admin', { method: 'HEAD' })).status).toBe(200);
    expect((await get(sso, '/sso/admin', { method: 'POST' })).status).toBe(405);
  });

  it('gives anyone authorizeAdmin refuses a page saying so, and no asset', async () => {
    const sso = app(false);
    const page = await get(sso, '/sso/admin', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(403);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('Administrators only');
    const asset = await get(sso, `/sso/admin/ui/${script.name}`);
    expect(asset.status).toBe(403);
    expect(await asset.text()).not.toContain(script.body.slice(0, 40));
  });

  it('needs authorizeAdmin, and says so at start-up', () => {
    expect(() =>
      createSso({ baseUrl: BASE, storage: memoryStorage(), secret: SECRET, adminConsole: adminConsole() }),
    ).toThrow(ConfigError);
    expect(() => adminConsole({ homePath: 'https://evil.example' })).toThrow(/path on this site/);
    expect(() => adminConsole({ stylesheet: '//cdn.example/theme.css' })).toThrow(/path on this site/);
  });

  it('loads a theme stylesheet of the host after its own', async () => {
    const sso = createSso({
      baseUrl: BASE,
      storage: memoryStorage(),
      secret: SECRET,
      authorizeAdmin: () => true,
      adminConsole: adminConsole({ stylesheet: '/theme.css' }),
    });
    const html = await (await get(sso, '/sso/admin')).text();
    expect(html.indexOf('href="/theme.css"')).toBeGreaterThan(html.indexOf(style.name));
  });

  it('ships what src/ui builds, within its gzipped budget', async () => {
    // The build script's check mode compares the committed module with a fresh build (exit 1 if stale).
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    expect(
      execFileSync(process.execPath, ['tools/build-admin-ui.ts', '--check'], { cwd: root, encoding: 'utf8' }),
    ).toContain('assets up to date');
    const page = await (await get(app(true), '/sso/admin')).text();
    const gzipped = [page, script.body, style.body].reduce((sum, body) => sum + gzipSync(body).length, 0);
    expect(gzipped).toBeLessThanOrEqual(GZIP_BUDGET_BYTES);
  });
});
