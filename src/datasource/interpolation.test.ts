import { setTemplateSrv } from '@grafana/runtime';

import { FakeTemplateSrv } from '../../tests/wrapper/support/fakeTemplateSrv';
import { assertNoVariablesLeft, findMacroRanges, interpolateExpr } from './interpolation';

describe('interpolateExpr', () => {
  const templates = new FakeTemplateSrv({
    job: { value: 'node' },
    jobs: { value: ['node', 'api.v2'], multi: true },
    quote: { value: 'a"b' },
    nested: { value: '$job' },
  });
  beforeAll(() => setTemplateSrv(templates));

  it.each([
    ['plain variable', 'up{job="$job"}', 'up{job="node"}'],
    ['multi-value → escaped alternation', 'up{job=~"$jobs"}', 'up{job=~"(node|api\\.v2)"}'],
    ['string-literal escaping', 'up{x="${quote}"}', 'up{x="a\\"b"}'],
    [
      'macros left for the target',
      'rate(x[$__rate_interval]) * $__range_s + y[$__interval] + z[${__range}]',
      'rate(x[$__rate_interval]) * $__range_s + y[$__interval] + z[${__range}]',
    ],
    ['unknown variables untouched', 'up{a="$nope"}', 'up{a="$nope"}'],
  ])('%s', (_n, expr, want) => {
    const scoped = {
      __interval: { text: '1m', value: '1m' },
      __range_s: { text: '3600', value: '3600' },
      __rate_interval: { text: '4m', value: '4m' },
    };
    expect(interpolateExpr(expr, scoped)).toBe(want);
  });

  it('scopedVars (repeated panels) win over dashboard variables', () => {
    expect(interpolateExpr('up{job="$job"}', { job: { text: 'api', value: 'api' } })).toBe('up{job="api"}');
  });

  it('refuses text the target would interpolate again after enforcement', () => {
    const once = interpolateExpr('up{job="$nested"}', {});
    expect(once).toBe('up{job="$job"}');
    expect(() => assertNoVariablesLeft(once, {}, 'up{job="$nested"}')).toThrow('still refers to a template variable');
    expect(() => assertNoVariablesLeft('up{job="node"}[$__rate_interval]', {}, 'x')).not.toThrow();
  });

  it.each([
    ['a dashboard variable beside a macro', 'up{job="$job"}[$__rate_interval]'],
    ['the ${} form', 'up{job="${job}"}[${__interval}]'],
    ['the [[ ]] form', 'up{job="[[job]]"}[[[__range]]]'],
  ])('still compares when %s is left', (_n, text) => {
    expect(() => assertNoVariablesLeft(text, {}, 'x')).toThrow('still refers to a template variable');
  });

  it('does not interpolate again when only target macros are left', () => {
    const replace = jest.spyOn(templates, 'replace');
    try {
      assertNoVariablesLeft('rate(up[$__rate_interval]) * ${__range_s} + y[[[__interval]]]', {}, 'x');
      expect(replace).not.toHaveBeenCalled();
    } finally {
      replace.mockRestore();
    }
  });
});

describe('findMacroRanges', () => {
  it('finds $x, ${x} and [[x]] forms of the target macros only', () => {
    const text = 'a[$__interval] b[${__range_ms}] c[[[__rate_interval]]] $job $__intervalX';
    expect(findMacroRanges(text).map((r) => text.slice(r.from, r.to))).toEqual([
      '$__interval',
      '${__range_ms}',
      '[[__rate_interval]]',
    ]);
  });
});
