/**
 * The differential method shared by the tenant and the policy differentials: for corpus queries,
 * the ENFORCED query over a TSDB holding every tenant must answer exactly what the ORIGINAL query
 * answers over a TSDB holding only the series the restriction allows (same values, real Prometheus
 * 2.42). Each batch of queries gets its own pair of TSDBs with series for the metrics those queries
 * select (tenantFixtureCorpus.ts), so most answers are not trivially empty.
 *
 * The one explained difference: absent()/absent_over_time() build their output labels from the
 * selector's equality matchers, so the enforced query answers with the restriction's labels added.
 * Such a result counts as "explained" only if it is equal once those labels are dropped on both
 * sides. Everything else that differs is "different" (the callers fail on any).
 */
import { parser } from '@prometheus-io/lezer-promql';
import { EnforceError } from '../../src/promql';
import { mapLimit } from '../../src/tenancy/observe';
import { startTenantFixture, type TenantFixture, type TenantFixtureOptions } from '../support/tenantFixture';
import { metricsForQueries, type CorpusQuery } from '../support/tenantFixtureCorpus';
import {
  compareOutcomes,
  describeOutcome,
  instantQuery,
  isEmptyResult,
  rangeQuery,
  type QueryOutcome,
} from './queryResults';

export type Verdict = 'equal' | 'both-error' | 'explained' | 'rejected' | 'different';
export type Evaluation = 'instant' | 'range';

export interface Row {
  evaluation: Evaluation;
  expr: string;
  source: string;
  verdict: Verdict;
  nonEmpty?: boolean;
  /** The unenforced query over the mixed TSDB answers differently: a leak would have been caught. */
  discriminating?: boolean;
  enforced?: string;
  detail?: string;
}

export interface Restriction {
  /** The query as the wall would send it; throws EnforceError to refuse. */
  enforce(expr: string): string;
  /** The "only what may be seen" TSDB (the mixed one is the default fixture). */
  allowed: TenantFixtureOptions;
  /** Labels the enforced matchers add to absent()'s output. */
  absentLabels: readonly string[];
}

const CONCURRENCY = 6;
const RANGE_EVERY = 5;
const RANGE_STEP = 300;
/** One sample a minute keeps the per-batch TSDBs small (~7k series); rate() windows of 2m+ see data. */
const STEP = 60;
const ABSENT_FUNCTIONS = new Set(['absent', 'absent_over_time']);

function run(evaluation: Evaluation, f: TenantFixture, expr: string): Promise<QueryOutcome> {
  return evaluation === 'instant'
    ? instantQuery(f.url, expr, f.time)
    : rangeQuery(f.url, expr, { start: f.start, end: f.end, step: RANGE_STEP });
}

function callsAbsent(expr: string): boolean {
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.name === 'FunctionIdentifier' && ABSENT_FUNCTIONS.has(expr.slice(cursor.from, cursor.to))) {
      return true;
    }
  } while (cursor.next());
  return false;
}

async function judge(
  r: Restriction,
  evaluation: Evaluation,
  q: CorpusQuery,
  mixed: TenantFixture,
  allowed: TenantFixture
): Promise<Row> {
  let enforced: string;
  try {
    enforced = r.enforce(q.expr);
  } catch (err) {
    if (err instanceof EnforceError) {
      return { evaluation, expr: q.expr, source: q.source, verdict: 'rejected', detail: `${err.kind}: ${err.message}` };
    }
    throw err;
  }
  const [original, viaEnforced, unenforced]: QueryOutcome[] = await Promise.all([
    run(evaluation, allowed, q.expr),
    run(evaluation, mixed, enforced),
    run(evaluation, mixed, q.expr),
  ]);
  let verdict: Verdict = compareOutcomes(original, viaEnforced);
  if (
    verdict === 'different' &&
    callsAbsent(q.expr) &&
    compareOutcomes(original, viaEnforced, r.absentLabels) === 'equal'
  ) {
    verdict = 'explained';
  }
  return {
    evaluation,
    expr: q.expr,
    source: q.source,
    verdict,
    nonEmpty: verdict === 'equal' && !isEmptyResult(original),
    discriminating: compareOutcomes(original, unenforced) !== 'equal',
    enforced,
    detail:
      verdict === 'different'
        ? `original on allowed series: ${describeOutcome(original)}\nenforced on mixed: ${describeOutcome(viaEnforced)}`
        : undefined,
  };
}

/** Judges one batch of queries on its own pair of TSDBs (every RANGE_EVERY-th also as a range query). */
export async function runBatch(r: Restriction, batch: readonly CorpusQuery[]): Promise<Row[]> {
  const extra = metricsForQueries(batch.map((q) => q.expr));
  const data: TenantFixtureOptions = { extra, step: STEP };
  const fixtures = await Promise.allSettled([startTenantFixture(data), startTenantFixture({ ...data, ...r.allowed })]);
  try {
    const [mixed, allowed] = fixtures.map((f) => {
      if (f.status === 'rejected') {
        throw f.reason;
      }
      return f.value;
    });
    const jobs = batch.flatMap((q, i) =>
      i % RANGE_EVERY === 0
        ? [
            { q, e: 'instant' as const },
            { q, e: 'range' as const },
          ]
        : [{ q, e: 'instant' as const }]
    );
    return await mapLimit(jobs, CONCURRENCY, ({ q, e }) => judge(r, e, q, mixed, allowed));
  } finally {
    await Promise.all(fixtures.map((f) => (f.status === 'fulfilled' ? f.value.stop() : undefined)));
  }
}

export function summarise(rows: readonly Row[]) {
  const count = (v: Verdict) => rows.filter((r) => r.verdict === v).length;
  return {
    queries: rows.filter((r) => r.evaluation === 'instant').length,
    rangeQueries: rows.filter((r) => r.evaluation === 'range').length,
    equal: count('equal'),
    equalNonEmpty: rows.filter((r) => r.nonEmpty).length,
    discriminating: rows.filter((r) => r.discriminating).length,
    bothError: count('both-error'),
    explainedAbsent: count('explained'),
    rejected: count('rejected'),
    different: count('different'),
  };
}

/** The first differences, readable in a failed expectation. */
export function showDifferences(rows: readonly Row[]): string[] {
  return rows
    .filter((r) => r.verdict === 'different')
    .slice(0, 10)
    .map((r) => `${r.evaluation}: ${r.expr}\nenforced: ${r.enforced}\n${r.detail}`);
}
