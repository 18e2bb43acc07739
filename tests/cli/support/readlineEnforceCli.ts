/**
 * The enforce CLI's JSON-lines path as it was before it read stdin in chunks (commit 78f85ea,
 * readline + one write per line), kept unchanged as the oracle for tests/cli/enforceCorpus.test.ts:
 * the batch path must answer the whole corpus byte for byte like this one (issue #19). Only the
 * import path differs from the original cli/enforce.ts.
 */
/**
 * Tenant enforcement for users and pipelines.
 *
 *   npm run -s enforce -- --label tenant --value a [--value b] [--error-on-replace] [--regex-match] [--grafana] [QUERY]
 *
 * With QUERY: prints the enforced query (exit 1 and the error on stderr when it cannot be enforced).
 * Without: reads JSON lines {"expr": ...} on stdin and writes one line per input,
 * {"expr","enforced"} or {"expr","error":{"kind","message"}}; exit 0 when all were enforced, 1 when
 * some were rejected, 2 for bad usage.
 */
import { createInterface } from 'readline';
import { createEnforcer, enforceGrafanaQuery, enforceQuery, EnforceError, Enforcer } from '../../../src/promql';

interface CliOptions {
  label?: string;
  values: string[];
  errorOnReplace: boolean;
  regexMatch: boolean;
  grafana: boolean;
  query?: string;
}

const USAGE =
  'usage: npm run -s enforce -- --label <name> --value <v> [--value <v2>] [--error-on-replace] [--regex-match] [--grafana] [query]';

function parseArgs(argv: string[]): CliOptions {
  const opts: CliOptions = { values: [], errorOnReplace: false, regexMatch: false, grafana: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) {
        throw new Error(`${flag} needs a value`);
      }
      return v;
    };
    switch (flag) {
      case '--label':
        opts.label = value();
        break;
      case '--value':
        opts.values.push(value());
        break;
      case '--error-on-replace':
        opts.errorOnReplace = true;
        break;
      case '--regex-match':
        opts.regexMatch = true;
        break;
      case '--grafana':
        opts.grafana = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        if (flag.startsWith('--')) {
          throw new Error(`unknown option ${flag}`);
        }
        if (opts.query !== undefined || i !== argv.length - 1) {
          throw new Error(`unexpected argument ${JSON.stringify(arg)}; the query must be the last argument`);
        }
        opts.query = arg;
    }
  }
  if (opts.label === undefined) {
    throw new Error('--label is required');
  }
  return opts;
}

function errorJson(err: unknown): { kind: string; message: string } {
  if (err instanceof EnforceError) {
    return { kind: err.kind, message: err.message };
  }
  return { kind: 'internal', message: err instanceof Error ? err.message : String(err) };
}

async function main(): Promise<number> {
  let opts: CliOptions;
  let enforcer: Enforcer;
  try {
    opts = parseArgs(process.argv.slice(2));
    enforcer = createEnforcer({
      label: opts.label!,
      values: opts.values,
      errorOnReplace: opts.errorOnReplace,
      regexMatch: opts.regexMatch,
    });
  } catch (err) {
    console.error(`enforce: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  const enforce = (expr: string): string =>
    opts.grafana ? enforceGrafanaQuery(expr, enforcer) : enforceQuery(expr, enforcer);

  if (opts.query !== undefined) {
    try {
      process.stdout.write(`${enforce(opts.query)}\n`);
      return 0;
    } catch (err) {
      const e = errorJson(err);
      console.error(`enforce: ${e.kind}: ${e.message}`);
      return 1;
    }
  }

  let rejected = 0;
  let lineNo = 0;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') {
      continue;
    }
    let expr: unknown;
    try {
      expr = (JSON.parse(line) as { expr?: unknown }).expr;
    } catch {
      expr = undefined;
    }
    if (typeof expr !== 'string') {
      rejected++;
      process.stdout.write(
        `${JSON.stringify({ expr: null, error: { kind: 'input', message: `line ${lineNo} is not a JSON object with a string "expr"` } })}\n`
      );
      continue;
    }
    try {
      process.stdout.write(`${JSON.stringify({ expr, enforced: enforce(expr) })}\n`);
    } catch (err) {
      rejected++;
      process.stdout.write(`${JSON.stringify({ expr, error: errorJson(err) })}\n`);
    }
  }
  return rejected > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`enforce: ${err instanceof Error ? err.stack : String(err)}`);
    process.exitCode = 2;
  }
);
