import type { AdHocVariableFilter } from '@grafana/data';

import { applyLokiAdHocFilters, filtersToStreamSelector } from './lokiAdhocFilters';

const f = (key: string, operator: string, value: string, values?: string[]): AdHocVariableFilter => ({
  key,
  operator,
  value,
  values,
});
const ENV = [f('env', '=', 'prod')];

describe('applyLokiAdHocFilters', () => {
  it.each([
    ['no parser → stream matcher', '{app="x"} |= "e"', ENV, '{env="prod", app="x"} |= "e"'],
    [
      'parser → label filter after it',
      '{app="x"} | json | line_format "{{.a}}"',
      ENV,
      '{app="x"} | json | env="prod" | line_format "{{.a}}"',
    ],
    [
      'after the LAST parser',
      '{app="x"} | logfmt | regexp "(?P<a>.)" | a="1"',
      ENV,
      '{app="x"} | logfmt | regexp "(?P<a>.)" | env="prod" | a="1"',
    ],
    ['json with arguments', '{app="x"} | json a="b.c"', ENV, '{app="x"} | json a="b.c" | env="prod"'],
    [
      'every selector of a metric query',
      'sum(rate({a="1"}[5m])) / sum(rate({a="2"} | logfmt [5m]))',
      ENV,
      'sum(rate({env="prod", a="1"}[5m])) / sum(rate({a="2"} | logfmt | env="prod" [5m]))',
    ],
    ['macros kept', 'count_over_time({a="1"}[$__auto])', ENV, 'count_over_time({env="prod", a="1"}[$__auto])'],
    [
      'several filters and operators',
      '{a="1"}',
      [f('b', '!=', 'x'), f('c', '=~', 'y.*'), f('d', '=|', '', ['p', 'q.r'])],
      '{b!="x", c=~"y.*", d=~"p|q\\\\.r", a="1"}',
    ],
    ['quotes escaped', '{a="1"}', [f('b', '=', 'say "hi"')], '{b="say \\"hi\\"", a="1"}'],
    ['no filters → unchanged', '{a="1"} | json', [], '{a="1"} | json'],
  ])('%s', (_n, expr, filters, want) => {
    expect(applyLokiAdHocFilters(expr, filters)).toBe(want);
  });

  it.each([
    ['unparsable text', '{a="1"', ENV, 'not valid LogQL'],
    ['bad label name', '{a="1"}', [f('a-b', '=', 'x')], 'not a Loki label name'],
    ['unknown operator', '{a="1"}', [f('a', '<', '3')], 'use =, !=, =~ or !~'],
  ])('refuses %s', (_n, expr, filters, msg) => {
    expect(() => applyLokiAdHocFilters(expr, filters)).toThrow(msg);
  });
});

describe('filtersToStreamSelector', () => {
  it('joins the filters into one selector', () => {
    expect(filtersToStreamSelector([f('a', '=', '1'), f('b', '!~', 'x|y')])).toBe('{a="1", b!~"x|y"}');
  });
});
