/**
 * The shape of a benchmark suite. Each file in bench/suites/ default-exports one. The runner measures
 * every task in the same process, one after another, and reports ops/s, the median time, and the ratio
 * of each `subject` task to every `peer` and `limit` task.
 */
export type BenchTask = TimedTask | SampledTask;

interface TaskBase {
  name: string;
  /**
   * `subject`: ssokit's own code. `peer`: another library doing the same job. `limit`: the least work
   * that can do the job (raw `node:crypto`, a bare Set difference), the ceiling no library can beat.
   * `step`: one part of the first subject's work, reported as its share of that subject's time.
   */
  role: 'subject' | 'peer' | 'limit' | 'step';
}

/** Work timed by tinybench, in this process. */
export interface TimedTask extends TaskBase {
  fn: () => unknown | Promise<unknown>;
}

/**
 * Work that cannot be repeated in this process (a cold start in a fresh `node`): the task measures
 * itself and returns one time in ms per call. The runner takes `samplesPerRound` samples of every task
 * per round, interleaved, and reports the median as if tinybench had measured it.
 */
export interface SampledTask extends TaskBase {
  sample: () => number | Promise<number>;
}

/** A target from an issue, checked and reported by the runner. */
export type BenchTarget =
  | { task: string; medianMsBelow: number }
  | { task: string; ratioAtLeast: number; versus: string }
  /** The task takes at most `timesAtMost` × the time of `versus` (the inverse of `ratioAtLeast`). */
  | { task: string; timesAtMost: number; versus: string };

/**
 * Thrown by a suite's `setup` when it cannot run here (e.g. the build it measures is missing): the
 * runner prints the message, marks the suite's targets missed, and goes on with the other suites.
 */
export class SuiteSkipped extends Error {
  override name = 'SuiteSkipped';
}

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
  /** For {@link SampledTask}s: samples of each task per round. Default: 1. */
  samplesPerRound?: number;
}

export function defineSuite(suite: BenchSuite): BenchSuite {
  return suite;
}
