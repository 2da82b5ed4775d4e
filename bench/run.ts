/**
 * `pnpm bench [filter]`: runs every suite in bench/suites/ (or those whose name contains `filter`),
 * prints ops/s, median and ratios, and writes bench/results/<suite>.json plus bench/results/latest.json.
 * Peers run in the same process and the same run, so ratios compare like with like.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import type { BenchSuite, BenchTarget, BenchTask, SampledTask, TimedTask } from './suite.ts';
import { SuiteSkipped } from './suite.ts';

interface TaskReport {
  name: string;
  role: string;
  opsPerSec: number;
  medianMs: number;
  p99Ms: number;
  rmePercent: number;
  samples: number;
  ratios: Record<string, number>;
  /** ops/s of each round, sorted; the reported figures are the median round's. */
  rounds?: number[];
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);

const here = import.meta.dirname;
const filter = process.argv[2];
const files = readdirSync(join(here, 'suites'))
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const environment = {
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  date: new Date().toISOString(),
};
const all: Record<string, unknown>[] = [];
let missed = 0;

mkdirSync(join(here, 'results'), { recursive: true });

const selected: { file: string; suite: BenchSuite; slug: string }[] = [];
for (const file of files) {
  const exported = ((await import(join(here, 'suites', file))) as { default: BenchSuite | BenchSuite[] })
    .default;
  const suites = Array.isArray(exported) ? exported : [exported];
  for (const suite of suites) {
    if (filter && !suite.name.includes(filter) && !file.includes(filter)) continue;
    const slug =
      suites.length === 1
        ? file.replace('.bench.ts', '')
        : `${file.replace('.bench.ts', '')}-${suite.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
    selected.push({ file, suite, slug });
  }
}

for (const { suite, slug } of selected) {
  console.log(`\n## ${suite.name}\n${suite.description}\n`);
  try {
    await suite.setup?.();
  } catch (error) {
    if (!(error instanceof SuiteSkipped)) throw error;
    const targets = (suite.targets ?? []).map((t) => ({ met: false, text: `${t.task}: not measured` }));
    console.log(`skipped: ${error.message}`);
    missed += targets.length;
    all.push({
      suite: suite.name,
      description: suite.description,
      environment,
      skipped: error.message,
      targets,
    });
    continue;
  }
  // Several short rounds, every task in each, reported as the median round: a slow spell of the
  // machine then hits all tasks alike instead of skewing one ratio.
  const rounds = suite.rounds ?? ROUNDS;
  const perRound: Record<string, TaskReport[]> = {};
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? suite.tasks : [...suite.tasks].reverse();
    for (const run of await measureRound(suite, order, round, rounds)) {
      const runs = perRound[run.name] ?? [];
      perRound[run.name] = runs;
      runs.push(run);
    }
  }
  const perRoundInOrder: Record<string, number[]> = Object.fromEntries(
    suite.tasks.map((task) => [task.name, (perRound[task.name] ?? []).map((r) => r.opsPerSec)]),
  );
  const reports: TaskReport[] = suite.tasks.map((task) => {
    const runs = [...(perRound[task.name] ?? [])].sort((a, b) => a.opsPerSec - b.opsPerSec);
    return {
      ...(runs[Math.floor(runs.length / 2)] as TaskReport),
      rounds: runs.map((r) => Math.round(r.opsPerSec)),
    };
  });
  // Ratios are taken within each round (both tasks ran moments apart, in the same state of the
  // machine), then the median round's ratio is reported: this machine drifts between speeds, and a
  // ratio of medians from different rounds would mix those states.
  for (const subject of reports.filter((r) => r.role === 'subject')) {
    for (const other of reports.filter((r) => r.role === 'peer' || r.role === 'limit')) {
      const mine = perRoundInOrder[subject.name] ?? [];
      const theirs = perRoundInOrder[other.name] ?? [];
      const ratios = mine.map((ops, i) => ops / (theirs[i] ?? Number.NaN)).sort((a, b) => a - b);
      subject.ratios[other.name] = ratios[Math.floor(ratios.length / 2)] ?? Number.NaN;
    }
  }
  printTable(reports);
  const firstSubject = reports.find((r) => r.role === 'subject');
  for (const step of reports.filter((r) => r.role === 'step')) {
    if (firstSubject)
      console.log(
        `share of "${firstSubject.name}": ${((100 * firstSubject.opsPerSec) / step.opsPerSec).toFixed(0)}%  ${step.name}`,
      );
  }
  const targets = (suite.targets ?? []).map((target) => checkTarget(target, reports));
  for (const t of targets) {
    console.log(`${t.met ? 'target met   ' : 'target MISSED'}  ${t.text}`);
    if (!t.met) missed++;
  }
  const report = { suite: suite.name, description: suite.description, environment, tasks: reports, targets };
  all.push(report);
  writeFileSync(join(here, 'results', `${slug}.json`), `${JSON.stringify(report, null, 2)}\n`);
}
writeFileSync(
  join(here, 'results', 'latest.json'),
  `${JSON.stringify({ environment, suites: all }, null, 2)}\n`,
);
console.log(
  `\nReports written to bench/results/. ${missed === 0 ? 'Every target met.' : `${missed} target(s) missed.`}`,
);
if (missed > 0 && process.env.BENCH_STRICT === '1') process.exit(1);

