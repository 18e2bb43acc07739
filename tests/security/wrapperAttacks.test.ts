/**
 * (jsdom environment, the jest default: @grafana/data and @grafana/runtime need `window`.)
 *
 * Security review of the browser wrapper data source (src/datasource): hostile template variable
 * values, variable queries and ad-hoc filters. What leaves the wrapper is then passed through the
 * target's own second interpolation (the Prometheus data source expands the interval/range macros
 * the wrapper leaves in) and checked with the independent audit. Uses the wrapper team's harness
 * (tests/wrapper/support) only to install Grafana runtime fakes.
 */
import { lastValueFrom } from 'rxjs';
import type { AdHocVariableFilter } from '@grafana/data';

import { clearEnforcementCache } from '../../src/datasource/enforcement';
import { RecordingTarget } from '../wrapper/support/recordingTarget';
import { matchParams, panelRequest, RANGE, wrapperHarness } from '../wrapper/support/wrapperHarness';
import type { FakeVariable } from '../wrapper/support/fakeTemplateSrv';
import { auditEnforced, expectedTenantMatcher } from './support/selectorAudit';

const EXPECTED = expectedTenantMatcher('tenant', ['a']);

/** Values the Prometheus data source gives its macros when it interpolates what it received. */
const TARGET_MACROS: Record<string, string> = {
  __rate_interval_ms: '60000',
  __rate_interval: '1m',
  __interval_ms: '15000',
  __interval: '15s',
  __range_ms: '3600000',
  __range_s: '3600',
  __range: '1h',
};

/** The target's second pass over the text it received: only its macros are left to expand. */
function targetInterpolation(expr: string): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (m, a, b, c) => TARGET_MACROS[a ?? b ?? c] ?? m);
}

const VARIABLES: Record<string, FakeVariable> = {
  breakout: { value: 'x"} or secret{a="' },
  backtick: { value: 'x`} or secret{a=`' },
  single: { value: "x'} or secret{a='" },
  metric: { value: 'secret or up' },
  tenantMatcher: { value: 'up{tenant="b"}' },
  multi: { value: ['a', 'b"} or secret{x="'], multi: true },
  nested: { value: '$evil' },
  evil: { value: 'x"} or secret # ' },
  macroInValue: { value: '$__rate_interval]) or secret # ' },
  cr: { value: 'x\r or secret' },
  tenantValue: { value: 'b' },
};

function setup() {
  clearEnforcementCache();
  const target = new RecordingTarget('prom');
  const h = wrapperHarness({
    teams: ['team-a'],
    targets: [target],
    variables: VARIABLES,
    resource: (path) =>
      path === 'api/v1/metadata' ? { status: 'success', data: {} } : { status: 'success', data: [] },
  });
  return { ...h, target };
}

const PANEL_QUERIES: Array<[string, string]> = [
  ['string breakout', 'up{job="$breakout"}'],
  ['backtick breakout', 'up{job=`$backtick`}'],
  ['single-quote breakout', "up{job='$single'}"],
  ['variable as a whole expression', 'sum($metric)'],
  ['variable with braces syntax', '${metric:raw}'],
  ['old bracket syntax', '[[metric]] * 2'],
  ['variable that is a selector with another tenant', '$tenantMatcher'],
  ['multi-value breakout', 'up{job=~"$multi"}'],
  ['variable naming another variable', 'up{job="$nested"}'],
  ['macro smuggled in a value', 'up{job="$macroInValue"}'],
  ['tenant from a variable', 'up{tenant="$tenantValue"}'],
  ['macros in ranges', 'rate(up[$__rate_interval]) + increase(secret[$__range])'],
  ['macro as a number', 'secret > $__range_s'],
  ['unknown variable as metric', 'sum($doesNotExist)'],
  ['unknown variable as operator', 'up $doesNotExist secret'],
  ['aggregation parameter oracle', 'topk(scalar(sum(secret) > bool 1000), up)'],
];

