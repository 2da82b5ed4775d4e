/**
 * Browser tests' shared kit: Debian's Chromium through playwright-core (never a downloaded browser),
 * the CI rule that a missing browser fails rather than skips, an accessibility scan with axe-core
 * (injected from the npm package, nothing fetched), a screenshot of a failed test's page, and the
 * hooks that give each test its own page (useBrowser).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

/** Fails in CI when Chromium is missing (tests skip elsewhere, saying why). */
export function requireChromiumInCi(): void {
  if (!haveChromium && process.env.CI === 'true')
    throw new Error(`${CHROMIUM} is missing: .ci/run installs it with apt-get install -y chromium.`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** One axe-core violation, as the scan reports it. */
export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

const axeSource = (): string => {
  const require = createRequire(import.meta.url);
  return (require('axe-core') as { source: string }).source;
};

/**
 * Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is now and returns the serious and
 * critical violations. The script is added through the DevTools protocol, so a page whose CSP allows
 * no inline script is scanned all the same.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource());
  const result = (await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(options: object): Promise<unknown> } }).axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    }),
  )) as { violations: AxeViolation[] };
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Saves a full-page screenshot under `dir`, named after the test, when the test failed. */
export async function screenshotIfFailed(
  page: Page | undefined,
  test: { task: { name: string; result?: { state?: string } } },
  dir: string,
): Promise<void> {
  if (!page || test.task.result?.state !== 'fail') return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: `${dir}${test.task.name.replace(/[^a-z0-9]+/gi, '-')}.png`, fullPage: true });
}

/** What useBrowser answers: the file's browser, and the running test's context and page. */
export interface BrowserHandles {
  browser: Browser;
  context: BrowserContext;
  page: Page;
}

/**
 * Registers a test file's browser hooks: Chromium launched once for the file (failing in CI when it is
 * missing), a fresh context and page for each test, a screenshot under `shots` when a test fails, then
 * the context closed, and the browser after the file. Call it at the top of the file. The `page` and
 * `context` it answers always stand for the running test's own (`browser` for the file's), so they can
 * be named anywhere in the file (helpers included) but used only while a test or a later hook runs.
 */
export function useBrowser(shots: string): BrowserHandles {
  requireChromiumInCi();
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    if (haveChromium) browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    if (!browser) return;
    context = await browser.newContext();
    page = await context.newPage();
  });
  afterEach(async (test) => {
    await screenshotIfFailed(page, test, shots);
    await context?.close();
  });
  return {
    browser: current('browser', () => browser),
    context: current('context', () => context),
    page: current('page', () => page),
  };
}

/** An object that forwards every property to what `get` answers when the property is read. */
function current<T extends object>(name: string, get: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_, key) {
      const target = get();
      if (!target) {
        // Not a thenable, and quiet when inspected, outside a test.
        if (typeof key === 'symbol' || key === 'then') return undefined;
        throw new Error(`useBrowser's ${name} exists only while a test runs (read: ${key}).`);
      }
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
