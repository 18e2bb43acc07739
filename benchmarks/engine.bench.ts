/**
 * PromQL engine throughput on the real corpus, measured in one run: bare lezer-promql parse,
 * enforcement (parse + Prometheus checks + splice), their ratio, and per-query latency.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { createEnforcer, enforceQuery } from '../src/promql';
import { interleaved, latencies as timeEach, loadInterpolatedCorpus, percentile } from './corpusTiming';
import type { Report } from './report';

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
  interleaved(exprs.slice(0, 3000), parse, enforce); // warm-up: let the JIT see both paths
  const { baselineQps: parseQps, candidateQps: enforceQps } = interleaved(exprs, parse, enforce);
  const latencies = timeEach(exprs, enforce);

  report({ name: 'engine.corpus_queries', value: exprs.length, unit: 'queries', goal: 'corpus-interpolated.jsonl' });
  report({ name: 'engine.parse_qps', value: parseQps, unit: 'queries/s', goal: 'baseline (bare lezer parse)' });
  report({ name: 'engine.enforce_qps', value: enforceQps, unit: 'queries/s', goal: 'high' });
  report({ name: 'engine.ratio', value: enforceQps / parseQps, unit: 'ratio', goal: '>= 0.7' });
  report({ name: 'engine.p50_ms', value: percentile(latencies, 50), unit: 'ms', goal: 'low' });
  report({ name: 'engine.p99_ms', value: percentile(latencies, 99), unit: 'ms', goal: 'low' });
}
