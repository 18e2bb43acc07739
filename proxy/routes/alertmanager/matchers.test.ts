import { ProxyRejection } from '../../rejection';
import { formatAlertmanagerMatcher, parseAlertmanagerMatcher, tenantFilter } from './matchers';
import { decodePostableSilence, silenceBelongsTo } from './silenceBody';

describe('parseAlertmanagerMatcher (Alertmanager 0.25 pkg/labels ParseMatcher)', () => {
  it.each([
    ['job="prometheus"', { name: 'job', op: '=', value: 'prometheus' }],
    ['instance=~".+"', { name: 'instance', op: '=~', value: '.+' }],
    ['  env != "prod"  ', { name: 'env', op: '!=', value: 'prod' }],
    ['a!~b', { name: 'a', op: '!~', value: 'b' }],
    ['q="say \\"hi\\""', { name: 'q', op: '=', value: 'say "hi"' }],
    ['p="a\\\\b\\nc"', { name: 'p', op: '=', value: 'a\\b\nc' }],
    ['t="a\\tb"', { name: 't', op: '=', value: 'a\\tb' }],
    ['e=""', { name: 'e', op: '=', value: '' }],
  ])('%s', (text, expected) => {
    expect(parseAlertmanagerMatcher(text)).toEqual(expected);
  });

  it.each([['job="promethe'], ['job=a"b'], ['job="a"b"'], ['9job="x"'], ['job'], ['{job="x"}']])(
    'refuses %s',
    (text) => {
      expect(parseAlertmanagerMatcher(text)).toBeNull();
    }
  );

  it.each([['plain'], ['de\\|fault'], ['say "hi"'], ['two\nlines'], ['tab\there'], ['ünïcode ✓']])(
    'prints %j so that Alertmanager reads back the same value',
    (value) => {
      const printed = formatAlertmanagerMatcher({ name: 'tenant', op: '=', value });
      expect(parseAlertmanagerMatcher(printed)).toEqual({ name: 'tenant', op: '=', value });
    }
  );
});

describe('tenantFilter', () => {
  it.each([
    [['a'], false, 'tenant="a"'],
    [['b', 'a'], false, 'tenant=~"a|b"'],
    [['default', 'some|thing'], false, 'tenant=~"default|some\\\\|thing"'],
    [['team-.+'], true, 'tenant=~"team-.+"'],
  ])('%j (regex %s) → %s', (values, regexMatch, printed) => {
    expect(formatAlertmanagerMatcher(tenantFilter('tenant', values, regexMatch))).toBe(printed);
  });

  it.each([
    [[], false],
    [['.*'], true],
    [['a', 'b'], true],
  ])('%j (regex %s) is refused with 400', (values, regexMatch) => {
    expect(() => tenantFilter('tenant', values, regexMatch)).toThrow(ProxyRejection);
  });
});

describe('decodePostableSilence', () => {
  it('reads keys case-insensitively, the last one winning, and drops unknown keys (Go encoding/json)', () => {
    const silence = decodePostableSilence(
      JSON.stringify({
        ID: 'x',
        Comment: 'c',
        extra: 1,
        matchers: [{ Name: 'job', name: 'tenant', VALUE: 'b', isRegex: false, other: true }],
      })
    );
    expect(silence).toEqual({
      id: 'x',
      matchers: [{ name: 'tenant', value: 'b', isRegex: false }],
      rest: { comment: 'c' },
    });
  });

  it.each([
    ['{', 'not JSON'],
    ['[]', 'not a JSON object'],
    ['{"id":5}', '"id" is not a string'],
    ['{"matchers":{}}', '"matchers" is not a list'],
    ['{"matchers":[{"value":"x"}]}', 'no "name" string'],
  ])('refuses %s with 400 (%s)', (body, why) => {
    expect(() => decodePostableSilence(body)).toThrow(why);
  });
});

describe('silenceBelongsTo', () => {
  const m = (fields: Record<string, unknown>) => ({
    matchers: [{ name: 'alertname', value: 'X', isRegex: false }, fields],
  });
  it.each([
    ['tenant="a"', m({ name: 'tenant', value: 'a', isRegex: false, isEqual: true }), true],
    ['tenant="a" without isEqual (the API default)', m({ name: 'tenant', value: 'a', isRegex: false }), true],
    ['tenant!="a"', m({ name: 'tenant', value: 'a', isRegex: false, isEqual: false }), false],
    ['tenant=~"a"', m({ name: 'tenant', value: 'a', isRegex: true }), false],
    ['tenant=~".*"', m({ name: 'tenant', value: '.*', isRegex: true }), false],
    ['tenant="b"', m({ name: 'tenant', value: 'b', isRegex: false }), false],
    ['no tenant matcher', { matchers: [{ name: 'alertname', value: 'X', isRegex: false }] }, false],
    ['no matchers', {}, false],
  ])('%s → %s', (_name, silence, owned) => {
    expect(silenceBelongsTo(silence, 'tenant', 'a')).toBe(owned);
  });
});
