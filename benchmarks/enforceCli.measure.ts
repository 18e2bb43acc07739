/**
 * The enforce CLI's batch throughput as users run it (`npm run -s enforce`: tsx, JSON lines in on
 * stdin, JSON lines out to a file), for engine.bench.ts.
 *
 * Measured like the in-process engine.ratio: the CLI gets the same input sequence as the
 * in-process benchmark — its warm-up (the first WARM_UP_LINES corpus lines, `rounds` times), then
 * the whole corpus `rounds` times — and its throughput is the corpus passes divided by the time they
 * add to a run on the warm-up alone. That difference leaves out process start, module load and the
 * JIT warm-up, exactly what the in-process figure leaves out. The bare parse it is divided by is
 * timed in this process right after each CLI run (same queries, same count), so that load from
 * other processes on the shared machine hits both sides alike.
 *
 * The single-pass figure is the honest one for a small input: the corpus once, cold, minus a run on
 * an empty input; V8 needs a few thousand queries to optimise the engine, so it is much lower.
 *
 * Times are CPU times where Linux reports them (the CLI's from this process's reaped-children
 * counters in /proc/self/stat, the parse's from process.cpuUsage): the CLI is a separate process,
 * and on the shared 2-core machine its wall time depends on how the scheduler treats it (the same
 * run gave 0.55 and 0.82 in wall time), while CPU time does not. Elsewhere wall time is used.
 */
import { spawn } from 'child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { performance } from 'perf_hooks';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const ARGS = ['--label', 'tenant', '--value', 'a'];
/** USER_HZ: the unit of /proc times on every Linux architecture Node supports. */
const CLOCK_TICKS_PER_S = 100;

/**
 * CPU milliseconds of this process's children that have exited and been waited for (fields
 * cutime + cstime of /proc/self/stat, proc(5)); undefined where there is no /proc.
 */
function childrenCpuMs(): number | undefined {
  let stat: string;
  try {
    stat = readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // cutime and cstime are fields 16 and 17 of the whole line, i.e. 13 and 14 after the name.
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS_PER_S;
}

function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

interface Timing {
  wallMs: number;
  /** CPU time, or undefined where it cannot be read */
  cpuMs: number | undefined;
}

/**
 * Wall time of one CLI run reading `inputFile` and writing to a file in `dir` (as in
 * `enforce < in.jsonl > out.jsonl`; a pipe into this process would make the CLI wait for the
 * benchmark to be scheduled), after checking that it answered every line.
 */
function timeCli(dir: string, inputFile: string, expectedAnswers: number): Promise<Timing> {
  const outFile = path.join(dir, 'answers.jsonl');
  const stdin = openSync(inputFile, 'r');
  const stdout = openSync(outFile, 'w');
  return new Promise<Timing>((resolve, reject) => {
    const cpuBefore = childrenCpuMs();
    const start = performance.now();
    const child = spawn(process.execPath, [TSX, 'cli/enforce.ts', ...ARGS], {
      cwd: ROOT,
      stdio: [stdin, stdout, 'inherit'],
    });
    child.on('error', reject);
    child.on('close', () => {
      const wallMs = performance.now() - start;
      const cpuAfter = childrenCpuMs();
      const text = readFileSync(outFile, 'utf8');
      const answers = text === '' ? 0 : text.split('\n').length - 1;
      if (answers !== expectedAnswers) {
        reject(new Error(`enforce CLI gave ${answers} answers for ${expectedAnswers} lines of ${inputFile}`));
      } else {
        resolve({
          wallMs,
          cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
        });
      }
    });
  }).finally(() => {
    closeSync(stdin);
    closeSync(stdout);
  });
}

function timeParse(exprs: readonly string[], parse: (expr: string) => unknown, passes: number): Timing {
  const cpu = ownCpuMs();
  const t = performance.now();
  for (let pass = 0; pass < passes; pass++) {
    for (const expr of exprs) {
      parse(expr);
    }
  }
  return { wallMs: performance.now() - t, cpuMs: ownCpuMs() - cpu };
}

/** CPU times when every timing has one, else wall times. */
function pick(timings: Timing[]): { ms: (t: Timing) => number; clock: 'cpu' | 'wall' } {
  return timings.every((t) => t.cpuMs !== undefined)
    ? { ms: (t) => t.cpuMs!, clock: 'cpu' }
    : { ms: (t) => t.wallMs, clock: 'wall' };
}

export interface CliThroughput {
  /** queries/s over the corpus passes after the benchmark's warm-up (start-up and warm-up subtracted) */
  cliQps: number;
  /** queries/s of a bare lezer parse of the same queries, timed in the same rounds */
  parseQps: number;
  /** queries/s of one cold pass over the corpus, an empty run's time subtracted */
  singlePassQps: number;
  /** queries/s of the bare parse timed right after the single pass */
  singlePassParseQps: number;
  /** wall time of the CLI on an empty input */
  startupMs: number;
  /** which clock the ratios were computed with */
  clock: 'cpu' | 'wall';
}

export async function measureCliThroughput(
  corpusFile: string,
  exprs: readonly string[],
  parse: (expr: string) => unknown,
  opts: { passes: number; warmUpLines: number; rounds: number }
): Promise<CliThroughput> {
  const dir = mkdtempSync(path.join(tmpdir(), 'enforce-cli-bench-'));
  try {
    const corpusLines = readFileSync(corpusFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    if (corpusLines.length !== exprs.length) {
      throw new Error(`${corpusFile}: ${corpusLines.length} lines for ${exprs.length} queries`);
    }
    const warmUp = Array.from({ length: opts.passes }, () => corpusLines.slice(0, opts.warmUpLines)).flat();
    const corpusPasses = Array.from({ length: opts.passes }, () => corpusLines).flat();
    const warmUpFile = path.join(dir, 'warm-up.jsonl');
    const fullFile = path.join(dir, 'warm-up-and-corpus.jsonl');
    writeFileSync(warmUpFile, warmUp.join('\n') + '\n');
    writeFileSync(fullFile, [...warmUp, ...corpusPasses].join('\n') + '\n');

    const rounds: Array<{ warmOnly: Timing; full: Timing; parse: Timing }> = [];
    for (let round = 0; round < opts.rounds; round++) {
      const warmOnly = await timeCli(dir, warmUpFile, warmUp.length);
      const full = await timeCli(dir, fullFile, warmUp.length + corpusPasses.length);
      rounds.push({ warmOnly, full, parse: timeParse(exprs, parse, opts.passes) });
    }
    const empty = await timeCli(dir, '/dev/null', 0);
    const once = await timeCli(dir, corpusFile, exprs.length);
    const onceParse = timeParse(exprs, parse, 1);

    const { ms, clock } = pick([...rounds.flatMap((r) => [r.warmOnly, r.full, r.parse]), empty, once, onceParse]);
    const cliMs = rounds.reduce((sum, r) => sum + Math.max(1, ms(r.full) - ms(r.warmOnly)), 0);
    const parseMs = rounds.reduce((sum, r) => sum + ms(r.parse), 0);
    const total = exprs.length * opts.passes * opts.rounds;
    return {
      cliQps: total / (cliMs / 1000),
      parseQps: total / (parseMs / 1000),
      singlePassQps: exprs.length / (Math.max(1, ms(once) - ms(empty)) / 1000),
      singlePassParseQps: exprs.length / (ms(onceParse) / 1000),
      startupMs: empty.wallMs,
      clock,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
