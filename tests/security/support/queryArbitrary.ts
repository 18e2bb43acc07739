/**
 * fast-check arbitraries that compose valid-looking PromQL from pieces chosen to attack the tenant
 * matcher: selectors with hostile tenant matchers, in aggregation parameters, subqueries, binary
 * operations with matching modifiers, functions, and with comments/whitespace between tokens.
 */
import fc from 'fast-check';

const METRICS = ['up', 'secret', 'sum', 'start', 'by', 'job:secret:rate5m', 'Infinity'];
const MATCHERS = [
  'job="x"',
  'tenant="b"',
  'tenant=~".*"',
  'tenant!="a"',
  'tenant!~"a"',
  '"tenant"="c"',
  'tenant=""',
  '"te\\u006eant"=~"b|c"',
  'env!~"p.*"',
  'tenant=`b`',
  "tenant='b'",
];
/** Spacing and comments; `\r` is left out on purpose (a known bug, see engineAttacks.test.ts). */
const TRIVIA = [' ', '', '\n', '\t', ' # or secret{tenant="b"}\n', '  '];

const trivia = fc.constantFrom(...TRIVIA);

export const selectorArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...METRICS, ''),
    fc.option(fc.array(fc.constantFrom(...MATCHERS), { minLength: 0, maxLength: 3 })),
    fc.boolean(),
    trivia
  )
  .map(([name, matchers, trailingComma, sp]) => {
    if (matchers === null) {
      return name === '' ? '{__name__="up"}' : name;
    }
    // A selector needs one matcher that does not match the empty string.
    const list = name === '' ? ['__name__="up"', ...matchers] : matchers;
    return `${name}{${sp}${list.join(`,${sp}`)}${trailingComma && list.length > 0 ? ',' : ''}}`;
  });

const scalarOf = (v: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('1', '0.5', '1e3', 'time()', 'Inf'),
    v.map((x) => `scalar(${x})`)
  );

export const vectorArb: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => {
  const v = tie('v');
  const s = scalarOf(v);
  return {
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      selectorArb,
      fc
        .tuple(selectorArb, fc.constantFrom('rate', 'max_over_time', 'absent_over_time'))
        .map(([x, f]) => `${f}(${x}[5m])`),
      selectorArb.map((x) => `${x} offset 5m`),
      selectorArb.map((x) => `${x} @ start()`),
      fc.tuple(v, trivia).map(([x, sp]) => `sum by (job)${sp}(${x})`),
      fc.tuple(s, v).map(([k, x]) => `topk(${k}, ${x})`),
      fc.tuple(s, v).map(([k, x]) => `quantile(${k}, ${x})`),
      v.map((x) => `count_values("tenant", ${x})`),
      fc
        .tuple(
          v,
          fc.constantFrom(
            ' + ',
            ' or ',
            ' and on() ',
            ' unless ignoring(tenant) ',
            ' * on(job) group_left(tenant) ',
            ' > bool '
          ),
          v
        )
        .map(([a, op, b]) => `${a}${op}${b}`),
      fc.tuple(v, s).map(([a, b]) => `${a} / ${b}`),
      v.map((x) => `max_over_time((${x})[10m:1m])`),
      v.map((x) => `avg_over_time((${x})[10m:] @ end())`),
      v.map((x) => `(${x})`),
      v.map((x) => `-${x}`),
      v.map((x) => `label_replace(${x}, "tenant", "b", "", "")`),
      v.map((x) => `absent(${x})`),
      s.map((x) => `vector(${x})`)
    ),
  };
}).v;
