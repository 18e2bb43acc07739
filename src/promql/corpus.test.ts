/**
 * The real-world corpus (../shared/corpus/promql, README there): every interpolated expression is
 * enforced, still parses, carries the tenant matcher in every selector (checked by an independent
 * walk, testing/selectorWalk.ts), and enforcing is idempotent; raw Grafana text keeps its variables;
 * every invalid line is rejected.
 */
import { readFileSync } from 'fs';
import { sharedPath } from '../../tests/support/shared';
import { createEnforcer, enforceGrafanaQuery, enforceQuery, EnforceError } from './index';
import { walkSelectors } from './testing/selectorWalk';

interface Line {
  expr: string;
  kind?: string;
  why?: string;
  lezerAccepts?: boolean;
}

function readJsonl(name: string): Line[] {
  return readFileSync(sharedPath('corpus', 'promql', name), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

/**
 * Lines the engine rejects on purpose, each with the reason (fail closed beats accepting).
 * `{"bar", __name__="baz"}` is valid in Prometheus 3's parse_test.go while the structurally identical
 * `{"foo", __name__="bar"}` is in invalid.jsonl (codemirror-promql's linter): the engine keeps the
 * stricter reading.
 */
const KNOWN_REJECTED_INTERPOLATED = new Map([
  ['{"bar", __name__="baz"}', 'metric name set twice (contradicts invalid.jsonl)'],
]);
const KNOWN_REJECTED_RAW: Array<[RegExp, string]> = [
  [/^\{"bar", __name__="baz"\}$/, 'metric name set twice (contradicts invalid.jsonl)'],
  [/^label_values\(certmanager_certificate_ready_status, \)$/, 'label_values() without a label name'],
  [/^label_values\(kube_node_info\{\} \* on/, 'label_values() over a binary expression is not a series selector'],
];

const VARIABLE = /\$\w+|\[\[\w+(?::\w+)?\]\]|\$\{\w+(?:\.[^:^}]+)?(?::[^}]+)?\}/g;

function tenantMissing(text: string, label: string, value: string): string[] {
  const walked = walkSelectors(text);
  if (walked.hasErrorNode) {
    return ['output does not parse'];
  }
  return walked.selectors
    .filter((s) => !s.matchers.some((m) => m.name === label && m.op === '=' && m.value === value))
    .map((s) => text.slice(s.from, s.to));
}

describe('corpus-interpolated.jsonl', () => {
  const lines = readJsonl('corpus-interpolated.jsonl');
  const e = createEnforcer({ label: 'tenant', values: ['a'] });

  it(`enforces all ${lines.length} expressions: output parses, every selector has tenant="a", idempotent`, () => {
    const problems: string[] = [];
    let enforced = 0;
    let selectors = 0;
    for (const { expr } of lines) {
      let out: string;
      try {
        out = enforceQuery(expr, e);
      } catch (err) {
        if (!KNOWN_REJECTED_INTERPOLATED.has(expr)) {
          problems.push(`rejected ${JSON.stringify(expr)}: ${(err as Error).message}`);
        }
        continue;
      }
      enforced++;
      const missing = tenantMissing(out, 'tenant', 'a');
      if (missing.length > 0) {
        problems.push(`${JSON.stringify(out)}: no tenant matcher in ${missing.join(', ')}`);
      }
      selectors += walkSelectors(out).selectors.length;
      if (enforceQuery(out, e) !== out) {
        problems.push(`not idempotent: ${JSON.stringify(expr)}`);
      }
    }
    console.log(
      `corpus-interpolated: ${lines.length} lines, ${enforced} enforced, ${selectors} selectors, ${KNOWN_REJECTED_INTERPOLATED.size} known-rejected`
    );
    expect(problems.slice(0, 20)).toEqual([]);
    expect(enforced).toBe(lines.length - KNOWN_REJECTED_INTERPOLATED.size);
  });

  it('also enforces every expression with several tenant values (regex matcher)', () => {
    const multi = createEnforcer({ label: 'tenant', values: ['a', 'b.c'] });
    const problems: string[] = [];
    for (const { expr } of lines) {
      if (KNOWN_REJECTED_INTERPOLATED.has(expr)) {
        continue;
      }
      const out = enforceQuery(expr, multi);
      const walked = walkSelectors(out);
      if (
        walked.hasErrorNode ||
        walked.selectors.some(
          (s) => !s.matchers.some((m) => m.name === 'tenant' && m.op === '=~' && m.value === 'a|b\\.c')
        )
      ) {
        problems.push(out);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });
});

describe('corpus.jsonl (raw Grafana text)', () => {
  const lines = readJsonl('corpus.jsonl');
  // A label the corpus never uses, so that no variable sits in a matcher the enforcer replaces.
  const e = createEnforcer({ label: 'mt_tenant', values: ['a'] });

  it(`enforces all ${lines.length} raw expressions with their Grafana variables preserved`, () => {
    const problems: string[] = [];
    const known: string[] = [];
    let enforced = 0;
    for (const { expr } of lines) {
      let out: string;
      try {
        out = enforceGrafanaQuery(expr, e);
      } catch (err) {
        const reason = KNOWN_REJECTED_RAW.find(([re]) => re.test(expr));
        (reason ? known : problems).push(`${JSON.stringify(expr)}: ${(err as Error).message}`);
        continue;
      }
      enforced++;
      const before = (expr.match(VARIABLE) ?? []).sort().join(' ');
      const after = (out.match(VARIABLE) ?? []).sort().join(' ');
      if (before !== after) {
        problems.push(`variables changed: ${JSON.stringify(expr)} -> ${JSON.stringify(out)}`);
      }
      if (!out.includes('mt_tenant="a"') && walkSelectors(out).selectors.length > 0) {
        problems.push(`no tenant matcher: ${JSON.stringify(out)}`);
      }
    }
    console.log(
      `corpus.jsonl (raw): ${lines.length} lines, ${enforced} enforced, ${known.length} known-rejected:\n${known.join('\n')}`
    );
    expect(problems.slice(0, 20)).toEqual([]);
    expect(known.length).toBe(KNOWN_REJECTED_RAW.length);
  });
});

describe('invalid.jsonl', () => {
  const lines = readJsonl('invalid.jsonl');
  const e = createEnforcer({ label: 'tenant', values: ['a'] });

  it(`rejects all ${lines.length} invalid expressions (${lines.filter((l) => l.lezerAccepts).length} that lezer accepts)`, () => {
    const accepted: string[] = [];
    for (const { expr, why } of lines) {
      try {
        accepted.push(`${JSON.stringify(expr)} -> ${JSON.stringify(enforceQuery(expr, e))} (${why})`);
      } catch (err) {
        expect(err).toBeInstanceOf(EnforceError);
        expect((err as EnforceError).kind).toBe('parse');
        expect((err as EnforceError).position).toBeDefined();
      }
    }
    expect(accepted).toEqual([]);
  });
});
