import { applyAdHocFilters, filtersToSelector } from './adhocFilters';

const f = (key: string, operator: string, value: string, values?: string[]) => ({ key, operator, value, values });

describe('applyAdHocFilters (lezer tree walk)', () => {
  it.each([
    ['bare metric', 'up', [f('job', '=', 'node')], 'up{job="node"}'],
    ['existing matchers', 'up{instance="x"}', [f('job', '!=', 'n')], 'up{job!="n", instance="x"}'],
    ['empty braces', 'up{}', [f('job', '=~', 'n.*')], 'up{job=~"n.*"}'],
    ['name in braces', '{__name__="up"}', [f('job', '!~', 'x')], '{job!~"x", __name__="up"}'],
    [
      'every selector, macro kept',
      'rate(a[$__rate_interval]) / b',
      [f('c', '=', '1')],
      'rate(a{c="1"}[$__rate_interval]) / b{c="1"}',
    ],
    ['${} macro', 'increase(a[${__range}])', [f('c', '=', '1')], 'increase(a{c="1"}[${__range}])'],
    [
      'subquery and offset',
      'max_over_time(a[1h:5m] offset 1m)',
      [f('c', '=', '1')],
      'max_over_time(a{c="1"}[1h:5m] offset 1m)',
    ],
    ['two filters', 'up', [f('a', '=', '1'), f('b', '!=', '2')], 'up{a="1", b!="2"}'],
    ['one-of operator', 'up', [f('job', '=|', '', ['a.b', 'c'])], 'up{job=~"a\\\\.b|c"}'],
    ['quotes escaped', 'up', [f('job', '=', 'say "hi"')], 'up{job="say \\"hi\\""}'],
    ['no filters', 'up', [], 'up'],
    ['unparsable text left for the engine', 'sum(up', [f('job', '=', 'x')], 'sum(up'],
  ])('%s', (_n, expr, filters, want) => {
    expect(applyAdHocFilters(expr, filters)).toBe(want);
  });

  it.each([
    ['bad key', f('job-name', '=', 'x'), 'is not a Prometheus label name'],
    ['unknown operator', f('job', '<', '3'), 'uses operator "<"'],
  ])('rejects a filter with %s', (_n, filter, msg) => {
    expect(() => applyAdHocFilters('up', [filter])).toThrow(msg);
  });

  it('builds selectors for label API calls', () => {
    expect(filtersToSelector([f('job', '=', 'node'), f('mode', '!~', 'idle|steal')])).toBe(
      '{job="node", mode!~"idle|steal"}'
    );
  });
});
