/** Table-driven checks of the public API (formatting kept, fail closed, Grafana text). */
import { spawnSync } from 'child_process';
import path from 'path';
import {
  createEnforcer,
  enforceGrafanaQuery,
  enforceQuery,
  enforceSeriesSelector,
  EnforceError,
  tenantSelector,
} from './index';
import { asEnforceError } from './errors';

const one = createEnforcer({ label: 'tenant', values: ['a'] });
const two = createEnforcer({ label: 'tenant', values: ['b', 'a|x'] });

describe('enforceQuery keeps formatting and enforces every selector', () => {
  it.each([
    ['up', 'up{tenant="a"}'],
    ['up{}', 'up{tenant="a"}'],
    ['up{ job="x" ,}', 'up{ job="x",tenant="a" ,}'],
    ['sum by (job) (rate(x[5m] offset 1h))  # c', 'sum by (job) (rate(x{tenant="a"}[5m] offset 1h))  # c'],
    ['topk(scalar(count(y)), x)', 'topk(scalar(count(y{tenant="a"})), x{tenant="a"})'],
    ['max_over_time(rate(x[5m])[1h:5m] @ end())', 'max_over_time(rate(x{tenant="a"}[5m])[1h:5m] @ end())'],
    ['{"my.metric", "a.b"="c"}', '{"my.metric", "a.b"="c",tenant="a"}'],
    ['x{tenant="b", job="j"}', 'x{tenant="a", job="j"}'],
    ['x{tenant=~"b.*",tenant!="c",j="k"}', 'x{tenant="a",j="k"}'],
    // A `\r` that Prometheus and lezer both read as a line end (only white space up to `\n`).
    ['up # c\r\n+ x', 'up{tenant="a"} # c\r\n+ x{tenant="a"}'],
    ['up # c\r \t\n', 'up{tenant="a"} # c\r \t\n'],
    ['up\r+ x', 'up{tenant="a"}\r+ x{tenant="a"}'],
  ])('%s', (input, want) => {
    expect(enforceQuery(input, one)).toBe(want);
  });

  it('several values: regex-escaped, sorted, existing matchers kept', () => {
    expect(enforceQuery('x{tenant="b"}', two)).toBe('x{tenant="b",tenant=~"a\\\\|x|b"}');
    expect(tenantSelector(two)).toBe('{tenant=~"a\\\\|x|b"}');
  });
});

