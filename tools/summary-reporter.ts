/**
 * A Vitest reporter that ends every run with one plain line, `tests: N passed, N failed, N skipped`,
 * which CI systems that do not parse Vitest's own summary can read. With coverage on, the line comes
 * after the coverage report, so it stays the last line of the run.
 */
import type { Reporter, TestModule, Vitest } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  private line = '';
  private coverage = false;

  onInit(vitest: Vitest): void {
    this.coverage = vitest.config.coverage.enabled;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      const tests = [...module.children.allTests()];
      for (const test of tests) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      // A file that failed to load has no tests but must still count as a failure.
      if (module.state() === 'failed' && tests.length === 0) failed++;
    }
    this.line = `\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`;
    if (!this.coverage) process.stdout.write(this.line);
  }

  onCoverage(): void {
    // Vitest prints its coverage summary right after this hook; defer past it.
    setImmediate(() => process.stdout.write(this.line));
  }
}
