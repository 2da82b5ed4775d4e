/**
 * The conformance suite must be able to fail: run it against stores with one fault each and check
 * that the test meant to catch each fault fails, while an intact store passes everything.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface JsonReport {
  testResults: { assertionResults: { fullName: string; status: string }[] }[];
}

const expectedCatches: Record<string, string> = {
  'take-keeps-value': 'takes a transaction exactly once',
  'names-case-sensitive': 'refuses a second connection with the same name in another case',
  'ignores-updated-at': 'refuses an update with a stale updatedAt',
  'non-atomic-commit': 'refuses to link an identity that is already linked and writes nothing',
  'replay-always-new': 'says first-seen once per key',
  'unverified-email-found': 'an unverified email owns nothing',
  'no-expiry': 'honours expiry',
  'revoke-subject-any-connection': 'revokes by subject at one connection only',
  'session-idle-ignored': 'ends a session at its absolute expiry and at its idle expiry',
  'touch-revives': 'never revives a session',
  'counter-lost-update': 'concurrent hits once',
  'activity-unbounded': 'keeps only the newest entries of each connection and outcome',
  'role-names-case-sensitive': 'refuses a second role with the same name in another case',
  'role-file-bumps-updated-at': 'changes nothing when the file is applied again',
  'role-file-overwrites-api-role': 'refuses to overwrite a role created through the API',
  'role-file-keeps-removed': 'removes a file role that is gone from the file',
};

describe('the conformance testkit', () => {
  it('catches each injected fault, and passes an intact store', { timeout: 60_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssokit-faults-'));
    try {
      const output = join(dir, 'report.json');
      const vitest = join(import.meta.dirname, '../../../node_modules/vitest/vitest.mjs');
      const run = spawnSync(
        process.execPath,
        [
          vitest,
          'run',
          '--config',
          join(import.meta.dirname, 'faults/vitest.faults.config.ts'),
          '--reporter=json',
          `--outputFile=${output}`,
        ],
        { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
      );
      expect(run.status, run.stderr).toBe(1);
      const report = JSON.parse(readFileSync(output, 'utf8')) as JsonReport;
      const results = report.testResults.flatMap((file) => file.assertionResults);
      const failed = (suite: string) =>
        results.filter(
          (r) => r.fullName.startsWith(`storage conformance: ${suite} `) && r.status === 'failed',
        );

      const control = results.filter((r) => r.fullName.startsWith('storage conformance: control '));
      expect(control.length).toBeGreaterThan(25);
      expect(failed('control')).toEqual([]);
      for (const [fault, testName] of Object.entries(expectedCatches)) {
        const names = failed(`fault ${fault}`).map((r) => r.fullName);
        expect(names, fault).toContainEqual(expect.stringContaining(testName));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
