/**
 * Prometheus 3.x syntax through the engine: parse and rewrite of every 3.x construct found in
 * Prometheus' own tests (promql/parser/parse_test.go and promql/promqltest/testdata, as collected
 * in ../shared/corpus/promql with their source), one line each: input, tenant label, output.
 * Constructs the engine cannot prove safe are refused with the construct named.
 */
import { readFileSync } from 'fs';
import { parser } from '@prometheus-io/lezer-promql';
import { sharedPath } from '../../tests/support/shared';
import { createEnforcer, enforceQuery, enforceSeriesSelector, EnforceError } from './index';

const tenant = createEnforcer({ label: 'tenant', values: ['a'] });
/** A UTF-8 tenant label (Prometheus 3.0 accepts any UTF-8 label name, quoted). */
const dotted = createEnforcer({ label: 'my.label', values: ['a'] });

describe("info(): the info series are the tenant's too", () => {
  it.each([
    // Acceptance (issue #21): the info-metric side gets the tenant matcher.
    ['info(up)', 'info(up{tenant="a"}, {tenant="a"})'],
    // parse_test.go
    [
      'info(rate(http_request_counter_total{}[5m]))',
      'info(rate(http_request_counter_total{tenant="a"}[5m]), {tenant="a"})',
    ],
    [
      'info(http_request_counter_total{namespace="zzz"}, {foo="bar", bar="baz"})',
      'info(http_request_counter_total{namespace="zzz",tenant="a"}, {foo="bar", bar="baz",tenant="a"})',
    ],
    // promqltest/testdata/info.test
    ['info(metric, {data=~".+"})', 'info(metric{tenant="a"}, {data=~".+",tenant="a"})'],
    [
      'info(metric_not_matching_target_info, {data=~".*"})',
      'info(metric_not_matching_target_info{tenant="a"}, {data=~".*",tenant="a"})',
    ],
    ['info(up, {__name__="build_info"})', 'info(up{tenant="a"}, {__name__="build_info",tenant="a"})'],
    // A foreign tenant in the data-label selector is replaced like anywhere else.
    ['info(up, {tenant="b"})', 'info(up{tenant="a"}, {tenant="a"})'],
    // Comments and nesting keep their place.
    ['info(rate(x[5m])  # c\n)', 'info(rate(x{tenant="a"}[5m]), {tenant="a"}  # c\n)'],
    ['info(info(up))', 'info(info(up{tenant="a"}, {tenant="a"}), {tenant="a"})'],
  ])('%s', (input, want) => {
    expect(enforceQuery(input, tenant)).toBe(want);
    expect(enforceQuery(want, tenant)).toBe(want);
  });

  it('a UTF-8 tenant label is quoted in the added data-label selector', () => {
    expect(enforceQuery('info(up)', dotted)).toBe('info(up{"my.label"="a"}, {"my.label"="a"})');
  });

  it('several tenant values: the regex matcher goes into the data-label selector too', () => {
    const two = createEnforcer({ label: 'tenant', values: ['a', 'b'] });
    expect(enforceQuery('info(up)', two)).toBe('info(up{tenant=~"a|b"}, {tenant=~"a|b"})');
  });
});

describe('experimental aggregations: the parameter is enforced', () => {
  it.each([
    // Acceptance (issue #21).
    ['limitk(scalar(count(x)), y)', 'limitk(scalar(count(x{tenant="a"})), y{tenant="a"})'],
    ['limit_ratio(scalar(x), y)', 'limit_ratio(scalar(x{tenant="a"}), y{tenant="a"})'],
    // promqltest/testdata/limit.test
    [
      'count(limitk by (group) (1, http_requests) and http_requests)',
      'count(limitk by (group) (1, http_requests{tenant="a"}) and http_requests{tenant="a"})',
    ],
    [
      'count(limit_ratio(0.5, http_requests) and http_requests) <= bool (4+1)',
      'count(limit_ratio(0.5, http_requests{tenant="a"}) and http_requests{tenant="a"}) <= bool (4+1)',
    ],
  ])('%s', (input, want) => {
    expect(enforceQuery(input, tenant)).toBe(want);
  });
});

describe('UTF-8 metric and label names stay valid and gain the tenant matcher', () => {
  it.each([
    // Acceptance (issue #21).
    ['tenant', '{"my.metric", "my.label"="v"}', '{"my.metric", "my.label"="v",tenant="a"}'],
    ['my.label', '{"my.metric", "my.label"="v"}', '{"my.metric", "my.label"="a"}'],
    // parse_test.go
    ['tenant', '{"foo"}', '{"foo",tenant="a"}'],
    ['tenant', '{"foo", a="bc"}', '{"foo", a="bc",tenant="a"}'],
    ['tenant', ' +{"some_metric"}', ' +{"some_metric",tenant="a"}'],
    ['tenant', 'sum by ("my.label") (x)', 'sum by ("my.label") (x{tenant="a"})'],
    // A quoted spelling of the tenant label is the tenant label.
    ['tenant', 'x{"tenant"="b"}', 'x{tenant="a"}'],
    ['my.label', 'up', 'up{"my.label"="a"}'],
    ['my.label', 'x{"my.label"=~"b.*", job="j"}', 'x{"my.label"="a", job="j"}'],
  ])('label %s: %s', (label, input, want) => {
    expect(enforceQuery(input, label === 'tenant' ? tenant : dotted)).toBe(want);
  });

  it.each([
    ['tenant', '{"my.metric"}', '{"my.metric",tenant="a"}'],
    ['my.label', '{"my.metric"}', '{"my.metric","my.label"="a"}'],
    ['my.label', '{"my.metric", "my.label"="v"}', '{"my.metric", "my.label"="v","my.label"="a"}'],
  ])('match[] (append) with label %s: %s', (label, input, want) => {
    expect(enforceSeriesSelector(input, label === 'tenant' ? tenant : dotted)).toBe(want);
  });
});

