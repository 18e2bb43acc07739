import { parsePolicy } from '../../policy';
import { EnforceError } from '../errors';
import { createPolicyEnforcer, enforcePolicyQuery } from './enforcePolicy';

const TWO = createPolicyEnforcer(parsePolicy(['{tenant="a", env="prod"}', '{cluster="c1"}']));
const A = 'tenant="a",env="prod"';
const C = 'cluster="c1"';

// One line per construct: the query and the expected text (formatting of the rest kept).
const cases: Array<[string, string, string]> = [
  ['instant selector', 'up', `(up{${A}} or up{${C}})`],
  ['existing matchers kept', 'up{job="x"}', `(up{job="x",${A}} or up{job="x",${C}})`],
  ['range function lifted', 'sum(rate(x[5m])) by (job)', `sum((rate(x{${A}}[5m]) or rate(x{${C}}[5m]))) by (job)`],
  ['offset and @ copied', 'x offset 5m @ 100', `(x{${A}} offset 5m @ 100 or x{${C}} offset 5m @ 100)`],
  [
    'a modifier lezer attaches to a binary expression belongs to its right operand',
    'x / y offset 5m',
    `(x{${A}} or x{${C}}) / (y{${A}} offset 5m or y{${C}} offset 5m)`,
  ],
  [
    'absent: all rules absent, labels of the first',
    'absent(up{job="j"})',
    `(absent(up{job="j",${A}}) and on() absent(up{job="j",${C}}))`,
  ],
  [
    'absent_over_time',
    'absent_over_time(up[5m])',
    `(absent_over_time(up{${A}}[5m]) and on() absent_over_time(up{${C}}[5m]))`,
  ],
  [
    'aggregation parameter enforced in every copy',
    'quantile_over_time(scalar(count(y)), x[5m])',
    `(quantile_over_time(scalar(count((y{${A}} or y{${C}}))), x{${A}}[5m]) or quantile_over_time(scalar(count((y{${A}} or y{${C}}))), x{${C}}[5m]))`,
  ],
  [
    'subquery of a range function',
    'max_over_time(rate(x[5m])[30m:1m])',
    `max_over_time((rate(x{${A}}[5m]) or rate(x{${C}}[5m]))[30m:1m])`,
  ],
  ['@-pinned subquery', 'max_over_time(x[30m:1m] @ 100)', `max_over_time((x{${A}} or x{${C}})[30m:1m] @ 100)`],
  ['count_values over the union', 'count_values("v", x)', `count_values("v", (x{${A}} or x{${C}}))`],
  [
    'group_left without labels gets an explicit () so the union is not read as its label list',
    'a - ignoring(x) group_left rate(c[5m])',
    `(a{${A}} or a{${C}}) - ignoring(x) group_left () (rate(c{${A}}[5m]) or rate(c{${C}}[5m]))`,
  ],
  [
    'group_right with labels is left as it is',
    'a + on(i) group_right (j) c',
    `(a{${A}} or a{${C}}) + on(i) group_right (j) (c{${A}} or c{${C}})`,
  ],
  ['formatting and comments kept', 'sum(\n  x # comment\n)', `sum(\n  (x{${A}} or x{${C}}) # comment\n)`],
];

describe('several-rule policies', () => {
  it.each(cases)('%s', (_name, query, expected) => {
    expect(enforcePolicyQuery(query, TWO)).toBe(expected);
  });

  it.each([
    ['a bare range vector', 'x[5m]', /no function consumes/],
    ['info()', 'info(up)', /info\(\) cannot be restricted by several policy rules/],
  ])('refuses %s, saying why', (_name, query, why) => {
    expect(() => enforcePolicyQuery(query, TWO)).toThrow(EnforceError);
    expect(() => enforcePolicyQuery(query, TWO)).toThrow(why);
  });

  it('one rule is today’s enforcement (prom-label-proxy semantics)', () => {
    const one = createPolicyEnforcer(parsePolicy(['{tenant="a", env="prod"}']));
    expect(enforcePolicyQuery('rate(x{tenant="b"}[5m])', one)).toBe('rate(x{tenant="a",env="prod"}[5m])');
  });

  it('equality rules on one label collapse to the regex form', () => {
    const collapsed = createPolicyEnforcer(parsePolicy(['{tenant="a"}', '{tenant="b"}']));
    expect(collapsed.rules).toHaveLength(1);
    expect(enforcePolicyQuery('rate(x[5m])', collapsed)).toBe('rate(x{tenant=~"a|b"}[5m])');
  });

  it('with error-on-replace, a rule the selector excludes adds no copy; if every rule does, it is refused', () => {
    const strict = createPolicyEnforcer(parsePolicy(['{cluster="a-1"}', '{cluster="b-2"}', '{tenant="b"}']), {
      errorOnReplace: true,
    });
    expect(enforcePolicyQuery('up{cluster="b-2"}', strict)).toBe('(up{cluster="b-2"} or up{cluster="b-2",tenant="b"})');
    const pinned = createPolicyEnforcer(parsePolicy(['{cluster="a-1"}', '{cluster="b-2"}', '{env="x"}']), {
      errorOnReplace: true,
    });
    expect(() => enforcePolicyQuery('up{cluster="c-3", env="y"}', pinned)).toThrow(/no policy rule allows/);
  });

  it('refuses a rewrite that would explode', () => {
    const many = createPolicyEnforcer(
      parsePolicy(['{a="1"}', '{b="1"}', '{c="1"}', '{d="1"}', '{e="1"}', '{f="1"}', '{g="1"}', '{h="1"}'])
    );
    const nested = 'quantile_over_time(scalar(sum(quantile_over_time(scalar(sum(rate(z[1m]))), y[1m]))), x[5m])';
    expect(() => enforcePolicyQuery(nested, many)).toThrow(/longer/);
  });
});
