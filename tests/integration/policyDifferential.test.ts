/** @jest-environment node */
/**
 * Differential test of several-rule policies against real Prometheus 2.42 (method:
 * differentialRunner.ts): for each policy P and corpus query Q, enforce(Q, P) over a TSDB of every
 * tenant, cluster and untenanted series answers exactly what Q answers over a TSDB of only the
 * series P allows — 0 leaks (nothing P forbids) and 0 missing series (nothing P allows lost).
 *
 * Enforcement runs with error-on-replace: a query that names a policy label with a value no rule
 * allows is refused instead of having its matcher replaced (prom-label-proxy's replace semantics
 * answer with the rule's value, which is within the policy but not what Q asked). Refusals are
 * counted, never compared.
 *
 * Default: a deterministic sample of POLICY_DIFFERENTIAL_SAMPLE (300) queries per policy.
 * POLICY_DIFFERENTIAL_FULL=1: the whole corpus for every policy (long).
 */
import { mkdirSync, writeFileSync } from 'fs';
import path from 'path';

import { parsePolicy, type Policy } from '../../src/policy';
import { createPolicyEnforcer, enforcePolicyQuery } from '../../src/promql/policy/enforcePolicy';
import { loadPrometheus242Corpus, sampleCorpus } from '../support/tenantFixtureCorpus';
import { runBatch, showDifferences, summarise, type Restriction, type Row } from './differentialRunner';

const FULL = process.env.POLICY_DIFFERENTIAL_FULL === '1';
const SAMPLE_SIZE = FULL ? Infinity : Number(process.env.POLICY_DIFFERENTIAL_SAMPLE ?? 300);
const BATCH_SIZE = 1000;
const REPORT_DIR = path.resolve(__dirname, '..', 'artifacts', 'differential');

/** Three policies over the fixture's tenants a/b, clusters a-1, a-2, b-1, b-2 and untenanted series. */
export const POLICIES: Record<string, string[]> = {
  // Two rules on different labels, disjoint.
  'disjoint rules': ['{tenant="a", cluster="a-1"}', '{cluster="b-2"}'],
  // Overlapping: a-1 is allowed by both rules (`or` must not double it).
  'overlapping rules': ['{tenant="a"}', '{cluster=~".*-1"}'],
  // Three rules, negative and regex matchers, and untenanted series by instance.
  'three rules with untenanted series': [
    '{tenant="b", job="api"}',
    '{instance="central-node:9100"}',
    '{cluster="a-2", job!="api"}',
  ],
};

function restriction(policy: Policy): Restriction {
  const enforcer = createPolicyEnforcer(policy, { errorOnReplace: true });
  return {
    enforce: (expr) => enforcePolicyQuery(expr, enforcer),
    allowed: { allow: policy.rules.map((r) => r.matchers) },
    absentLabels: [...new Set(policy.rules.flatMap((r) => r.matchers.map((m) => m.name)))],
  };
}

describe('policy differential: enforce(Q, P) on every series == Q on the series P allows', () => {
  const corpus = sampleCorpus(loadPrometheus242Corpus(), SAMPLE_SIZE);

  it.each(Object.entries(POLICIES))(
    '%s: no leak and no missing series',
    async (name, rules) => {
      const rows: Row[] = [];
      for (let i = 0; i < corpus.length; i += BATCH_SIZE) {
        rows.push(...(await runBatch(restriction(parsePolicy(rules)), corpus.slice(i, i + BATCH_SIZE))));
      }
      const summary = summarise(rows);
      const refusals = new Map<string, number>();
      for (const r of rows.filter((row) => row.verdict === 'rejected')) {
        const reason = (r.detail ?? '').replace(/at \d+:\d+ near "[^"]*"/, '').replace(/"[^"]*"/g, '…');
        refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
      }
      mkdirSync(REPORT_DIR, { recursive: true });
      writeFileSync(
        path.join(REPORT_DIR, `policy-${name.replace(/\W+/g, '-')}.json`),
        JSON.stringify(
          { rules, summary, refusals: Object.fromEntries(refusals), rows: rows.filter((r) => r.verdict !== 'equal') },
          null,
          2
        )
      );
      console.log(`policy differential ${name} ${JSON.stringify(summary)}`);

      expect(summary.queries).toBe(corpus.length);
      expect(summary.equalNonEmpty).toBeGreaterThan(summary.equal / 3);
      expect(summary.discriminating).toBeGreaterThan(summary.equalNonEmpty / 2);
      expect(showDifferences(rows)).toEqual([]);
    },
    FULL ? 60 * 60_000 : 240_000
  );
});
