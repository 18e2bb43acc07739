/**
 * PromQL engine throughput on the real corpus, measured in one run: bare lezer-promql parse,
 * enforcement (parse + Prometheus checks + splice), their ratio, and per-query latency; then the
 * enforce CLI's batch path on the same corpus against a bare parse in the same rounds.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { createEnforcer, enforceQuery } from '../src/promql';
import { sharedPath } from '../tests/support/shared';
import { CORPUS_ROUNDS, interleaved, latencies as timeEach, loadInterpolatedCorpus, percentile } from './corpusTiming';
import { measureCliThroughput } from './enforceCli.measure';
import type { Report } from './report';

const WARM_UP_LINES = 3000;
/** Pairs of CLI runs (warm-up alone, warm-up + corpus passes) summed into engine.cli_ratio. */
const CLI_ROUNDS = 2;

const corpusFile = () => sharedPath('corpus', 'promql', 'corpus-interpolated.jsonl');

export default async function bench(report: Report): Promise<void> {
  const enforcer = createEnforcer({ label: 'tenant', values: ['a'] });
  const exprs = loadInterpolatedCorpus().filter((expr) => {
    try {
      enforceQuery(expr, enforcer);
      return true;
    } catch {
      return false; // the one known-rejected line; both sides measure the same set
    }
  });
  const parse = (expr: string) => parser.parse(expr);
  const enforce = (expr: string) => enforceQuery(expr, enforcer);
  interleaved(exprs.slice(0, WARM_UP_LINES), parse, enforce); // warm-up: let the JIT see both paths
  const { baselineQps: parseQps, candidateQps: enforceQps } = interleaved(exprs, parse, enforce);
  const latencies = timeEach(exprs, enforce);

  report({ name: 'engine.corpus_queries', value: exprs.length, unit: 'queries', goal: 'corpus-interpolated.jsonl' });
  report({ name: 'engine.parse_qps', value: parseQps, unit: 'queries/s', goal: 'baseline (bare lezer parse)' });
  report({ name: 'engine.enforce_qps', value: enforceQps, unit: 'queries/s', goal: 'high' });
  report({ name: 'engine.ratio', value: enforceQps / parseQps, unit: 'ratio', goal: '>= 0.7' });
  report({ name: 'engine.p50_ms', value: percentile(latencies, 50), unit: 'ms', goal: 'low' });
  report({ name: 'engine.p99_ms', value: percentile(latencies, 99), unit: 'ms', goal: 'low' });

  // The CLI answers every corpus line, the one the engine refuses included.
  const cli = await measureCliThroughput(corpusFile(), loadInterpolatedCorpus(), parse, {
    passes: CORPUS_ROUNDS,
    warmUpLines: WARM_UP_LINES,
    rounds: CLI_ROUNDS,
  });
  const clock = cli.clock === 'cpu' ? 'CPU time' : 'wall time';
  report({
    name: 'engine.cli_qps',
    value: cli.cliQps,
    unit: 'queries/s',
    goal: `high (JSON lines, warm, start-up subtracted, ${clock})`,
  });
  report({ name: 'engine.cli_ratio', value: cli.cliQps / cli.parseQps, unit: 'ratio', goal: `>= 0.7 (${clock})` });
  report({
    name: 'engine.cli_ratio_single_pass',
    value: cli.singlePassQps / cli.singlePassParseQps,
    unit: 'ratio',
    goal: `info (corpus once, cold JIT, ${clock})`,
  });
  report({ name: 'engine.cli_startup_ms', value: cli.startupMs, unit: 'ms', goal: 'info (empty input)' });
}
