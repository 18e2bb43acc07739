/**
 * The enforce CLI's flags: one table that both the parser and `--help` read, so that every flag
 * the CLI accepts is described (issue #17) and a flag cannot be added without its description.
 */

export type Mode = 'single' | 'json-lines' | 'lines';

export interface CliOptions {
  /** Query language (`--lang`); chooses the engine, the I/O path is the same for all. */
  lang: string;
  label?: string;
  values: string[];
  /** `--rule` (repeatable): label-policy rules, e.g. {tenant="a",env="prod"}; rules OR, matchers AND. */
  rules: string[];
  errorOnReplace: boolean;
  regexMatch: boolean;
  grafana: boolean;
  /** `--lines`: stdin is plain text, one query per line. */
  lines: boolean;
  /** `--stats`: counts of enforced and refused queries (by kind) on stderr at the end. */
  stats: boolean;
  help: boolean;
  query?: string;
}

interface FlagSpec {
  flag: string;
  /** Placeholder of the flag's value in the help text; undefined for a switch. */
  value?: string;
  help: string;
  apply(opts: CliOptions, value: string): void;
}

export const DEFAULT_LANG = 'promql';

export const FLAGS: readonly FlagSpec[] = [
  {
    flag: '--label',
    value: 'NAME',
    help: 'Label that carries the tenant, e.g. tenant. Required.',
    apply: (o, v) => (o.label = v),
  },
  {
    flag: '--value',
    value: 'VALUE',
    help: 'Tenant value; repeat for several tenants (a|b, regex-escaped). At least one is required.',
    apply: (o, v) => void o.values.push(v),
  },
  {
    flag: '--rule',
    value: 'SELECTOR',
    help:
      'A label-policy rule such as \'{tenant="a",env="prod"}\' (its matchers AND); repeat for several rules ' +
      '(the query sees the union). --label/--value add one more rule. Needs no --label.',
    apply: (o, v) => void o.rules.push(v),
  },
  {
    flag: '--error-on-replace',
    help: 'Refuse a query that already names the tenant label with another value, instead of replacing the matcher.',
    apply: (o) => (o.errorOnReplace = true),
  },
  {
    flag: '--regex-match',
    help: 'Treat the one --value as a regular expression (label=~"VALUE").',
    apply: (o) => (o.regexMatch = true),
  },
  {
    flag: '--grafana',
    help:
      'Input is raw Grafana query text: $vars, ${var:format}, [[var]], $__rate_interval, [${__range_s}s], ' +
      'label_values() … are accepted and given back intact. A macro with a format is refused unless the ' +
      'format keeps its number or duration (e.g. ${__to:date:seconds}, ${__range:raw}).',
    apply: (o) => (o.grafana = true),
  },
  {
    flag: '--lang',
    value: 'LANG',
    help: `Query language of the input (default ${DEFAULT_LANG}).`,
    apply: (o, v) => (o.lang = v),
  },
  {
    flag: '--lines',
    help:
      'Read plain text from stdin, one query per line; write one line per input line: the enforced query, ' +
      'or an empty line for a refused one (its error goes to stderr with the line number).',
    apply: (o) => (o.lines = true),
  },
  {
    flag: '--stats',
    help: 'At the end, print to stderr how many queries were enforced and how many were refused, by kind.',
    apply: (o) => (o.stats = true),
  },
  {
    flag: '--help',
    help: 'Print this help and exit 0 (also -h).',
    apply: (o) => (o.help = true),
  },
];

const BY_FLAG = new Map(FLAGS.map((f) => [f.flag, f]));

export const USAGE =
  'usage: npm run -s enforce -- (--label NAME --value VALUE [--value VALUE2] | --rule SELECTOR [--rule SELECTOR2]) ' +
  '[--error-on-replace] [--regex-match] ' +
  '[--grafana] [--lang LANG] [--lines] [--stats] [QUERY]';

/** The full `--help` text: usage, what each input mode does, every flag, exit codes. */
export function helpText(languages: readonly string[]): string {
  const width = Math.max(...FLAGS.map((f) => (f.value ? `${f.flag} ${f.value}` : f.flag).length));
  const flags = FLAGS.map((f) => `  ${(f.value ? `${f.flag} ${f.value}` : f.flag).padEnd(width)}  ${f.help}`);
  return [
    USAGE,
    '',
    'Adds the tenant matcher to every selector of each query. Nothing is ever printed unenforced.',
    '',
    'Input:',
    '  QUERY             the one query to enforce; the enforced query is printed on stdout.',
    '  (no QUERY)        JSON lines on stdin, {"expr": "..."} per line; one JSON line out per input line:',
    '                    {"expr","enforced"} or {"expr","error":{"kind","message"}}. Blank lines are skipped.',
    '  --lines           plain text on stdin, one query per line (see below).',
    '',
    'Flags:',
    ...flags,
    '',
    `Languages: ${languages.join(', ')}.`,
    'Exit status: 0 all enforced, 1 some refused, 2 bad usage.',
  ].join('\n');
}

/** Parses argv (without node and the script); throws an Error naming the problem on bad usage. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const opts: CliOptions = {
    lang: DEFAULT_LANG,
    values: [],
    rules: [],
    errorOnReplace: false,
    regexMatch: false,
    grafana: false,
    lines: false,
    stats: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = BY_FLAG.get(flag === '-h' ? '--help' : flag);
    if (spec) {
      if (spec.value === undefined && eq > 0) {
        throw new Error(`${flag} takes no value (got ${JSON.stringify(arg)})`);
      }
      const value = spec.value === undefined ? '' : eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) {
        throw new Error(`${flag} needs a value: ${flag} ${spec.value}`);
      }
      spec.apply(opts, value);
      continue;
    }
    if (flag.startsWith('--')) {
      throw new Error(`unknown option ${flag}; see --help for the flags`);
    }
    if (opts.query !== undefined || i !== argv.length - 1) {
      throw new Error(`unexpected argument ${JSON.stringify(arg)}; the query must be the last argument`);
    }
    opts.query = arg;
  }
  if (opts.help) {
    return opts;
  }
  if (opts.label === undefined && opts.rules.length === 0) {
    throw new Error('--label (with --value) or --rule is required: what may the queries see?');
  }
  if (opts.lines && opts.query !== undefined) {
    throw new Error('--lines reads the queries from stdin; give either --lines or a QUERY argument, not both');
  }
  return opts;
}

export function modeOf(opts: CliOptions): Mode {
  return opts.query !== undefined ? 'single' : opts.lines ? 'lines' : 'json-lines';
}
