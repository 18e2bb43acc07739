/** Label regex translation, literal sets (SetMatches) and Grafana variable protection. */
import { protectVariables, restoreVariables } from './grafana/protect';
import { quoteMeta, tenantMatcher } from './matchers';
import { unquotePromQLString } from './promqlString';
import { compileLabelRegex, regexLiteralSet } from '../labelmatch/regex';

describe('regexLiteralSet (Prometheus SetMatches)', () => {
  it.each([
    ['foo', ['foo']],
    ['foo|bar', ['foo', 'bar']],
    ['(foo|bar)-x', ['foo-x', 'bar-x']],
    ['a[bc]', ['ab', 'ac']],
    ['foo\\.bar', ['foo.bar']],
    ['', []],
    ['foo.*', []],
    ['(?i)foo', []],
    ['a+', []],
  ])('%s', (re, want) => {
    expect(regexLiteralSet(re)).toEqual(want);
  });
});

describe('compileLabelRegex (RE2 semantics via re2js, anchored, dot matches newline)', () => {
  it.each([
    ['a.c', 'a\nc', true],
    ['abc', 'xabcx', false],
    ['(?i)abc', 'ABC', true],
    ['x(?i:abc)', 'xABC', true],
    // RE2 scopes an inline flag to its group (the old RegExp translation widened it to the whole regex).
    ['x(?i:abc)', 'XABC', false],
    ['[[:digit:]]+', '123', true],
    ['[[:^digit:]]+', 'abc', true],
    ['(?P<n>a)b', 'ab', true],
    ['\\Qa.b\\E', 'a.b', true],
    ['\\Qa.b\\E', 'axb', false],
    ['\\pL+', 'éa', true],
    ['.', '\u{1F600}', true],
    ['a|', '', true],
    ['((.|.)*)*X', 'acme-production'.repeat(50), false],
    ['(a+)+$', 'a'.repeat(5000) + 'b', false],
  ])('%s matches %j: %s', (re, value, want) => {
    const c = compileLabelRegex(re);
    expect(c).not.toBeInstanceOf(Error);
    expect((c as Exclude<typeof c, Error>).re.test(value)).toBe(want);
  });

  it.each(['(', '[z-a]', '(?<name', '(?=x)', '(?!x)', '(a)\\1', 'a{1000}{1000}', 'a{1001}', '\\'])(
    'rejects %s',
    (re) => {
      expect(compileLabelRegex(re)).toBeInstanceOf(Error);
    }
  );
});

describe('tenant matcher (prom-label-proxy routes.go)', () => {
  it('quotes regex metacharacters like Go regexp.QuoteMeta and sorts by bytes', () => {
    expect(quoteMeta('a.b|c-d')).toBe('a\\.b\\|c-d');
    expect(tenantMatcher('t', ['é', 'z', 'a.b'])).toEqual({ name: 't', op: '=~', value: 'a\\.b|z|é' });
  });
});

describe('PromQL string literals', () => {
  it.each([
    ['"a\\"b"', 'a"b'],
    ["'a\\'b'", "a'b"],
    ['`a\\b`', 'a\\b'],
    ['"\\u00e9\\x41\\101"', 'éAA'],
  ])('%s', (raw, want) => {
    expect(unquotePromQLString(raw)).toEqual({ ok: true, value: want });
  });
  it.each(['"\\c"', '"\\x."', '"open', "'a\\\"'"])('rejects %s', (raw) => {
    expect(unquotePromQLString(raw).ok).toBe(false);
  });
});

describe('Grafana variable protection', () => {
  it.each([
    ['rate(x[$__rate_interval])', 'duration'],
    ['x{a="$v"}', 'string'],
    ['${prefix}_total', 'identifier'],
    ['x > $t', 'number'],
    ['x offset $o', 'duration'],
  ])('%s', (text) => {
    const p = protectVariables(text);
    expect(p.count).toBe(1);
    expect(p.text).not.toContain('$');
    expect(restoreVariables(p.text, p)).toBe(text);
  });

  it('leaves label_replace capture references alone', () => {
    expect(protectVariables('label_replace(x, "a", "$1", "b", "(.*)")').count).toBe(0);
  });
});
