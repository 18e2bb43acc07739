/** Table-driven checks of the LogQL engine's public API (formatting kept, fail closed, Grafana text). */
import {
  createEnforcer,
  enforceGrafanaQuery,
  enforceQuery,
  enforceStreamSelector,
  EnforceError,
  tenantSelector,
} from './index';
import { unpinnedSelectors } from './testing/selectorWalk';

const one = createEnforcer({ label: 'tenant', values: ['a'] });
const two = createEnforcer({ label: 'tenant', values: ['b', 'a|x'] });
const strict = createEnforcer({ label: 'tenant', values: ['a'], errorOnReplace: true });
const regex = createEnforcer({ label: 'tenant', values: ['team-.+'], regexMatch: true });

describe('every stream selector gets the tenant matcher, nothing else changes', () => {
  it.each([
    ['{app="x"}', '{app="x",tenant="a"}'],
    ['{ app = "x" }  # my query', '{ app = "x",tenant="a" }  # my query'],
    // line filters, parsers, label filters and formatting stay as written
    [
      '{app="x"} |= "tenant=\\"b\\"" != `{tenant="b"}` |~ "err|warn" | json | tenant="b" | line_format "{{.tenant}}"',
      '{app="x",tenant="a"} |= "tenant=\\"b\\"" != `{tenant="b"}` |~ "err|warn" | json | tenant="b" | line_format "{{.tenant}}"',
    ],
    [
      '{app="x"} | logfmt | label_format tenant="b" | drop tenant | keep app',
      '{app="x",tenant="a"} | logfmt | label_format tenant="b" | drop tenant | keep app',
    ],
    // metric queries: range and vector aggregations, unwrap, offset
    ['count_over_time({app="x"}[5m])', 'count_over_time({app="x",tenant="a"}[5m])'],
    [
      'sum by (level) (rate({app="x"} | json | unwrap bytes [1m])) - sum(count_over_time({app="x"} |= "e" [1m] offset 1h))',
      'sum by (level) (rate({app="x",tenant="a"} | json | unwrap bytes [1m])) - sum(count_over_time({app="x",tenant="a"} |= "e" [1m] offset 1h))',
    ],
    [
      'quantile_over_time(0.99, {app="x"} | logfmt | unwrap duration(took) | __error__="" [5m]) by (path)',
      'quantile_over_time(0.99, {app="x",tenant="a"} | logfmt | unwrap duration(took) | __error__="" [5m]) by (path)',
    ],
    ['count_over_time(({app="x"})[5m])', 'count_over_time(({app="x",tenant="a"})[5m])'],
    // binary operations, label_replace, topk, vector()
    [
      'sum(rate({app="x"}[1m])) / on(job) group_left sum(rate({app="y"} |= "e" [1m])) > 0.5',
      'sum(rate({app="x",tenant="a"}[1m])) / on(job) group_left sum(rate({app="y",tenant="a"} |= "e" [1m])) > 0.5',
    ],
    [
      'label_replace(rate({app="x"}[1m]), "tenant", "b", "", "")',
      'label_replace(rate({app="x",tenant="a"}[1m]), "tenant", "b", "", "")',
    ],
    [
      'topk(5, sum by (app) (count_over_time({app=~".+"}[1h])))',
      'topk(5, sum by (app) (count_over_time({app=~".+",tenant="a"}[1h])))',
    ],
    ['sum(count_over_time({app="x"}[5m])) or vector(0)', 'sum(count_over_time({app="x",tenant="a"}[5m])) or vector(0)'],
    ['vector(1) + 2', 'vector(1) + 2'],
    [
      'approx_topk(3, sum by (app) (rate({app="x"}[1m])))',
      'approx_topk(3, sum by (app) (rate({app="x",tenant="a"}[1m])))',
    ],
    // the tenant label already named: replaced in place, whatever its operator
    ['{app="x", tenant="b"}', '{app="x", tenant="a"}'],
    ['{tenant=~"b|c", app="x"}', '{tenant="a", app="x"}'],
    ['{tenant!~"a", app="x", tenant!="z"}', '{app="x", tenant="a"}'],
  ])('%s', (input, want) => {
    expect(enforceQuery(input, one)).toBe(want);
  });
});

