/**
 * fast-check generators of PromQL text for property tests: selectors (bare, braces only, quoted
 * UTF-8 names, existing matchers on the tenant label with every operator), ranges, subqueries,
 * offset/@, functions, aggregations with parameters, binary operations with matching clauses,
 * comments and odd white space. Mostly valid queries, sometimes not (the engine must then throw
 * EnforceError, never anything else).
 */
import fc from 'fast-check';

const ws = fc.constantFrom('', ' ', '  ', '\n', '\t', ' # note\n');
const metric = fc.constantFrom('up', 'http_requests_total', 'node:cpu:rate5m', 'x', 'offset_metric', 'sum_total');
const label = fc.constantFrom('job', 'instance', 'tenant', 'namespace', '__name__', 'le');
const quotedLabel = fc.constantFrom('"a.b"', '"tenant"', '"ü-label"', '"job"');
const value = fc.oneof(
  fc.constantFrom('a', 'b', 'prod', '', '.*', '.+', 'a|b', 'x\\\\.y', 'é', 'tenant-1', '(?i)abc'),
  fc.string({ maxLength: 6 }).map((s) => s.replace(/[\\"\n]/g, ''))
);
const op = fc.constantFrom('=', '!=', '=~', '!~');
const quote = (v: string, q: string) =>
  q === '`' ? `\`${v}\`` : q === "'" ? `'${v.replace(/'/g, '')}'` : JSON.stringify(v);
const matcher = fc
  .tuple(fc.oneof(label, quotedLabel), op, value, fc.constantFrom('"', "'", '`'), ws)
  .map(([l, o, v, q, w]) => `${w}${l}${w}${o}${quote(v, q)}`);
const duration = fc.constantFrom('5m', '1h', '30s', '1h30m', '2d', '100ms', '1m');

export const selector = fc
  .tuple(
    fc.option(metric, { nil: undefined }),
    fc.array(matcher, { maxLength: 4 }),
    fc.boolean(),
    fc.boolean(),
    fc.boolean()
  )
  .map(([name, ms, braces, trailingComma, quotedName]) => {
    const body = ms.join(',') + (trailingComma && ms.length > 0 ? ',' : '');
    if (name === undefined) {
      return quotedName ? `{"my.metric"${ms.length ? ',' : ''}${body}}` : `{${body}}`;
    }
    return braces || ms.length > 0 ? `${name}{${body}}` : name;
  });

const { expr } = fc.letrec<{ expr: string; vector: string; range: string; scalar: string }>((tie) => ({
  vector: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    selector,
    fc.tuple(selector, duration).map(([s, d]) => `${s} offset ${d}`),
    fc.tuple(selector, fc.constantFrom('@ 1609746000', '@ start()', '@ end()')).map(([s, m]) => `${s} ${m}`),
    fc
      .tuple(fc.constantFrom('rate', 'increase', 'avg_over_time', 'max_over_time'), tie('range'))
      .map(([f, r]) => `${f}(${r})`),
    fc
      .tuple(
        fc.constantFrom('sum', 'avg', 'max', 'count', 'group'),
        fc.constantFrom('', ' by (job)', ' without (instance)'),
        tie('vector')
      )
      .map(([a, mod, v]) => `${a}${mod}(${v})`),
    fc
      .tuple(fc.constantFrom('topk', 'bottomk', 'quantile', 'limitk'), tie('scalar'), tie('vector'))
      .map(([a, s, v]) => `${a}(${s}, ${v})`),
    fc
      .tuple(
        tie('vector'),
        fc.constantFrom('+', '-', '*', '/', 'and', 'or', 'unless', '> bool', '=='),
        fc.constantFrom('', ' on(job)', ' ignoring(le)', ' on(job) group_left(instance)'),
        tie('vector')
      )
      .map(
        ([a, o, m, b]) =>
          `${a} ${o}${o === 'and' || o === 'or' || o === 'unless' ? m.replace(/ group_left\(instance\)/, '') : m} ${b}`
      ),
    fc.tuple(tie('vector'), tie('scalar')).map(([v, s]) => `${v} * ${s}`),
    tie('vector').map((v) => `(${v})`),
    tie('vector').map((v) => `-${v}`),
    fc.tuple(tie('vector'), ws).map(([v, w]) => `label_replace(${v},${w}"dst", "$1", "src", "(.*)")`),
    tie('vector').map((v) => `histogram_quantile(0.9, ${v})`),
    tie('vector').map((v) => `absent(${v})`)
  ),
  range: fc.oneof(
    fc.tuple(selector, duration).map(([s, d]) => `${s}[${d}]`),
    fc.tuple(selector, duration, duration).map(([s, d, o]) => `${s}[${d}] offset ${o}`),
    fc.tuple(tie('vector'), duration, fc.constantFrom('', '1m', '30s')).map(([v, d, step]) => `(${v})[${d}:${step}]`),
    fc.tuple(selector, duration).map(([s, d]) => `${s}[${d}] anchored`)
  ),
  scalar: fc.oneof(
    fc.constantFrom('1', '0.5', '10', '3'),
    tie('vector').map((v) => `scalar(${v})`),
    fc.constant('time()')
  ),
  expr: fc.oneof(tie('vector'), tie('range'), tie('scalar')),
}));

export const promqlQuery = expr;
/** Sometimes broken text: a valid query with a slice cut out or a character inserted. */
export const mangledQuery = fc
  .tuple(expr, fc.nat(), fc.nat(), fc.constantFrom('', '(', ')', '{', '}', '"', ',', '[', '#', '$', '@'))
  .map(([q, a, b, ins]) => {
    const i = a % (q.length + 1);
    const j = Math.min(q.length, i + (b % 4));
    return q.slice(0, i) + ins + q.slice(j);
  });

/** Values the Grafana property test substitutes for the variables grafanaQuery uses. */
export const GRAFANA_TEST_VALUES: Record<string, string> = {
  $job: 'node',
  '${instance:regex}': 'host:9100',
  '[[env]]': 'prod',
  $__rate_interval: '1m',
  '${__range}': '1h',
  '${prefix}': 'app',
  $k: '5',
  $threshold: '0.5',
  $label: 'job',
};

const gSelector = fc
  .tuple(
    fc.constantFrom('up', '${prefix}_requests_total', 'x'),
    fc.subarray(['job=~"$job"', 'instance="${instance:regex}"', 'env="[[env]]"', 'a="b"'], { maxLength: 3 })
  )
  .map(([name, ms]) => (ms.length ? `${name}{${ms.join(', ')}}` : name));

/** Raw Grafana text: variables in label values, metric names, ranges, numbers and grouping labels. */
export const grafanaQuery = fc
  .tuple(gSelector, gSelector, fc.constantFrom('$__rate_interval', '${__range}', '5m'), fc.integer({ min: 0, max: 4 }))
  .map(([a, b, range, shape]) => {
    switch (shape) {
      case 0:
        return `sum by ($label) (rate(${a}[${range}]))`;
      case 1:
        return `topk($k, ${a}) > $threshold`;
      case 2:
        return `${a} / on(job) group_left ${b}`;
      case 3:
        return `max_over_time(${a}[${range}:] offset ${range === '5m' ? '1h' : range})`;
      default:
        return `label_replace(${a}, "dst", "$1", "src", "(.*)") or ${b}`;
    }
  });
