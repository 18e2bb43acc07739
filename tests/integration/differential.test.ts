/** @jest-environment node */
import { mkdirSync, writeFileSync } from 'fs';
import path from 'path';

import { createEnforcer, enforceQuery } from '../../src/promql';
import { loadPrometheus242Corpus, sampleCorpus } from '../support/tenantFixtureCorpus';
import { runBatch, showDifferences, summarise, type Restriction, type Row } from './differentialRunner';

/**
 * Differential test of the engine against real Prometheus 2.42 (method: differentialRunner.ts):
 * the query enforced for tenant "a" over a TSDB holding tenants a and b plus untenanted series must
 * answer exactly what the original query answers over a TSDB holding tenant a's series alone.
 *
 * Default: a deterministic sample of DIFFERENTIAL_SAMPLE (800) queries, one batch.
 * Full corpus: DIFFERENTIAL_FULL=1 (batches of 1000 queries; several minutes).
 */

const FULL = process.env.DIFFERENTIAL_FULL === '1';
const SAMPLE_SIZE = FULL ? Infinity : Number(process.env.DIFFERENTIAL_SAMPLE ?? 800);
const BATCH_SIZE = 1000;
const REPORT_DIR = path.resolve(__dirname, '..', 'artifacts', 'differential');

const enforcer = createEnforcer({ label: 'tenant', values: ['a'] });
const tenantA: Restriction = {
  enforce: (expr) => enforceQuery(expr, enforcer),
  allowed: { tenants: ['a'], untenanted: false },
  absentLabels: ['tenant'],
};

describe('differential: enforced query on mixed tenants == original on tenant a alone', () => {
  it(
    'has no unexplained difference over the corpus sample',
    async () => {
      const corpus = sampleCorpus(loadPrometheus242Corpus(), SAMPLE_SIZE);
      const rows: Row[] = [];
      for (let i = 0; i < corpus.length; i += BATCH_SIZE) {
        rows.push(...(await runBatch(tenantA, corpus.slice(i, i + BATCH_SIZE))));
      }
      const summary = summarise(rows);
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
      expect(showDifferences(rows)).toEqual([]);
    },
    FULL ? 60 * 60_000 : 180_000
  );
});