describe('a query that already names the tenant label with != is still pinned (the multena trap)', () => {
  it.each([
    [one, '{app="x", tenant!="a"}', '{app="x", tenant="a"}'],
    [one, 'sum(count_over_time({app="x", tenant!="a"}[5m]))', 'sum(count_over_time({app="x", tenant="a"}[5m]))'],
    [two, '{app="x", tenant!="b"}', '{app="x", tenant!="b",tenant=~"a\\\\|x|b"}'],
    [regex, '{app="x", tenant!="team-a"}', '{app="x", tenant!="team-a",tenant=~"team-.+"}'],
  ])('%#: %s', (e, input, want) => {
    const out = enforceQuery(input, e);
    expect(out).toBe(want);
    const op = e === one ? '=' : '=~';
    const value = e === one ? 'a' : e === two ? 'a\\|x|b' : 'team-.+';
    expect(unpinnedSelectors(out, 'tenant', op, value)).toEqual([]);
  });
});

describe('options', () => {
  it('several values: one regex, values escaped and sorted', () => {
    expect(enforceQuery('{app="x"}', two)).toBe('{app="x",tenant=~"a\\\\|x|b"}');
    expect(tenantSelector(two)).toBe('{tenant=~"a\\\\|x|b"}');
  });

  it('error-on-replace refuses a conflicting matcher and accepts an agreeing one', () => {
    expect(() => enforceQuery('{app="x", tenant="b"}', strict)).toThrow(
      /conflicts with injected matcher "tenant=\\"a\\""/
    );
    expect(() => enforceQuery('sum(rate({app="x", tenant!="a"}[1m]))', strict)).toThrow(EnforceError);
    expect(enforceQuery('{app="x", tenant="a"}', strict)).toBe('{app="x", tenant="a"}');
  });

  it('refuses tenant settings that could widen the selection', () => {
    expect(() => createEnforcer({ label: 'tenant', values: [] })).toThrow(/no tenant value/);
    expect(() => createEnforcer({ label: 'tenant', values: [''] })).toThrow(/is empty/);
    expect(() => createEnforcer({ label: '', values: ['a'] })).toThrow(/label name is empty/);
    expect(() => createEnforcer({ label: 'tenant', values: ['.*'], regexMatch: true })).toThrow(
      /matches the empty string/
    );
    expect(() => createEnforcer({ label: 'k8s.tenant', values: ['a'] })).toThrow(/not a Loki label name/);
  });

  it('refuses an enforcer from another engine', () => {
    expect(() => enforceQuery('{app="x"}', { label: 'tenant', values: ['a'] } as never)).toThrow(
      /not a LogQL Enforcer/
    );
  });
});