describe('fails closed', () => {
  it.each([
    [() => createEnforcer({ label: '', values: ['a'] }), 'empty-label'],
    [() => createEnforcer({ label: 'tenant', values: [] }), 'empty-values'],
    [() => createEnforcer({ label: 'tenant', values: ['a', ''] }), 'empty-values'],
    [() => createEnforcer({ label: 'tenant', values: ['.*'], regexMatch: true }), 'illegal-label-matcher'],
    [() => enforceQuery('', one), 'parse'],
    [() => enforceQuery('sum(up', one), 'parse'],
    [() => enforceQuery('{job=~".*"}', one), 'parse'],
    [
      () => enforceQuery('x{tenant="b"}', createEnforcer({ label: 'tenant', values: ['a'], errorOnReplace: true })),
      'illegal-label-matcher',
    ],
    [() => enforceSeriesSelector('rate(up[5m])', one), 'parse'],
    // Prometheus ends a comment at \r (lex.go isEndOfLine), lezer at \n: the rest would run unchecked.
    [() => enforceQuery('up # x\r or secret', one), 'parse'],
    [() => enforceQuery('sum(up) # x\r + sum(secret)', one), 'parse'],
    [() => enforceQuery('up{job="x", # c\rtenant="b"}', one), 'parse'],
    [() => enforceSeriesSelector('secret # x\r or up', one), 'parse'],
    [() => enforceGrafanaQuery('up # x\r or $metric', one), 'parse'],
    // Deep nesting: EnforceError, never a RangeError (lezer gives up with an error node here; with a
    // small stack it overflows instead: tests/security/engineRobustness.test.ts runs that case).
    [() => enforceQuery('('.repeat(5000) + 'up' + ')'.repeat(5000), one), 'parse'],
    [() => enforceQuery('-'.repeat(5000) + 'up', one), 'parse'],
    // Invalid RE2 (Prometheus compiles label regexes with Go's regexp).
    [() => enforceQuery('x{job=~"(?=a)"}', one), 'parse'],
    [() => enforceQuery('x{job=~"(a)\\\\1"}', one), 'parse'],
    // error-on-replace with a backtracking-hostile regex: RE2 answers in linear time.
    [
      () =>
        enforceQuery(
          'x{tenant=~"((.|.)*)*X"}',
          createEnforcer({ label: 'tenant', values: ['acme-production'], errorOnReplace: true })
        ),
      'illegal-label-matcher',
    ],
  ])('case %#', (fn, kind) => {
    let thrown: unknown;
    try {
      fn();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(EnforceError);
    expect((thrown as EnforceError).kind).toBe(kind);
  });

  it.each([
    [new RangeError('Maximum call stack size exceeded'), 'parse', /query too deeply nested/],
    [new RangeError('too much recursion'), 'parse', /query too deeply nested/],
    [new TypeError('x is undefined'), 'unsupported', /unexpected TypeError: x is undefined; the query was refused/],
    ['a string', 'unsupported', /a string/],
  ])('anything thrown inside becomes an EnforceError naming the reason: %s', (thrown, kind, message) => {
    const err = asEnforceError(thrown, 'up');
    expect(err).toBeInstanceOf(EnforceError);
    expect(err.kind).toBe(kind);
    expect(err.message).toMatch(message);
  });

  it('error-on-replace keeps a compatible RE2 regex (inline flags scoped like RE2)', () => {
    const strict = createEnforcer({ label: 'tenant', values: ['a'], errorOnReplace: true });
    expect(enforceQuery('x{tenant=~"(?i:A)|b"}', strict)).toBe('x{tenant="a"}');
    expect(() => enforceQuery('x{tenant=~"b(?i:A)"}', strict)).toThrow(EnforceError);
  });

  it('names the position of a syntax error', () => {
    expect(() => enforceQuery('sum(rate(x[5m])', one)).toThrow(/at 1:\d+/);
  });
});

describe('enforceSeriesSelector (match[])', () => {
  it('appends like prom-label-proxy', () => {
    expect(enforceSeriesSelector('up{tenant="b"}', one)).toBe('up{tenant="b",tenant="a"}');
    expect(enforceSeriesSelector('{__name__=~"node_.*"}', one)).toBe('{__name__=~"node_.*",tenant="a"}');
  });
});

describe('enforceGrafanaQuery', () => {
  it.each([
    ['rate(x{job=~"$job"}[$__rate_interval])', 'rate(x{job=~"$job",tenant="a"}[$__rate_interval])'],
    ['sum by ($label) (${metric}_total) > $threshold', 'sum by ($label) (${metric}_total{tenant="a"}) > $threshold'],
    ['topk($k, x[[suffix]]) offset $off', 'topk($k, x[[suffix]]{tenant="a"}) offset $off'],
    ['increase(x[${__range}]) / $__range_s', 'increase(x{tenant="a"}[${__range}]) / $__range_s'],
    ['a{x="1"} $op on (x) b', 'a{x="1",tenant="a"} $op on (x) b{tenant="a"}'],
    ['label_values(job)', 'label_values({tenant="a"}, job)'],
    ['label_values(up{env="$env"}, instance)', 'label_values(up{env="$env",tenant="a"}, instance)'],
    ['label_names()', 'label_names({tenant="a"})'],
    ['metrics(node_.*)', 'label_values({__name__=~".*(?:node_.*).*",tenant="a"}, __name__)'],
    ['query_result(topk(5, sum by (x) (y)))', 'query_result(topk(5, sum by (x) (y{tenant="a"})))'],
    // A variable standing alone is a metric name first (fail closed: a number value then makes
    // Prometheus refuse `3{tenant="a"}`), a number only where a metric is not valid.
    ['$metric', '$metric{tenant="a"}'],
    ['$metric + 1', '$metric{tenant="a"} + 1'],
    ['-$metric', '-$metric{tenant="a"}'],
    ['($metric)', '($metric{tenant="a"})'],
    ['$a / $b', '$a{tenant="a"} / $b{tenant="a"}'],
    ['query_result($m)', 'query_result($m{tenant="a"})'],
    ['${m:raw}', '${m:raw}{tenant="a"}'],
    ['[[m]]', '[[m]]{tenant="a"}'],
    ['time() - $m', 'time() - $m{tenant="a"}'],
    ['topk($k, $m)', 'topk($k, $m{tenant="a"})'],
    ['clamp_min($m, $min)', 'clamp_min($m{tenant="a"}, $min)'],
    [
      'histogram_quantile($q, sum by (le) (rate(x[5m])))',
      'histogram_quantile($q, sum by (le) (rate(x{tenant="a"}[5m])))',
    ],
    // Right of a comparison a number comes first (a threshold); a scalar left side needs a vector.
    ['x > $threshold', 'x{tenant="a"} > $threshold'],
    ['x >= bool $t', 'x{tenant="a"} >= bool $t'],
    ['x > ($days * 24 * 3600)', 'x{tenant="a"} > ($days * 24 * 3600)'],
    ['x > sum($m)', 'x{tenant="a"} > sum($m{tenant="a"})'],
    ['$m == $n', '$m{tenant="a"} == $n'],
    ['scalar(x) > $m', 'scalar(x{tenant="a"}) > $m{tenant="a"}'],
    ['x > on(job) $m', 'x{tenant="a"} > on(job) $m{tenant="a"}'],
  ])('%s', (input, want) => {
    expect(enforceGrafanaQuery(input, one)).toBe(want);
  });

  // A tenant value that looks like a number/duration placeholder must survive the restore step.
  it.each([
    ['up > $t', '7900000000', 'up{tenant="7900000000"} > $t'],
    ['rate(up[$__interval])', '7900000000s', 'rate(up{tenant="7900000000s"}[$__interval])'],
  ])('%s for tenant %s', (input, tenant, want) => {
    expect(enforceGrafanaQuery(input, createEnforcer({ label: 'tenant', values: [tenant] }))).toBe(want);
  });
});

describe('cli/enforce.ts as a real process', () => {
  const root = path.resolve(__dirname, '..', '..');
  const run = (args: string[], input = '') =>
    spawnSync(
      process.execPath,
      [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'cli/enforce.ts', ...args],
      {
        cwd: root,
        input,
        encoding: 'utf8',
        timeout: 60_000,
      }
    );

  it('rewrites a query given as the last argument', () => {
    const r = run(['--label', 'tenant', '--value', 'a', 'sum(rate(x[5m]))']);
    expect(r.stdout).toBe('sum(rate(x{tenant="a"}[5m]))\n');
    expect(r.status).toBe(0);
  });

  it('reads JSON lines and reports errors per line, exit 1', () => {
    const r = run(['--label', 'tenant', '--value', 'a', '--value', 'b'], '{"expr":"up"}\n{"expr":"up +"}\n');
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out[0]).toEqual({ expr: 'up', enforced: 'up{tenant=~"a|b"}' });
    expect(out[1].expr).toBe('up +');
    expect(out[1].error.kind).toBe('parse');
    expect(r.status).toBe(1);
  });

  it('refuses to run without a value (exit 2)', () => {
    const r = run(['--label', 'tenant', 'up']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no tenant value/);
  });
});

describe('a variable followed by its unit inside a range', () => {
  it('reads `[${__range_s}s]` as a number with the unit after it', () => {
    expect(enforceGrafanaQuery('rate(x[${__range_s}s])', one)).toBe('rate(x{tenant="a"}[${__range_s}s])');
  });
});
