/**
 * `@ssokit/admin-ui`: the Identity Providers console any app mounts with one option,
 * `createSso({ adminConsole: adminConsole(), authorizeAdmin })`. It is served by `sso.handle` at
 * `{basePath}/admin` behind `authorizeAdmin`, so it works wherever ssokit's routes do (Express, Koa,
 * Nest, Hono, Next.js...), and talks only to the admin API. Its assets are built with the package
 * (no CDN, nothing fetched or compiled at run time) and served under a strict Content-Security-Policy.
 *
 * @packageDocumentation
 */
import type { AdminConsoleMount } from '@ssokit/server';
import { assetFor, consoleResponse, refusalHtml, shellHtml } from './page.ts';

/** Options of {@link adminConsole}. */
export interface AdminConsoleOptions {
  /** The page title and heading. Default: `'Identity providers'`. */
  title?: string;
  /** The page's language (`<html lang>`), for screen readers. Default: `'en'`. */
  lang?: string;
  /** Where the refusal page's "Back to the app" link goes: a path on this site. Default: `'/'`. */
  homePath?: string;
  /**
   * A stylesheet of the host's, loaded after the console's (a path on this site, as the CSP allows
   * only this origin): set the `--ssokit-*` custom properties there to theme the console, e.g.
   * `:root { --ssokit-accent: #6d28d9; }`. Default: none.
   */
  stylesheet?: string;
}

/**
 * The console, for `createSso({ adminConsole })`. Open `{basePath}/admin` (default `/sso/admin`) as an
 * administrator; everyone else gets a page saying it is for administrators (403).
 *
 * @example
 * ```ts
 * import { adminConsole } from '@ssokit/admin-ui';
 * import { createSso } from '@ssokit/server';
 * import { memoryStorage } from '@ssokit/storage';
 *
 * const sso = createSso({
 *   baseUrl: 'https://app.example.com',
 *   storage: memoryStorage(),
 *   secret: process.env.SSO_SECRET ?? '',
 *   authorizeAdmin: async (request) => (await sso.getSession(request))?.roles.includes('admin') ?? false,
 *   adminConsole: adminConsole({ title: 'Sign-in settings' }),
 * });
 * ```
 */
export function adminConsole(options: AdminConsoleOptions = {}): AdminConsoleMount {
  const title = options.title ?? 'Identity providers';
  const lang = options.lang ?? 'en';
  const homePath = options.homePath ?? '/';
  const sitePath = (value: string) =>
    value.startsWith('/') && !value.startsWith('//') && !value.includes('\\');
  if (!sitePath(homePath))
    throw new TypeError('adminConsole({ homePath }): give a path on this site, such as "/".');
  if (options.stylesheet !== undefined && !sitePath(options.stylesheet))
    throw new TypeError('adminConsole({ stylesheet }): give a path on this site, such as "/theme.css".');
  return {
    serve(request, { path, basePath }) {
      if (path === '/admin')
        return consoleResponse(request, shellHtml(basePath, title, lang, options.stylesheet), 200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
        });
      const asset = assetFor(path.slice('/admin/ui/'.length));
      if (!asset) return undefined;
      // Content-hashed names: a new build is a new name, so an asset may be kept for a year.
      return consoleResponse(request, asset.body, 200, {
        'content-type': asset.type,
        'cache-control': 'private, max-age=31536000, immutable',
      });
    },
    refusal(request) {
      return consoleResponse(request, refusalHtml(title, lang, homePath), 403, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
    },
  };
}
