/** Property tests (small count for CI; benchmarks/fuzz.bench.ts runs 100k+). */
import fc from 'fast-check';
import { createEnforcer, enforceGrafanaQuery, enforceQuery } from './index';
import { GRAFANA_TEST_VALUES, grafanaQuery, mangledQuery, promqlQuery } from './testing/arbitraries';
import { walkSelectors } from './testing/selectorWalk';
import { checkQuery } from './testing/fuzzCheck';

const cases = [
  { name: 'one value', enforcer: createEnforcer({ label: 'tenant', values: ['a'] }), op: '=', value: 'a' },
  { name: 'two values', enforcer: createEnforcer({ label: 'tenant', values: ['b', 'a'] }), op: '=~', value: 'a|b' },
  {
    name: 'error-on-replace',
    enforcer: createEnforcer({ label: 'tenant', values: ['a'], errorOnReplace: true }),
    op: '=',
    value: 'a',
  },
];

describe.each(cases)('property: $name', ({ enforcer, op, value }) => {
  it('generated queries are enforced everywhere or rejected with EnforceError', () => {
    let enforced = 0;
    fc.assert(
      fc.property(promqlQuery, (q) => {
        const r = checkQuery(q, enforcer, op, value);
        enforced += r.outcome === 'enforced' ? 1 : 0;
        if (r.outcome === 'violation') {
          console.error(r.detail);
          return false;
        }
        return true;
      }),
      { numRuns: 1000, seed: 42 }
    );
    expect(enforced).toBeGreaterThan(300); // the generator mostly produces valid PromQL
  });

  it('mangled queries never escape unenforced', () => {
    fc.assert(
      fc.property(mangledQuery, (q) => checkQuery(q, enforcer, op, value).outcome !== 'violation'),
      { numRuns: 1000, seed: 7 }
    );
  });
});

describe('property: raw Grafana text', () => {
  const enforcer = createEnforcer({ label: 'tenant', values: ['a'] });
  const interpolate = (text: string) =>
    Object.entries(GRAFANA_TEST_VALUES)
      .sort((x, y) => y[0].length - x[0].length)
      .reduce((t, [variable, v]) => t.split(variable).join(v), text);

  it('keeps variables and, once interpolated, has the tenant matcher in every selector', () => {
    fc.assert(
      fc.property(grafanaQuery, (q) => {
        const out = enforceGrafanaQuery(q, enforcer);
        const walked = walkSelectors(interpolate(out));
        return (
          !walked.hasErrorNode &&
          walked.selectors.every((s) =>
            s.matchers.some((m) => m.name === 'tenant' && m.op === '=' && m.value === 'a')
          ) &&
          interpolate(out) === enforceQuery(interpolate(q), enforcer)
        );
      }),
      { numRuns: 500, seed: 3 }
    );
  });
});
