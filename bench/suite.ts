/**
 * The shape of a benchmark suite. Each file in bench/suites/ default-exports one. The runner measures
 * every task in the same process, one after another, and reports ops/s, the median time, and the ratio
 * of each `subject` task to every `peer` and `limit` task.
 */
export interface BenchTask {
  name: string;
  /**
   * `subject`: ssokit's own code. `peer`: another library doing the same job. `limit`: the least work
   * that can do the job (raw `node:crypto`, a bare Set difference), the ceiling no library can beat.
   * `step`: one part of the first subject's work, reported as its share of that subject's time.
   */
  role: 'subject' | 'peer' | 'limit' | 'step';
  fn: () => unknown | Promise<unknown>;
}

/** A target from an issue, checked and reported by the runner. */
export type BenchTarget =
  | { task: string; medianMsBelow: number }
  | { task: string; ratioAtLeast: number; versus: string };

export interface BenchSuite {
  name: string;
  /** What the workload is, in one sentence (sizes, token shapes). */
  description: string;
  /** Prepares inputs once, before any task runs. */
  setup?: () => void | Promise<void>;
  tasks: BenchTask[];
  targets?: BenchTarget[];
  /** Measuring time per task in ms, split across the rounds. Default: 1500. */
  timeMs?: number;
  /** How many interleaved rounds. Default: 9 (env BENCH_ROUNDS). */
  rounds?: number;
}

export function defineSuite(suite: BenchSuite): BenchSuite {
  return suite;
}