describe('fails closed with a message naming the position and the reason', () => {
  it.each([
    ['', /empty|end of query/],
    ['{app="x"', /unexpected/],
    ['{app="x}', /unexpected|unterminated/],
    ['{app=~"("}', /error parsing regexp/],
    ['{app="\\q"}', /unknown escape sequence/],
    ['{app=~".*"}', /at least one regexp or equality matcher/],
    ['{tenant!="b"}', /at least one regexp or equality matcher/],
    ['{app="x"} or {app="y"}', /cannot be an operand of a binary operation/],
    ['sum_over_time({app="x"}[5m])', /without unwrap/],
    ['count_over_time({app="x"} | unwrap b [5m])', /with unwrap/],
    ['topk(sum(rate({app="x"}[1m])))', /parameter required for operation topk/],
    ['topk(0, sum(rate({app="x"}[1m])))', /greater than 0/],
    ['sum(5, rate({app="x"}[1m]))', /unsupported parameter/],
    ['count_over_time({app="x"}[5m]) by (a)', /grouping not allowed/],
    ['sort by (a) (rate({app="x"}[1m]))', /does not allow grouping/],
    ['rate({app="x"}[5m:1m])', /unexpected/], // LogQL has no subqueries
    ['variants(count_over_time({app="x"}[1m])) of ({app="x"}[1m])', /variants.*not supported by the LogQL grammar/],
    ['{app="x"} | distinct level', /distinct.*not supported/],
    ['approx_count_distinct(level, {app="x"}[1m])', /approx_count_distinct\(\) is not supported/],
    ['SUM(Count_Over_Time({app="x"}[5m])) BY (app)', /upper- or mixed-case keyword.*not supported/],
    ['{a:b="x"}', /contains ":"/],
    ['{app="x"} | regexp ``', /regexp parser needs a non-empty expression/], // Loki: logqlmodel.ErrParse
    ['{app="x"} | pattern ""', /pattern parser needs a non-empty expression/],
    ['{app="x"} |= "a" \r {app="y"}', /unexpected/],
  ])('%j', (input, message) => {
    let error: unknown;
    try {
      enforceQuery(input, one);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EnforceError);
    expect((error as EnforceError).message).toMatch(/^invalid LogQL at \d+:\d+|^cannot enforce/);
    expect((error as EnforceError).message).toMatch(message);
  });

  it('a very deep query is refused, not crashed on', () => {
    const deep = `${'sum('.repeat(5000)}count_over_time({app="x"}[1m])${')'.repeat(5000)}`;
    expect(() => enforceQuery(deep, one)).toThrow(EnforceError);
  });

  it('is idempotent', () => {
    const q = 'sum by (a) (rate({app="x", tenant="b"} |= "e" [1m])) / sum(rate({app="y"}[1m]))';
    const once = enforceQuery(q, one);
    expect(enforceQuery(once, one)).toBe(once);
    const twice = enforceQuery(q, two);
    expect(enforceQuery(twice, two)).toBe(twice);
  });
});

describe('stream selector parameters (series match[], index/volume query)', () => {
  it('appends to a bare selector like prom-label-proxy match[]', () => {
    expect(enforceStreamSelector('{app="x", tenant="b"}', one)).toBe('{app="x", tenant="b",tenant="a"}');
    expect(enforceStreamSelector(' {app="x"} # c', one)).toBe(' {app="x",tenant="a"} # c');
    expect(enforceStreamSelector('{app="x", tenant="b"}', one, { mode: 'replace' })).toBe('{app="x", tenant="a"}');
  });

  it.each(['{app="x"} |= "e"', 'count_over_time({app="x"}[1m])', '({app="x"})'])('refuses %j', (q) => {
    expect(() => enforceStreamSelector(q, one)).toThrow(/single stream selector/);
  });
});

describe('raw Grafana text keeps its variables', () => {
  it.each([
    [
      'sum by ($label) (count_over_time({job=~"$job", ns="${ns:regex}"} |= "$search" [$__auto])) > $threshold',
      'sum by ($label) (count_over_time({job=~"$job", ns="${ns:regex}",tenant="a"} |= "$search" [$__auto])) > $threshold',
    ],
    [
      'topk($k, sum(rate({app="[[app]]"}[$__interval])))',
      'topk($k, sum(rate({app="[[app]]",tenant="a"}[$__interval])))',
    ],
    [
      'quantile_over_time($q, {app="x"} | json | unwrap $field [$__range]) by (path)',
      'quantile_over_time($q, {app="x",tenant="a"} | json | unwrap $field [$__range]) by (path)',
    ],
    ['{app="x"} | json | $label="$value"', '{app="x",tenant="a"} | json | $label="$value"'],
  ])('%s', (input, want) => {
    expect(enforceGrafanaQuery(input, one)).toBe(want);
  });

  it('a variable cannot smuggle in the tenant label', () => {
    expect(enforceGrafanaQuery('{app="x", tenant=~"$tenant"}', one)).toBe('{app="x", tenant="a"}');
  });
});
