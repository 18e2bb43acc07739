/**
 * The real LogQL corpus (tests/corpus/logql, README there): every valid query is enforced, still
 * parses, carries the tenant matcher in every stream selector (checked by an independent walk,
 * testing/selectorWalk.ts) and enforcing is idempotent; raw Grafana text keeps its variables;
 * every invalid query and every adversarial one marked "refuse" is refused with an EnforceError.
 */
import { readFileSync } from 'fs';
import path from 'path';
import { createEnforcer, enforceGrafanaQuery, enforceQuery, EnforceError } from './index';
import { GRAFANA_VARIABLE, interpolateForCheck } from './testing/grafanaText';
import { unpinnedSelectors, walkSelectors } from './testing/selectorWalk';

interface Line {
  expr: string;
  source?: string;
  expect?: 'enforce' | 'refuse';
  why?: string;
}

const CORPUS = path.join(__dirname, '..', '..', 'tests', 'corpus', 'logql');

function readJsonl(name: string): Line[] {
  return readFileSync(path.join(CORPUS, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

/**
 * Valid Loki queries the engine refuses because lezer-logql 0.4.2's grammar lacks the form (fail
 * closed beats guessing): `offset` after an unwrap range, a parenthesised pipeline ending in unwrap
 * before the range, and query variants. Loki's syntax.y accepts them.
 */
const KNOWN_REJECTED: Array<[RegExp, string]> = [
  [/unwrap [^[]*\[\w+\] offset/, 'offset after `| unwrap x [range]` (not in lezer-logql 0.4.2)'],
  [/\| unwrap \w+ ?\)\[\w+\]/, '`( … | unwrap x )[range]` with a pipeline (not in lezer-logql 0.4.2)'],
  [/^variants\(/, '`variants(…) of (…)` (Loki 3.5, not in lezer-logql 0.4.2): refused by name'],
  // Loki's lexer reads keywords in any case (pkg/logql/syntax/lex_test.go); lezer-logql in lower case only.
  [
    /\b(?:SUM|BOTTOMK|Count_Over_Time)\b/,
    'an upper- or mixed-case keyword (not in lezer-logql 0.4.2): refused by name',
  ],
  // Loki lexes with Go's text/scanner, which skips Go comments (`// …`, `/* … */`); lezer-logql reads
  // `/` as division. The other way round nothing hides: lezer never parses `//` or `/*` outside strings.
  // mcp-grafana's guardrail test writes `{cluster/*x*/=~".+"}` and `{app="x"} // see …` for the same reason.
  [
    /\/\/ GOOD$|^\{app="x"\} \/\/ see |^\{cluster\/\*x\*\/=~/,
    'a Go-style // or /* */ comment (Loki skips it, lezer-logql does not)',
  ],
];

const VARIABLE = GRAFANA_VARIABLE;

const one = createEnforcer({ label: 'tenant', values: ['a'] });
const multi = createEnforcer({ label: 'tenant', values: ['b.c', 'a'] });

describe('corpus.jsonl (real queries from public repositories)', () => {
  const lines = readJsonl('corpus.jsonl');

  it(`enforces all ${lines.length} queries: output parses, every stream selector pinned, idempotent`, () => {
    const problems: string[] = [];
    const known: string[] = [];
    let enforced = 0;
    let selectors = 0;
    let grafanaChecked = 0;
    for (const { expr } of lines) {
      const grafana = VARIABLE.test(expr);
      VARIABLE.lastIndex = 0;
      let out: string;
      try {
        out = grafana ? enforceGrafanaQuery(expr, one) : enforceQuery(expr, one);
      } catch (err) {
        (KNOWN_REJECTED.some(([re]) => re.test(expr)) ? known : problems).push(
          `rejected ${JSON.stringify(expr)}: ${(err as Error).message}`
        );
        continue;
      }
      enforced++;
      if (grafana) {
        const before = (expr.match(VARIABLE) ?? []).sort().join(' ');
        const after = (out.match(VARIABLE) ?? []).sort().join(' ');
        if (before !== after) {
          problems.push(`variables changed: ${JSON.stringify(expr)} -> ${JSON.stringify(out)}`);
        }
        // What Loki receives once Grafana has filled the variables in: it must parse and be pinned.
        const concrete = interpolateForCheck(out);
        if (walkSelectors(concrete).hasErrorNode) {
          problems.push(`Grafana text does not parse once interpolated: ${JSON.stringify(concrete)}`);
        }
        const unpinned = unpinnedSelectors(concrete, 'tenant', '=', 'a');
        if (unpinned.length > 0) {
          problems.push(`${JSON.stringify(concrete)} (interpolated): not pinned: ${unpinned.join(', ')}`);
        }
        selectors += (concrete.match(/tenant="a"/g) ?? []).length;
        grafanaChecked++;
        continue;
      }
      const unpinned = unpinnedSelectors(out, 'tenant', '=', 'a');
      if (unpinned.length > 0) {
        problems.push(`${JSON.stringify(out)}: not pinned: ${unpinned.join(', ')}`);
      }
      selectors += (out.match(/tenant="a"/g) ?? []).length;
      if (enforceQuery(out, one) !== out) {
        problems.push(`not idempotent: ${JSON.stringify(expr)}`);
      }
      const several = enforceQuery(expr, multi);
      if (unpinnedSelectors(several, 'tenant', '=~', 'a|b\\.c').length > 0) {
        problems.push(`several values not pinned: ${JSON.stringify(several)}`);
      }
    }
    console.log(
      `LogQL corpus: ${lines.length} queries, ${enforced} enforced (${grafanaChecked} Grafana texts checked once interpolated), ${selectors} selectors pinned, ${known.length} known-rejected (grammar gaps)`
    );
    expect(problems.slice(0, 20)).toEqual([]);
    expect(enforced + known.length).toBe(lines.length);
    // 10 in the first corpus, 6 more `offset` after an unwrap range in pkg/logql/downstream_test.go,
    // then 12 `variants(…) of (…)`, 1 more unwrap-range offset and 3 upper-case keywords from Loki's
    // syntax tests (README there), 2 Go-style comments from mcp-grafana's guardrail test, 1 more
    // `( … | unwrap x )[range]` from an older engine_test.go (round five)
    expect(known.length).toBeLessThanOrEqual(35);
  });
});

describe('invalid-real.jsonl (queries Loki refuses, from the same sources)', () => {
  const lines = readJsonl('invalid-real.jsonl');

  it(`refuses all ${lines.length}`, () => {
    const accepted: string[] = [];
    for (const { expr } of lines) {
      try {
        accepted.push(`${JSON.stringify(expr)} -> ${JSON.stringify(enforceGrafanaQuery(expr, one))}`);
      } catch (err) {
        expect(err).toBeInstanceOf(EnforceError);
      }
    }
    expect(accepted).toEqual([]);
  });
});

describe('adversarial.jsonl', () => {
  const lines = readJsonl('adversarial.jsonl');

  it.each(lines.map((l) => [l.why ?? '', l] as const))('%s', (_why, { expr, expect: want }) => {
    if (want === 'refuse') {
      expect(() => enforceQuery(expr, one)).toThrow(EnforceError);
      return;
    }
    const out = enforceQuery(expr, one);
    expect(unpinnedSelectors(out, 'tenant', '=', 'a')).toEqual([]);
    expect(enforceQuery(out, one)).toBe(out);
  });
});