describe('other 3.x constructs keep their meaning and gain the tenant matcher', () => {
  it.each([
    // parse_test.go: extended range selectors (anchored/smoothed, also valid metric names)
    ['rate(up[1m] anchored)', 'rate(up{tenant="a"}[1m] anchored)'],
    ['anchored{job="test"}', 'anchored{job="test",tenant="a"}'],
    ['a smoothed', 'a{tenant="a"} smoothed'],
    ['sum by (smoothed)(some_metric)', 'sum by (smoothed)(some_metric{tenant="a"})'],
    // parse_test.go: fill modifiers of binary operators
    ['rate(up[5m]) + fill(0) rate(down[5m])', 'rate(up{tenant="a"}[5m]) + fill(0) rate(down{tenant="a"}[5m])'],
    ['a + fill_left(-23) b', 'a{tenant="a"} + fill_left(-23) b{tenant="a"}'],
    // parse_test.go: duration expressions
    ['foo[step()]', 'foo{tenant="a"}[step()]'],
    ['foo offset (step())', 'foo{tenant="a"} offset (step())'],
    ['foo[4s+4s:1s*2] offset (5s-8)', 'foo{tenant="a"}[4s+4s:1s*2] offset (5s-8)'],
    ['foo[2m/range()]', 'foo{tenant="a"}[2m/range()]'],
    ['x @ start()', 'x{tenant="a"} @ start()'],
    // promqltest/testdata: experimental functions
    ['mad_over_time({__name__="up"}[1h:1m] @ 1111111)', 'mad_over_time({__name__="up",tenant="a"}[1h:1m] @ 1111111)'],
    [
      'histogram_quantiles(testhistogram3, "q", 0, 0.25, 0.5, 0.75, 1)',
      'histogram_quantiles(testhistogram3{tenant="a"}, "q", 0, 0.25, 0.5, 0.75, 1)',
    ],
    [
      'double_exponential_smoothing(http_requests[1m], 0.01, 0.1)',
      'double_exponential_smoothing(http_requests{tenant="a"}[1m], 0.01, 0.1)',
    ],
    ['ts_of_max_over_time(metric[90s])', 'ts_of_max_over_time(metric{tenant="a"}[90s])'],
    ['sort_by_label(x, "a")', 'sort_by_label(x{tenant="a"}, "a")'],
  ])('%s', (input, want) => {
    expect(enforceQuery(input, tenant)).toBe(want);
  });
});

describe('what the engine cannot prove safe is refused, naming the construct', () => {
  it.each([
    ['info(up, target_info{foo="bar"})', 'expected label selectors only'],
    ['info(up, {})', 'at least one non-empty matcher'],
    ['foo_bar(x)', 'unknown function "foo_bar"'],
    ['rate(x[5m]) smoothed_more', 'unexpected'],
  ])('%s', (input, named) => {
    let thrown: unknown;
    try {
      enforceQuery(input, tenant);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(EnforceError);
    expect((thrown as EnforceError).kind).toBe('parse');
    expect((thrown as Error).message).toContain(named);
  });
});

/** Every `info(` call of a text with its argument count (an independent lezer walk). */
function infoArgCounts(text: string): number[] {
  const counts: number[] = [];
  parser.parse(text).iterate({
    enter(node) {
      if (node.name !== 'FunctionCall') {
        return;
      }
      const ident = node.node.getChild('FunctionIdentifier');
      if (!ident || text.slice(ident.from, ident.to) !== 'info') {
        return;
      }
      const body = node.node.getChild('FunctionCallBody');
      let args = 0;
      for (let child = body?.firstChild; child; child = child.nextSibling) {
        if (!['LineComment', '(', ')', ','].includes(child.name) && !child.type.isError) {
          args++;
        }
      }
      counts.push(args);
    },
  });
  return counts;
}

describe("every info() in Prometheus' own tests (shared corpus) gets a tenant data-label selector", () => {
  const lines = readFileSync(sharedPath('corpus', 'promql', 'corpus-interpolated.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { expr: string; source: string })
    .filter((l) => l.source.startsWith('prometheus/prometheus') && l.expr.includes('info('));

  it(`enforces ${lines.length} info() expressions`, () => {
    expect(lines.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const { expr } of lines) {
      const out = enforceQuery(expr, tenant);
      const counts = infoArgCounts(out);
      if (counts.length === 0 || counts.some((n) => n !== 2)) {
        problems.push(`${expr} -> ${out}: info() argument counts ${JSON.stringify(counts)}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
