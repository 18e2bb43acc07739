/**
 * The query languages the CLI enforces, chosen by `--lang`. Each one turns the CLI options into an
 * `enforce(expr)` function; everything else (reading, batching, answers, stats) is shared, so a
 * language plugs in as one entry of LANGUAGES.
 */
import { parsePolicy, policyFromLabelValues, PolicyError, type Policy } from '../../src/policy';
import * as logqlEngine from '../../src/logql';
import {
  createEnforcer,
  createPolicyEnforcer,
  EnforceError,
  enforceGrafanaPolicyQuery,
  enforceGrafanaQuery,
  enforcePolicyQuery,
  enforceQuery,
} from '../../src/promql';
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

/** `--rule`s plus the `--label/--value` shorthand as one more rule; a bad rule is a usage error. */
function policyOf(opts: CliOptions): Policy {
  try {
    const shorthand =
      opts.label !== undefined ? policyFromLabelValues(opts.label, opts.values, opts.regexMatch).rules : [];
    return { rules: [...parsePolicy(opts.rules).rules, ...shorthand] };
  } catch (err) {
    throw new Error(err instanceof PolicyError ? `--rule: ${err.message}` : String(err));
  }
}

function promqlEnforce(opts: CliOptions): (expr: string) => string {
  if (opts.rules.length === 0) {
    const enforcer = createEnforcer({
      label: opts.label!,
      values: opts.values,
      errorOnReplace: opts.errorOnReplace,
      regexMatch: opts.regexMatch,
    });
    return opts.grafana ? (expr) => enforceGrafanaQuery(expr, enforcer) : (expr) => enforceQuery(expr, enforcer);
  }
  const pe = createPolicyEnforcer(policyOf(opts), { errorOnReplace: opts.errorOnReplace });
  return opts.grafana ? (expr) => enforceGrafanaPolicyQuery(expr, pe) : (expr) => enforcePolicyQuery(expr, pe);
}

const promql: LanguageFactory = (opts) => {
  return {
    enforce: promqlEnforce(opts),
    refusalOf,
    hint: (refusedWithDollar) =>
      opts.grafana || refusedWithDollar === 0
        ? undefined
        : `${refusedWithDollar === 1 ? 'a refused query contains' : `${refusedWithDollar} refused queries contain`} "$": ` +
          'if it is Grafana text (template variables, $__rate_interval, label_values()…), add --grafana',
  };
};

/** Grafana text in a refused query: the same hint for both languages. */
function grafanaHint(opts: CliOptions) {
  return (refusedWithDollar: number): string | undefined =>
    opts.grafana || refusedWithDollar === 0
      ? undefined
      : `${refusedWithDollar === 1 ? 'a refused query contains' : `${refusedWithDollar} refused queries contain`} "$": ` +
        'if it is Grafana text (template variables, $__auto, $__interval…), add --grafana';
}

/** LogQL (src/logql): every stream selector of log and metric queries; the same options. */
const logql: LanguageFactory = (opts) => {
  if (opts.rules.length > 0 || opts.label === undefined) {
    throw new Error(
      '--lang logql takes --label and --value; label policies (--rule) are enforced on PromQL only so far'
    );
  }
  const enforcer = logqlEngine.createEnforcer({
    label: opts.label!,
    values: opts.values,
    errorOnReplace: opts.errorOnReplace,
    regexMatch: opts.regexMatch,
  });
  return {
    enforce: opts.grafana
      ? (expr) => logqlEngine.enforceGrafanaQuery(expr, enforcer)
      : (expr) => logqlEngine.enforceQuery(expr, enforcer),
    // One EnforceError class for both engines (src/labelmatch/errors.ts).
    refusalOf,
    hint: grafanaHint(opts),
  };
};

export const LANGUAGES: Readonly<Record<string, LanguageFactory>> = { promql, logql };

export function languageEngine(opts: CliOptions): LanguageEngine {
  const factory = Object.prototype.hasOwnProperty.call(LANGUAGES, opts.lang) ? LANGUAGES[opts.lang] : undefined;
  if (!factory) {
    throw new Error(`--lang ${opts.lang} is not supported; choose one of: ${Object.keys(LANGUAGES).join(', ')}`);
  }
  return factory(opts);
}
