/**
 * The query languages the CLI enforces, chosen by `--lang`. Each one turns the CLI options into an
 * `enforce(expr)` function; everything else (reading, batching, answers, stats) is shared, so a
 * language plugs in as one entry of LANGUAGES.
 */
import { createEnforcer, EnforceError, enforceGrafanaQuery, enforceQuery } from '../../src/promql';
import type { CliOptions } from './options';

export interface Refusal {
  kind: string;
  message: string;
}

export interface LanguageEngine {
  /** Enforced text, or throws; `refusalOf` turns what it throws into the answer's error. */
  enforce(expr: string): string;
  refusalOf(err: unknown): Refusal;
  /**
   * A hint for a user whose queries were refused, given how many of them look like Grafana text
   * (contain `$`): e.g. "add --grafana". Printed on stderr, never in the answers.
   */
  hint?(refusedWithDollar: number): string | undefined;
}

/** Builds the engine for the options; throws an Error naming the bad option (usage error). */
export type LanguageFactory = (opts: CliOptions) => LanguageEngine;

function refusalOf(err: unknown): Refusal {
  if (err instanceof EnforceError) {
    return { kind: err.kind, message: err.message };
  }
  return { kind: 'internal', message: err instanceof Error ? err.message : String(err) };
}

const promql: LanguageFactory = (opts) => {
  const enforcer = createEnforcer({
    label: opts.label!,
    values: opts.values,
    errorOnReplace: opts.errorOnReplace,
    regexMatch: opts.regexMatch,
  });
  return {
    enforce: opts.grafana ? (expr) => enforceGrafanaQuery(expr, enforcer) : (expr) => enforceQuery(expr, enforcer),
    refusalOf,
    hint: (refusedWithDollar) =>
      opts.grafana || refusedWithDollar === 0
        ? undefined
        : `${refusedWithDollar === 1 ? 'a refused query contains' : `${refusedWithDollar} refused queries contain`} "$": ` +
          'if it is Grafana text (template variables, $__rate_interval, label_values()…), add --grafana',
  };
};

export const LANGUAGES: Readonly<Record<string, LanguageFactory>> = { promql };

export function languageEngine(opts: CliOptions): LanguageEngine {
  const factory = Object.prototype.hasOwnProperty.call(LANGUAGES, opts.lang) ? LANGUAGES[opts.lang] : undefined;
  if (!factory) {
    throw new Error(`--lang ${opts.lang} is not supported; choose one of: ${Object.keys(LANGUAGES).join(', ')}`);
  }
  return factory(opts);
}
