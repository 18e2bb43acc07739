/** @jest-environment node */
/**
 * Property: for random PromQL composed from hostile pieces, enforcement either throws EnforceError
 * or returns text whose every selector carries exactly the tenant matcher — checked by the
 * independent audit on the engine's output and, for a sample, on Prometheus 2.42's own reading of
 * it (/api/v1/format_query).
 */
import fc from 'fast-check';
import { createEnforcer, EnforceError, enforceQuery } from '../../src/promql';
import { vectorArb } from './support/queryArbitrary';
import { formatQuery, prometheusForSuite } from './support/suitePrometheus';
import { auditEnforced, expectedTenantMatcher } from './support/selectorAudit';

const CONFIGS = [
  { values: ['a'], errorOnReplace: false },
  { values: ['a'], errorOnReplace: true },
  { values: ['a', 'b.c|d*'], errorOnReplace: false },
];

function enforceOrRefuse(expr: string, values: string[], errorOnReplace: boolean): string | undefined {
  const e = createEnforcer({ label: 'tenant', values, errorOnReplace });
  try {
    return enforceQuery(expr, e);
  } catch (err) {
    if (err instanceof EnforceError) {
      return undefined;
    }
    throw err;
  }
}

test.each(CONFIGS)(
  'random hostile queries: refused or fully enforced ($values, errorOnReplace $errorOnReplace)',
  (c) => {
    const expected = expectedTenantMatcher('tenant', c.values);
    let accepted = 0;
    fc.assert(
      fc.property(vectorArb, (expr) => {
        const out = enforceOrRefuse(expr, c.values, c.errorOnReplace);
        if (out !== undefined) {
          accepted++;
          expect(auditEnforced(out, expected)).toEqual([]);
        }
      }),
      { numRuns: 1500, seed: 4242 }
    );
    // The generator must exercise the enforcement, not only the error paths.
    expect(accepted).toBeGreaterThan(300);
  }
);

describe('Prometheus reads the enforced random queries the same way', () => {
  const prom = prometheusForSuite();

  test('300 samples through /api/v1/format_query', async () => {
    const expected = expectedTenantMatcher('tenant', ['a']);
    const samples = fc.sample(vectorArb, { numRuns: 300, seed: 7 });
    let checked = 0;
    for (const expr of samples) {
      const out = enforceOrRefuse(expr, ['a'], false);
      if (out === undefined) {
        continue;
      }
      const body = await formatQuery(prom.url, out);
      if (body.status === 'success') {
        checked++;
        expect({ out, read: body.data, problems: auditEnforced(String(body.data), expected) }).toEqual({
          out,
          read: body.data,
          problems: [],
        });
      }
    }
    expect(checked).toBeGreaterThan(50);
  }, 60_000);
});