/** Fixed (was a BUG in ENGINE, now refused): a `\r` inside a comment ends it for Prometheus; a variable can supply it. */
const CR_CASES: Array<[string, string]> = [['CR from a variable inside a comment', 'up # $cr']];

async function runPanel(expr: string): Promise<{ exprs: string[]; problems: string[] }> {
  const { wrapper, target } = setup();
  await lastValueFrom(wrapper.query(panelRequest([{ expr }])));
  const exprs = target.exprs.map(targetInterpolation);
  return { exprs, problems: exprs.flatMap((e) => auditFinal(e).map((p) => `${e}: ${p}`)) };
}

/**
 * A variable neither the wrapper nor the target knows stays as `$name`; Prometheus' lexer refuses
 * `$` (no data at all), so for such text only the resulting parse errors are tolerated.
 */
function auditFinal(expr: string): string[] {
  const problems = auditEnforced(expr, EXPECTED);
  if (/\$\w|\[\[\w/.test(expr)) {
    return problems.filter((p) => !p.startsWith('lezer error node'));
  }
  return problems;
}

describe('wrapper panel queries with hostile variables', () => {
  test.each(PANEL_QUERIES)('%s: %s', async (_name, expr) => {
    const { problems } = await runPanel(expr);
    expect(problems).toEqual([]);
  });

  test('variable naming another variable is refused, not forwarded', async () => {
    const { exprs } = await runPanel('up{job="$nested"}');
    expect(exprs).toEqual([]);
  });

  // Fixed: `up # $cr` became `up{tenant="a"} # x\r or secret` (Prometheus evaluated `or secret`).
  test.each(CR_CASES)('%s: %s', async (_name, expr) => {
    const { problems } = await runPanel(expr);
    expect(problems).toEqual([]);
  });
});

/**
 * The API call Grafana's Prometheus data source makes for a variable query string (regexes of its
 * metric_find_query.ts, Grafana docs "Query variable"), reduced to the PromQL it would send:
 * `null` stands for a call with no series selector at all (all tenants).
 */
function variableQuerySelectors(query: string): Array<string | null> {
  let m = /^label_values\((?:(.+),\s*)?([a-zA-Z_$][a-zA-Z0-9_]*)\)\s*$/.exec(query);
  if (m) {
    return [m[1] ?? null];
  }
  if (/^label_names\(\)\s*$/.test(query)) {
    return [null];
  }
  m = /^label_names\((.+)\)\s*$/.exec(query);
  if (m) {
    return [m[1]];
  }
  if (/^metrics\((.+)\)\s*$/.test(query)) {
    return [null];
  }
  m = /^query_result\((.+)\)\s*$/.exec(query);
  if (m) {
    return [m[1]];
  }
  return [query]; // any other text: a series lookup with the text as match[]
}

const VARIABLE_QUERIES: Array<[string, string]> = [
  ['label_values of the tenant label', 'label_values(tenant)'],
  ['label_values on a foreign selector', 'label_values(secret{tenant="b"}, tenant)'],
  ['label_values with a widening regex', 'label_values({tenant=~".+"}, job)'],
  ['label_values with an expression', 'label_values(up or secret, job)'],
  ['label_values with a variable selector', 'label_values($metric, job)'],
  ['label_values with a tenant variable', 'label_values(up{tenant="$tenantValue"}, job)'],
  ['label_names()', 'label_names()'],
  ['metrics()', 'metrics(.*)'],
  ['metrics() with quote', 'metrics(a"} or secret{b=")'],
  ['query_result oracle', 'query_result(topk(scalar(sum(secret) > bool 1000), up))'],
  ['query_result with variable', 'query_result(sum($metric))'],
  ['query_result with trailing text', 'query_result(up) or (secret)'],
  ['plain selector', 'secret{tenant="b"}'],
  ['leading whitespace', '   label_values(job)'],
  ['upper-case function', 'LABEL_VALUES(job)'],
  ['nested functions', 'label_values(label_values(job), job)'],
];

describe('wrapper variable queries', () => {
  test.each(VARIABLE_QUERIES)('%s: %s', async (_name, query) => {
    const { wrapper, target } = setup();
    try {
      await wrapper.metricFindQuery(query, { range: RANGE });
    } catch {
      expect(target.variableQueries).toHaveLength(0);
      return;
    }
    const problems: string[] = [];
    for (const recorded of target.variableQueries) {
      const text = targetInterpolation(String(recorded.query));
      for (const sel of variableQuerySelectors(text)) {
        if (sel === null) {
          problems.push(`${text}: Grafana would call the API without a series selector`);
        } else {
          problems.push(
            ...auditEnforced(sel, EXPECTED)
              .filter((p) => !p.includes('want exactly one'))
              .map((p) => `${text}: ${p}`)
          );
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

const HOSTILE_FILTERS: Array<[string, AdHocVariableFilter[]]> = [
  ['tenant regex filter', [{ key: 'tenant', operator: '=~', value: '.*' }]],
  ['tenant != filter', [{ key: 'tenant', operator: '!=', value: 'a' }]],
  ['quote in value', [{ key: 'job', operator: '=', value: 'x"} or secret{a="' }]],
  ['backslash at end of value', [{ key: 'job', operator: '=', value: 'x\\' }]],
  ['key breakout', [{ key: 'job="x"} or secret{a', operator: '=', value: 'x' }]],
  ['unknown operator', [{ key: 'job', operator: '<', value: '1' }]],
  ['multi-value with metacharacters', [{ key: 'job', operator: '=|', value: '', values: ['a|b', '.*"'] }]],
  ['CR and NUL in value', [{ key: 'job', operator: '=', value: 'x\r\u0000y' }]],
];

describe('wrapper ad-hoc filters', () => {
  test.each(HOSTILE_FILTERS)('%s: panel query', async (_name, filters) => {
    const { wrapper, target } = setup();
    await lastValueFrom(wrapper.query(panelRequest([{ expr: 'rate(secret[$__rate_interval])' }], { filters })));
    for (const expr of target.exprs.map(targetInterpolation)) {
      expect({ expr, problems: auditFinal(expr) }).toEqual({ expr, problems: [] });
    }
    // The target is never handed the filters to apply again.
    for (const q of target.queries) {
      expect(q.filters ?? []).toEqual([]);
    }
  });

  test.each(HOSTILE_FILTERS)('%s: tag keys and values', async (_name, filters) => {
    const { wrapper, backend } = setup();
    await wrapper.getTagKeys({ filters, timeRange: RANGE }).catch(() => undefined);
    await wrapper.getTagValues({ key: 'instance', filters, timeRange: RANGE }).catch(() => undefined);
    await wrapper.getTagValues({ key: 'tenant', filters, timeRange: RANGE }).catch(() => undefined);
    const calls = backend.requests.filter((r) => r.path.includes('/api/v1/'));
    for (const r of calls) {
      const matches = matchParams(r);
      expect({ path: r.path, count: matches.length > 0 }).toEqual({ path: r.path, count: true });
      for (const m of matches) {
        const problems = auditEnforced(m, EXPECTED).filter((p) => !p.includes('want exactly one'));
        expect({ path: r.path, m, problems }).toEqual({ path: r.path, m, problems: [] });
      }
    }
  });

  test('label values for a label name that is a path trick are refused', async () => {
    const { wrapper, backend } = setup();
    for (const key of ['../../api/admin', 'tenant/values?x=', '__name__%2F..']) {
      await expect(wrapper.getTagValues({ key, filters: [] })).rejects.toBeDefined();
    }
    expect(backend.requests.filter((r) => r.path.includes('/api/v1/'))).toEqual([]);
  });
});
