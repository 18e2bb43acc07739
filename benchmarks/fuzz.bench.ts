/**
 * 100k+ generated PromQL queries (valid and mangled) through the engine: none may escape without
 * the tenant matcher or throw anything but EnforceError (src/promql/testing/fuzzCheck.ts).
 */
import fc from 'fast-check';
import { createEnforcer } from '../src/promql';
import { mangledQuery, promqlQuery } from '../src/promql/testing/arbitraries';
import { checkQuery } from '../src/promql/testing/fuzzCheck';
import type { Report } from './report';

const RUNS_PER_CASE = 20_000;

export default async function bench(report: Report): Promise<void> {
  const cases = [
    { enforcer: createEnforcer({ label: 'tenant', values: ['a'] }), op: '=', value: 'a' },
    { enforcer: createEnforcer({ label: 'tenant', values: ['b', 'a'] }), op: '=~', value: 'a|b' },
    { enforcer: createEnforcer({ label: 'tenant', values: ['a'], errorOnReplace: true }), op: '=', value: 'a' },
  ];
  let queries = 0;
  let enforced = 0;
  let violations = 0;
  const examples: string[] = [];
  const start = Date.now();
  cases.forEach(({ enforcer, op, value }, i) => {
    for (const arb of [promqlQuery, mangledQuery]) {
      for (const q of fc.sample(arb, { numRuns: RUNS_PER_CASE, seed: 1000 + i })) {
        queries++;
        const r = checkQuery(q, enforcer, op, value);
        if (r.outcome === 'enforced') {
          enforced++;
        } else if (r.outcome === 'violation') {
          violations++;
          if (examples.length < 5) {
            examples.push(r.detail ?? q);
          }
        }
      }
    }
  });
  examples.forEach((ex) => console.error(`fuzz violation: ${ex}`));
  report({ name: 'fuzz.queries', value: queries, unit: 'queries', goal: '>= 100000' });
  report({ name: 'fuzz.enforced', value: enforced, unit: 'queries', goal: 'most valid ones' });
  report({ name: 'fuzz.violations', value: violations, unit: 'queries', goal: '0' });
  report({ name: 'fuzz.seconds', value: (Date.now() - start) / 1000, unit: 's', goal: 'informational' });
}
