/** @jest-environment node */
/**
 * The real-world corpus, enforced, as Prometheus 2.42 reads it: a deterministic sample of
 * corpus-interpolated.jsonl is enforced, sent to /api/v1/format_query, and Prometheus' canonical
 * text is walked by the independent audit. A selector the engine missed because lezer and
 * Prometheus disagree about the text would show up here.
 */
import { readFileSync } from 'fs';
import { createEnforcer, EnforceError, enforceQuery } from '../../src/promql';
import { sharedPath } from '../support/shared';
import { formatQuery, prometheusForSuite } from './support/suitePrometheus';
import { auditEnforced, expectedTenantMatcher } from './support/selectorAudit';

const SAMPLE_EVERY = 8;
/** lezer-promql itself gives up on very long binary chains; such canonical texts cannot be re-walked. */
const LEZER_COMFORT_CHARS = 2000;

const prom = prometheusForSuite();

test('sampled corpus: Prometheus reads every enforced selector with the tenant', async () => {
  const lines = readFileSync(sharedPath('corpus', 'promql', 'corpus-interpolated.jsonl'), 'utf8').split('\n');
  const entries = lines
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { expr: string; prom242?: boolean })
    .filter((x, i) => x.prom242 !== false && i % SAMPLE_EVERY === 0);
  const enforcer = createEnforcer({ label: 'tenant', values: ['a', 'b.c'] });
  const expected = expectedTenantMatcher('tenant', ['a', 'b.c']);
  const failures: unknown[] = [];
  let checked = 0;
  for (const { expr } of entries) {
    let out: string;
    try {
      out = enforceQuery(expr, enforcer);
    } catch (err) {
      if (!(err instanceof EnforceError)) {
        failures.push({ expr, thrown: String(err) });
      }
      continue;
    }
    const body = await formatQuery(prom.url, out);
    if (body.status !== 'success') {
      continue; // Prometheus refuses it: nothing runs
    }
    const read = String(body.data);
    const problems = auditEnforced(read, expected).filter(
      (p) => !(read.length > LEZER_COMFORT_CHARS && p.startsWith('lezer error node'))
    );
    checked++;
    if (problems.length > 0) {
      failures.push({ expr, enforced: out, read, problems });
    }
  }
  expect(failures).toEqual([]);
  expect(checked).toBeGreaterThan(1000);
}, 240_000);