/** One round: every task once, in `order`, by tinybench or (for sampled tasks) by the tasks themselves. */
async function measureRound(
  suite: BenchSuite,
  order: BenchTask[],
  round: number,
  rounds: number,
): Promise<TaskReport[]> {
  const sampled = order.filter((task): task is SampledTask => 'sample' in task);
  if (sampled.length === order.length) return sampleRound(sampled, suite.samplesPerRound ?? 1);
  if (sampled.length > 0) throw new Error(`suite "${suite.name}" mixes sampled and timed tasks`);
  const bench = new Bench({ time: (suite.timeMs ?? 1500) / rounds, warmupTime: round === 0 ? 300 : 50 });
  for (const task of order as TimedTask[]) bench.add(task.name, task.fn);
  await bench.run();
  return order.map((task) => {
    const result = bench.getTask(task.name)?.result;
    if (!result || !('latency' in result)) {
      const error = result && 'error' in result ? result.error : new Error('no result');
      throw new Error(`bench task "${task.name}" failed: ${String(error)}`);
    }
    return {
      name: task.name,
      role: task.role,
      opsPerSec: result.throughput.mean,
      medianMs: result.latency.p50,
      p99Ms: result.latency.p99,
      rmePercent: result.latency.rme,
      samples: result.latency.samplesCount,
      ratios: {},
    };
  });
}

/** Sampled tasks, interleaved: one sample of each task in turn, `perTask` times over. */
async function sampleRound(tasks: SampledTask[], perTask: number): Promise<TaskReport[]> {
  const times = new Map<string, number[]>(tasks.map((task) => [task.name, []]));
  for (let i = 0; i < perTask; i++) for (const task of tasks) times.get(task.name)?.push(await task.sample());
  return tasks.map((task) => {
    const ms = [...(times.get(task.name) ?? [])].sort((a, b) => a - b);
    const median = ms[Math.floor(ms.length / 2)] as number;
    return {
      name: task.name,
      role: task.role,
      opsPerSec: 1000 / median,
      medianMs: median,
      p99Ms: ms[Math.min(ms.length - 1, Math.ceil(ms.length * 0.99) - 1)] as number,
      // A handful of samples: the spread (half the range) in % of the median, not a margin of error.
      rmePercent: (100 * ((ms[ms.length - 1] as number) - (ms[0] as number))) / 2 / Math.abs(median),
      samples: ms.length,
      ratios: {},
    };
  });
}

function printTable(reports: TaskReport[]): void {
  const others = reports.filter((r) => r.role === 'peer' || r.role === 'limit').map((r) => r.name);
  const head = ['task', 'role', 'ops/s', 'median', 'p99', '±rme', ...others.map((o) => `× ${o}`)];
  const rows = reports.map((r) => [
    r.name,
    r.role,
    Math.round(r.opsPerSec).toLocaleString('en-US'),
    formatMs(r.medianMs),
    formatMs(r.p99Ms),
    `${r.rmePercent.toFixed(1)}%`,
    ...others.map((o) => (r.ratios[o] === undefined ? '' : `${(r.ratios[o] as number).toFixed(2)}×`)),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(line(head));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
}

function formatMs(ms: number): string {
  return ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`;
}

function checkTarget(target: BenchTarget, reports: TaskReport[]): { met: boolean; text: string } {
  const task = reports.find((r) => r.name === target.task);
  if (!task) return { met: false, text: `unknown task "${target.task}"` };
  if ('medianMsBelow' in target) {
    return {
      met: task.medianMs < target.medianMsBelow,
      text: `${task.name}: median ${formatMs(task.medianMs)} (target < ${target.medianMsBelow} ms)`,
    };
  }
  const ratio = task.ratios[target.versus] ?? Number.NaN;
  if ('timesAtMost' in target) {
    return {
      met: 1 / ratio <= target.timesAtMost,
      text: `${task.name}: ${(1 / ratio).toFixed(2)}× the time of ${target.versus} (target ≤ ${target.timesAtMost}×)`,
    };
  }
  return {
    met: ratio >= target.ratioAtLeast,
    text: `${task.name}: ${ratio.toFixed(2)}× ${target.versus} (target ≥ ${target.ratioAtLeast}×)`,
  };
}
