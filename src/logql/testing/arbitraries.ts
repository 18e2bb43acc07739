/**
 * fast-check generators of LogQL text for property tests: stream selectors (existing matchers on
 * the tenant label with every operator), pipelines (line filters, parsers, label filters that name
 * the tenant label, formatting, drop/keep, unwrap), range and vector aggregations with groupings and
 * parameters, binary operations with matching clauses, label_replace, vector(), offsets, comments and
 * odd white space. Mostly valid queries, sometimes not (the engine must then throw EnforceError,
 * never anything else).
 */
import fc from 'fast-check';

const ws = fc.constantFrom('', ' ', '  ', '\n', '\t', ' # note\n');
const label = fc.constantFrom('job', 'app', 'tenant', 'namespace', 'level', 'TENANT', 'tenant_id');
const value = fc.oneof(
  fc.constantFrom('a', 'b', 'prod', '', '.*', '.+', 'a|b', 'x\\\\.y', 'é', 'tenant-1', '(?i)abc', '{', '}', '#'),
  fc.string({ maxLength: 6 }).map((s) => s.replace(/[\\"\n\r]/g, ''))
);
const op = fc.constantFrom('=', '!=', '=~', '!~');
const quote = (v: string, q: string) => (q === '`' ? `\`${v.replace(/`/g, '')}\`` : JSON.stringify(v));
const matcher = fc
  .tuple(label, op, value, fc.constantFrom('"', '`'), ws)
  .map(([l, o, v, q, w]) => `${w}${l}${w}${o}${quote(v, q)}`);
const duration = fc.constantFrom('5m', '1h', '30s', '1h30m', '2d', '100ms', '1m');

export const streamSelector = fc.array(matcher, { minLength: 1, maxLength: 4 }).map((ms) => `{${ms.join(',')}}`);

const lineFilter = fc
  .tuple(fc.constantFrom('|=', '!=', '|~', '!~', '|>', '!>'), value, fc.boolean())
  .map(([o, v, or]) => `${o} ${JSON.stringify(v)}${or ? ` or ${JSON.stringify(v + 'x')}` : ''}`);
const labelFilter = fc.oneof(
  fc.tuple(label, op, value).map(([l, o, v]) => `| ${l}${o}${JSON.stringify(v)}`),
  fc.constantFrom(
    '| status >= 500',
    '| duration > 1s',
    '| size < 2KB',
    '| __error__=""',
    '| tenant="other" or level="error"',
    '| addr = ip("10.0.0.0/8")'
  )
);
const stage = fc.oneof(
  lineFilter,
  labelFilter,
  fc.constantFrom(
    '| json',
    '| logfmt',
    '| logfmt --strict',
    '| json tenant="meta.tenant", lvl="level"',
    '| pattern "<ip> - <_>"',
    '| regexp "(?P<tenant>\\\\w+)"',
    '| unpack',
    '| line_format "{{.tenant}} {{.msg}}"',
    '| label_format tenant=job',
    '| label_format tenant="{{.app}}"',
    '| drop tenant',
    '| keep job, tenant',
    '| decolorize'
  )
);
export const logQuery = fc
  .tuple(streamSelector, fc.array(fc.tuple(ws, stage), { maxLength: 4 }))
  .map(([s, stages]) => s + stages.map(([w, st]) => ` ${w}${st}`).join(''));

const logRange = fc.oneof(
  fc.tuple(logQuery, duration).map(([q, d]) => `${q} [${d}]`),
  fc.tuple(logQuery, duration, duration).map(([q, d, o]) => `${q} [${d}] offset ${o}`),
  fc.tuple(streamSelector, duration).map(([s, d]) => `(${s})[${d}]`)
);
const unwrapRange = fc
  .tuple(
    logQuery,
    fc.constantFrom('| unwrap bytes', '| unwrap duration(latency)', '| unwrap x | __error__=""'),
    duration
  )
  .map(([q, u, d]) => `${q} ${u} [${d}]`);

const { metric } = fc.letrec<{ metric: string; scalar: string }>((tie) => ({
  metric: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc
      .tuple(fc.constantFrom('count_over_time', 'rate', 'bytes_over_time', 'bytes_rate', 'absent_over_time'), logRange)
      .map(([f, r]) => `${f}(${r})`),
    fc
      .tuple(fc.constantFrom('sum_over_time', 'avg_over_time', 'max_over_time', 'rate', 'first_over_time'), unwrapRange)
      .map(([f, r]) => `${f}(${r})`),
    unwrapRange.map((r) => `quantile_over_time(0.99, ${r}) by (job)`),
    fc
      .tuple(
        fc.constantFrom('sum', 'avg', 'max', 'count', 'min', 'stddev'),
        fc.constantFrom('', ' by (job)', ' without (tenant)'),
        tie('metric')
      )
      .map(([a, mod, v]) => `${a}${mod}(${v})`),
    fc
      .tuple(fc.constantFrom('topk', 'bottomk'), fc.constantFrom('1', '5', '10'), tie('metric'))
      .map(([a, k, v]) => `${a}(${k}, ${v})`),
    fc
      .tuple(
        tie('metric'),
        fc.constantFrom('+', '-', '*', '/', '%', '^', 'and', 'or', 'unless', '> bool', '==', '<'),
        fc.constantFrom('', ' on(job)', ' ignoring(tenant)', ' on(job) group_left(tenant)'),
        tie('metric')
      )
      .map(
        ([a, o, m, b]) =>
          `${a} ${o}${['and', 'or', 'unless'].includes(o) ? m.replace(/ group_left\(tenant\)/, '') : m} ${b}`
      ),
    fc.tuple(tie('metric'), tie('scalar')).map(([v, s]) => `${v} * ${s}`),
    tie('metric').map((v) => `(${v})`),
    fc.tuple(tie('metric'), ws).map(([v, w]) => `label_replace(${v},${w}"tenant", "$1", "job", "(.*)")`),
    fc.tuple(fc.constantFrom('sort', 'sort_desc'), tie('metric')).map(([f, v]) => `${f}(${v})`),
    tie('metric').map((v) => `${v} or vector(0)`)
  ),
  scalar: fc.constantFrom('1', '0.5', '10', 'vector(3)', '-2'),
}));

export const logqlQuery = fc.oneof(logQuery, metric);

/** Sometimes broken text: a valid query with a slice cut out or a character inserted. */
export const mangledLogQLQuery = fc
  .tuple(logqlQuery, fc.nat(), fc.nat(), fc.constantFrom('', '(', ')', '{', '}', '"', ',', '[', '#', '|', '`', '\\'))
  .map(([q, a, b, ins]) => {
    const i = a % (q.length + 1);
    const j = Math.min(q.length, i + (b % 4));
    return q.slice(0, i) + ins + q.slice(j);
  });
