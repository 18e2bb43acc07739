/** LogQL property tests (a CI-sized sample; benchmarks/logql.bench.ts runs 100k). */
import fc from 'fast-check';
import { createEnforcer } from './index';
import { logqlQuery, mangledLogQLQuery } from './testing/arbitraries';
import { checkLogQLQuery } from './testing/fuzzCheck';

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

describe.each(cases)('LogQL property: $name', ({ enforcer, op, value }) => {
  it('generated queries are enforced everywhere or rejected with EnforceError', () => {
    let enforced = 0;
    fc.assert(
      fc.property(logqlQuery, (q) => {
        const r = checkLogQLQuery(q, enforcer, op, value);
        enforced += r.outcome === 'enforced' ? 1 : 0;
        if (r.outcome === 'violation') {
          console.error(r.detail);
          return false;
        }
        return true;
      }),
      { numRuns: 1000, seed: 42 }
    );
    expect(enforced).toBeGreaterThan(250); // the generator mostly produces valid LogQL
  });

  it('mangled queries never escape unenforced', () => {
    fc.assert(
      fc.property(mangledLogQLQuery, (q) => checkLogQLQuery(q, enforcer, op, value).outcome !== 'violation'),
      { numRuns: 1000, seed: 7 }
    );
  });
});
