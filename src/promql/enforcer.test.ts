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
  ])('%s', (input, want) => {
    expect(enforceGrafanaQuery(input, one)).toBe(want);
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
