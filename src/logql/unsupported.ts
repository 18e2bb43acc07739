/**
 * Loki constructs that lezer-logql 0.4.2 does not parse (its grammar lags Loki's
 * pkg/logql/syntax/syntax.y), named in the refusal so that a user knows the query is not wrong for
 * Loki but cannot be checked here. Only a message: the query is refused either way.
 */
const UNSUPPORTED: Array<[RegExp, string]> = [
  [/\bvariants\s*\(/i, '`variants(…) of (…)` (Loki 3.5 query variants)'],
  [/\|\s*distinct\b/i, 'the `| distinct` stage'],
  [/\bapprox_count_distinct\s*\(/i, 'approx_count_distinct()'],
];

/** A sentence naming a construct the grammar lacks, when `text` seems to use one. */
export function unsupportedConstructHint(text: string): string | undefined {
  for (const [pattern, what] of UNSUPPORTED) {
    if (pattern.test(text)) {
      return `${what} is not supported by the LogQL grammar this engine checks with (@grafana/lezer-logql 0.4.2), so the query is refused; rewrite it without that construct`;
    }
  }
  return undefined;
}
