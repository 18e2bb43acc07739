/** @jest-environment node */
import { mkdirSync, writeFileSync } from 'fs';
import path from 'path';
import { parser } from '@prometheus-io/lezer-promql';

import { createEnforcer, EnforceError, enforceQuery } from '../../src/promql';
import { mapLimit } from '../../src/tenancy/observe';
import { startTenantFixture, type TenantFixture, type TenantFixtureOptions } from '../support/tenantFixture';
import {
  loadPrometheus242Corpus,
  metricsForQueries,
  sampleCorpus,
  type CorpusQuery,
} from '../support/tenantFixtureCorpus';
import {
  compareOutcomes,
  describeOutcome,
  instantQuery,
  isEmptyResult,
  rangeQuery,
  type QueryOutcome,
} from './queryResults';

/**
 * Differential test of the engine against real Prometheus 2.42: for corpus queries, the query
 * enforced for tenant "a" over a TSDB holding tenants a and b plus untenanted series must answer
 * exactly what the original query answers over a TSDB holding tenant a's series alone (same values).
 * Each batch of queries gets its own pair of TSDBs with series for the metrics those queries select
 * (tenantFixtureCorpus.ts), so most answers are not trivially empty.
 *
 * The one explained difference: absent()/absent_over_time() build their output labels from the
 * selector's equality matchers, so the enforced query answers `{tenant="a", …}` where the original
 * answers `{…}`. Such a result counts as "explained" only if it is equal once the tenant label is
 * dropped on both sides. Everything else that differs fails the test.
 *
 * Every query is evaluated as an instant query at the fixture's `time`; every RANGE_EVERY-th one
 * also as a range query over the whole hour.
 *
 * Default: a deterministic sample of DIFFERENTIAL_SAMPLE (800) queries, one batch.
 * Full corpus: DIFFERENTIAL_FULL=1 (batches of 1000 queries; several minutes).
 */

const FULL = process.env.DIFFERENTIAL_FULL === '1';
const SAMPLE_SIZE = FULL ? Infinity : Number(process.env.DIFFERENTIAL_SAMPLE ?? 800);
const BATCH_SIZE = 1000;
const CONCURRENCY = 6;
const RANGE_EVERY = 5;
const RANGE_STEP = 300;
/** One sample a minute keeps the per-batch TSDBs small (~7k series); rate() windows of 2m+ see data. */
const STEP = 60;
const REPORT_DIR = path.resolve(__dirname, '..', 'artifacts', 'differential');

type Verdict = 'equal' | 'both-error' | 'explained' | 'rejected' | 'different';

type Evaluation = 'instant' | 'range';

/** Runs `expr` on fixture `f` as the given evaluation. */
function run(evaluation: Evaluation, f: TenantFixture, expr: string): Promise<QueryOutcome> {
  return evaluation === 'instant'
    ? instantQuery(f.url, expr, f.time)
    : rangeQuery(f.url, expr, { start: f.start, end: f.end, step: RANGE_STEP });
}

interface Row {
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

const ABSENT_FUNCTIONS = new Set(['absent', 'absent_over_time']);

/** Whether the query calls absent()/absent_over_time() (found on the lezer tree). */
function callsAbsent(expr: string): boolean {
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.name === 'FunctionIdentifier' && ABSENT_FUNCTIONS.has(expr.slice(cursor.from, cursor.to))) {
      return true;
    }
  } while (cursor.next());
  return false;
}

const enforcer = createEnforcer({ label: 'tenant', values: ['a'] });

async function judge(evaluation: Evaluation, q: CorpusQuery, mixed: TenantFixture, aOnly: TenantFixture): Promise<Row> {
  let enforced: string;
  try {
    enforced = enforceQuery(q.expr, enforcer);
  } catch (err) {
    if (err instanceof EnforceError) {
      return { evaluation, expr: q.expr, source: q.source, verdict: 'rejected', detail: `${err.kind}: ${err.message}` };
    }
    throw err;
  }
  const [original, viaEnforced, unenforced]: QueryOutcome[] = await Promise.all([
    run(evaluation, aOnly, q.expr),
    run(evaluation, mixed, enforced),
    run(evaluation, mixed, q.expr),
  ]);
  let verdict: Verdict = compareOutcomes(original, viaEnforced);
  if (verdict === 'different' && callsAbsent(q.expr) && compareOutcomes(original, viaEnforced, 'tenant') === 'equal') {
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
        ? `original on a-only: ${describeOutcome(original)}\nenforced on mixed: ${describeOutcome(viaEnforced)}`
        : undefined,
  };
}

async function runBatch(batch: readonly CorpusQuery[]): Promise<Row[]> {
  const extra = metricsForQueries(batch.map((q) => q.expr));
  const data: TenantFixtureOptions = { extra, step: STEP };
  const fixtures = await Promise.allSettled([
    startTenantFixture(data),
    startTenantFixture({ ...data, tenants: ['a'], untenanted: false }),
  ]);
  try {
    const [mixed, aOnly] = fixtures.map((f) => {
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
    return await mapLimit(jobs, CONCURRENCY, ({ q, e }) => judge(e, q, mixed, aOnly));
  } finally {
    await Promise.all(fixtures.map((f) => (f.status === 'fulfilled' ? f.value.stop() : undefined)));
  }
}

describe('differential: enforced query on mixed tenants == original on tenant a alone', () => {
  it(
    'has no unexplained difference over the corpus sample',
    async () => {
      const corpus = sampleCorpus(loadPrometheus242Corpus(), SAMPLE_SIZE);
      const rows: Row[] = [];
      for (let i = 0; i < corpus.length; i += BATCH_SIZE) {
        rows.push(...(await runBatch(corpus.slice(i, i + BATCH_SIZE))));
      }
      const count = (v: Verdict) => rows.filter((r) => r.verdict === v).length;
      const summary = {
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
      mkdirSync(REPORT_DIR, { recursive: true });
      writeFileSync(
        path.join(REPORT_DIR, FULL ? 'full.json' : 'sample.json'),
        JSON.stringify({ summary, rows: rows.filter((r) => r.verdict !== 'equal') }, null, 2)
      );
      console.log(`differential ${JSON.stringify(summary)}`);

      expect(summary.queries).toBe(corpus.length);
      // The data must make the comparison meaningful, not "empty on both sides" everywhere, and the
      // other tenants' series must change the answer of most queries run without enforcement.
      expect(summary.equalNonEmpty).toBeGreaterThan(summary.equal / 3);
      expect(summary.discriminating).toBeGreaterThan(summary.equalNonEmpty / 2);
      const different = rows.filter((r) => r.verdict === 'different');
      expect(
        different.slice(0, 10).map((r) => `${r.evaluation}: ${r.expr}\nenforced: ${r.enforced}\n${r.detail}`)
      ).toEqual([]);
    },
    FULL ? 60 * 60_000 : 180_000
  );
});
