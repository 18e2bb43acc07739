/** The GitOps CLI's command line: commands, flags, the environment it reads, and its help text. */
import { closestField } from '../specFields';
import { CliFailure, EXIT } from './exitCodes';

export type Command = 'validate' | 'plan' | 'apply';

export interface CliArgs {
  command: Command | 'help';
  flags: Record<string, string | true>;
}

/** Every flag the CLI knows: name → whether it takes a value. */
export const FLAGS: Record<string, { value: boolean; help: string }> = {
  spec: { value: true, help: 'the tenant spec file (YAML or JSON); required' },
  'grafana-url': { value: true, help: "Grafana's root URL, e.g. http://localhost:3000 (or GRAFANA_URL)" },
  user: { value: true, help: 'a Grafana Server Admin login for basic auth (or GRAFANA_USER; default admin)' },
  prune: { value: false, help: 'apply: also delete managed objects that left the spec' },
  'rotate-secrets': { value: false, help: 're-send write-only secrets (data source passwords)' },
  'rotate-tokens': {
    value: false,
    help: 'issue new bearer tokens for every token-mode tenant and shared org (old ones stay valid until the next apply)',
  },
  'rotate-token': { value: true, help: 'the same for these ids only, comma-separated: --rotate-token a,b' },
  'tokens-out': {
    value: true,
    help: "write the proxy's --tenant-tokens-file here after the run (hashes only, no secrets)",
  },
  'mapping-out': {
    value: true,
    help: "write each shared org's --team-mapping-file here after the run; {id} becomes the shared org's id",
  },
  'provisioning-org': {
    value: true,
    help: 'the org whose app settings hold the ownership registry and the audit trail (default 1)',
  },
  'audit-org': { value: true, help: 'old name of --provisioning-org' },
  'adopt-markers': {
    value: false,
    help: 'record orgs that carry an ownership marker but are not in the registry yet (installs from before the registry)',
  },
  json: { value: false, help: 'machine-readable output, errors included, on stdout' },
  help: { value: false, help: 'this text' },
};

export const ENVIRONMENT: Array<[string, string]> = [
  ['GRAFANA_URL', "Grafana's root URL when --grafana-url is not given"],
  ['GRAFANA_USER', 'basic-auth login of a Grafana Server Admin (default admin)'],
  ['GRAFANA_PASSWORD', 'its password (never pass passwords as flags: they end up in shell history)'],
  [
    'GRAFANA_TOKEN',
    'a service-account token instead of user + password (Bearer); note that Grafana lets only Server Admin users create orgs and write in other orgs',
  ],
  ['<passwordEnv>', 'each `datasource.basicAuth.passwordEnv` named in the spec'],
];

export function helpText(): string {
  const flagLines = Object.entries(FLAGS).map(
    ([name, f]) => `  --${(name + (f.value ? ' <value>' : '')).padEnd(22)} ${f.help}`
  );
  const envLines = ENVIRONMENT.map(([name, what]) => `  ${name.padEnd(18)} ${what}`);
  const exitLines = [
    `  ${EXIT.ok}   validate: valid; plan: nothing to do; apply: every tenant done`,
    `  ${EXIT.failed}   apply: a tenant failed (the output says which and the fix); unexpected error`,
    `  ${EXIT.changesPending}   plan: changes pending`,
    `  ${EXIT.invalidSpec}   the spec file is missing or invalid (every error is listed, with the fix)`,
    `  ${EXIT.unreachable}   Grafana unreachable, or the URL answers but is not Grafana`,
    `  ${EXIT.unauthorised}   Grafana refused the credentials or the user is not a Server Admin`,
    `  ${EXIT.conflicts}   a tenant is blocked by a conflict (an unmanaged object is in the way)`,
    `  ${EXIT.usage}  wrong command line`,
  ];
  return [
    'usage: npm run -s tenancy -- <command> --spec <file> [flags]',
    '',
    'commands:',
    '  validate   check the spec offline (no Grafana needed)',
    '  plan       compare the spec with live Grafana and print what apply would do',
    '  apply      plan, then write it (idempotent, resumable)',
    '',
    'flags:',
    ...flagLines,
    '',
    'environment:',
    ...envLines,
    '',
    'exit codes:',
    ...exitLines,
  ].join('\n');
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    return { command: 'help', flags: {} };
  }
  if (first !== 'validate' && first !== 'plan' && first !== 'apply') {
    const guess = closestField(first, ['validate', 'plan', 'apply']);
    throw new CliFailure(
      'usage',
      `unknown command "${first}"${guess ? ` — did you mean "${guess}"?` : ''}; commands are validate, plan and apply (see --help)`
    );
  }
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!m) {
      throw new CliFailure('usage', `unexpected argument "${arg}": flags look like --spec tenants.yaml (see --help)`);
    }
    const [, name, inline] = m;
    const known = FLAGS[name];
    if (!known) {
      const guess = closestField(name, Object.keys(FLAGS));
      throw new CliFailure(
        'usage',
        `unknown flag --${name}${guess ? ` — did you mean --${guess}?` : ''} (see --help)${name === 'password' || name === 'token' ? `; secrets come from the environment: ${name === 'password' ? 'GRAFANA_PASSWORD' : 'GRAFANA_TOKEN'}` : ''}`
      );
    }
    if (!known.value) {
      if (inline !== undefined) {
        throw new CliFailure('usage', `--${name} takes no value`);
      }
      flags[name] = true;
      continue;
    }
    const value = inline ?? rest[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      throw new CliFailure('usage', `--${name} needs a value`);
    }
    flags[name] = value;
  }
  if (flags.help) {
    return { command: 'help', flags };
  }
  if (typeof flags.spec !== 'string') {
    throw new CliFailure('usage', `${first} needs --spec <file> (see --help)`);
  }
  return { command: first, flags };
}
