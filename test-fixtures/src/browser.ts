/**
 * Browser tests' shared kit: Debian's Chromium through playwright-core (never a downloaded browser),
 * the CI rule that a missing browser fails rather than skips, an accessibility scan with axe-core
 * (injected from the npm package, nothing fetched), and a screenshot of a failed test's page.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';

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
