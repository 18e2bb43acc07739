/**
 * Tenant enforcement for users and pipelines; `--help` describes every flag (cli/enforce/options.ts).
 *
 *   npm run -s enforce -- --label tenant --value a [--value b] [--error-on-replace] [--regex-match]
 *                         [--grafana] [--lang promql] [--lines] [--stats] [QUERY]
 *
 * With QUERY: prints the enforced query (exit 1 and the error on stderr when it cannot be enforced).
 * Without: answers stdin line by line (JSON lines, or plain queries with --lines) through the batch
 * path in cli/enforce/stream.ts. Exit 0 when all were enforced, 1 when some were refused, 2 for bad
 * usage or an output that could not be written.
 */
import { jsonLineAnswerer, plainLineAnswerer, Tally } from './enforce/answers';
import { OutputError } from './enforce/batchOutput';
import { LANGUAGES, languageEngine, LanguageEngine } from './enforce/engines';
import { CliOptions, helpText, modeOf, parseArgs, USAGE } from './enforce/options';
import { answerLines } from './enforce/stream';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function enforceOne(engine: LanguageEngine, query: string, tally: Tally): number {
  try {
    process.stdout.write(`${engine.enforce(query)}\n`);
    tally.enforced++;
    return 0;
  } catch (err) {
    const e = engine.refusalOf(err);
    tally.refuse(e.kind, query);
    console.error(`enforce: ${e.kind}: ${e.message}`);
    return 1;
  }
}

async function main(): Promise<number> {
  let opts: CliOptions;
  let engine: LanguageEngine;
  try {
    opts = parseArgs(process.argv.slice(2));
    if (opts.help) {
      console.log(helpText(Object.keys(LANGUAGES)));
      return 0;
    }
    engine = languageEngine(opts);
  } catch (err) {
    console.error(`enforce: ${message(err)}\n${USAGE}\n(--help describes every flag)`);
    return 2;
  }

  const tally = new Tally();
  let code: number;
  const mode = modeOf(opts);
  if (mode === 'single') {
    code = enforceOne(engine, opts.query!, tally);
  } else {
    const answer =
      mode === 'lines'
        ? plainLineAnswerer(engine, tally, (lineNo, e) =>
            console.error(`enforce: line ${lineNo}: ${e.kind}: ${e.message}`)
          )
        : jsonLineAnswerer(engine, tally);
    try {
      await answerLines(process.stdin, process.stdout, answer);
    } catch (err) {
      if (!(err instanceof OutputError)) {
        throw err;
      }
      console.error(`enforce: ${err.message}; stopped after ${tally.enforced + tally.refused} queries`);
      return 2;
    }
    code = tally.refused > 0 ? 1 : 0;
  }
  const hint = engine.hint?.(tally.refusedWithDollar);
  if (hint) {
    console.error(`enforce: ${hint}`);
  }
  if (opts.stats) {
    console.error(`enforce: ${tally.summary()}`);
  }
  return code;
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
