/**
 * Loki constructs that lezer-logql 0.4.2 does not parse (its grammar lags Loki's
 * pkg/logql/syntax/syntax.y), named in the refusal so that a user knows the query is not wrong for
 * Loki but cannot be checked here. Only a message: the query is refused either way.
 */

/**
 * Loki's lexer looks keywords up in any case (`SUM(Count_Over_Time(…)) BY (…)` is accepted, see
 * grafana/loki pkg/logql/syntax/lex_test.go); lezer-logql only knows them in lower case.
 */
const KEYWORD_CALL =
  /\b(?:sum|avg|min|max|count|stddev|stdvar|topk|bottomk|sort|sort_desc|rate|rate_counter|bytes_rate|count_over_time|bytes_over_time|absent_over_time|avg_over_time|sum_over_time|min_over_time|max_over_time|stddev_over_time|stdvar_over_time|quantile_over_time|first_over_time|last_over_time|label_replace|vector|by|without)\s*\(/gi;

const matches = (pattern: RegExp) => (text: string) => pattern.test(text);

const UNSUPPORTED: Array<[(text: string) => boolean, string]> = [
  [matches(/\bvariants\s*\(/i), '`variants(…) of (…)` (Loki 3.5 query variants)'],
  [matches(/\|\s*distinct\b/i), 'the `| distinct` stage'],
  [matches(/\bapprox_count_distinct\s*\(/i), 'approx_count_distinct()'],
  [
    (text) => [...text.matchAll(KEYWORD_CALL)].some(([call]) => call !== call.toLowerCase()),
    'an upper- or mixed-case keyword such as `SUM(` (Loki reads keywords in any case)',
  ],
];

/** A sentence naming a construct the grammar lacks, when `text` seems to use one. */
export function unsupportedConstructHint(text: string): string | undefined {
  for (const [uses, what] of UNSUPPORTED) {
    if (uses(text)) {
      return `${what} is not supported by the LogQL grammar this engine checks with (@grafana/lezer-logql 0.4.2), so the query is refused; rewrite it without that construct`;
    }
  }
  return undefined;
}
