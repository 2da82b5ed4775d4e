/**
 * What the console sends: the page (an HTML shell that loads one script and one stylesheet, with the
 * admin API's base path in a meta tag), the assets, and the refusal page, each under a strict
 * Content-Security-Policy: no inline script or style, nothing from another origin, no framing.
 *
 * @module
 */
import { script, style } from './generated/assets.ts';

/** The console's policy: its own script, style and API calls only. */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page's HTML: the shell the script fills in. */
export function shellHtml(basePath: string, title: string, lang: string, stylesheet?: string): string {
  const ui = `${basePath}/admin/ui/`;
  const theme = stylesheet ? `\n<link rel="stylesheet" href="${escapeHtml(stylesheet)}">` : '';
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="ssokit-base-path" content="${escapeHtml(basePath)}">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(ui + style.name)}">${theme}
<script src="${escapeHtml(ui + script.name)}" defer></script>
</head>
<body><noscript>The identity providers console needs JavaScript.</noscript></body>
</html>
`;
}

/** A response with the console's security headers; HEAD gets the headers alone. */
export function consoleResponse(
  request: Request,
  body: string,
  status: number,
  headers: Record<string, string>,
): Response {
  return new Response(request.method === 'HEAD' ? null : body, {
    status,
    headers: { ...SECURITY_HEADERS, ...headers },
  });
}

/** The asset named by a path under `/admin/ui/`, with its content type; undefined for another name. */
export function assetFor(name: string): { body: string; type: string } | undefined {
  if (name === script.name) return { body: script.body, type: 'text/javascript; charset=utf-8' };
  if (name === style.name) return { body: style.body, type: 'text/css; charset=utf-8' };
  return undefined;
}

/** The page for a visitor who is not an administrator. */
export function refusalHtml(title: string, lang: string, homePath: string): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><link rel="icon" href="data:,"></head>
<body><main><h1>Administrators only</h1><p>This console is for the administrators of this app. Sign in with an administrator's account, then open it again.</p><p><a href="${escapeHtml(homePath)}">Back to the app</a></p></main></body>
</html>
`;
}
