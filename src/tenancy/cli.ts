/**
 * GitOps CLI: plan or apply a tenant spec file against Grafana as a Server Admin user (basic auth).
 *
 *   npx tsx src/tenancy/cli.ts plan  --spec provisioning/tenants/tenants.yaml --grafana-url http://localhost:3000 --user admin --password admin
 *   npx tsx src/tenancy/cli.ts apply --spec ... [--prune] [--rotate-secrets] [--rotate-tokens[=a,b]] [--provisioning-org 1] [--adopt-markers]
 *        [--tokens-out proxy-tokens.yaml] [--mapping-out 'team-mapping-{id}.yaml']
 *
 * `--provisioning-org` (alias `--audit-org`, default 1) is the org whose Tenancy app settings hold
 * the ownership registry, the token hashes and the audit log; tenant users must have no role there
 * (registry.ts, tokenRegistry.ts).
 * `--adopt-markers` records orgs that carry an ownership marker but are not in the registry yet
 * (installs provisioned before the registry existed); without it they are conflicts.
 * `--tokens-out` writes the proxy's `--tenant-tokens-file` and `--mapping-out` one
 * `--team-mapping-file` per shared org (`{id}` is replaced by the shared org's id; needed when there
 * are several), both from what Grafana holds after the run; with `plan` they re-export the current
 * files without writing to Grafana.
 *
 * URL, user and password may come from GRAFANA_URL, GRAFANA_USER, GRAFANA_PASSWORD instead.
 * `datasource.basicAuth.passwordEnv` in the spec is read from the environment.
 * Exit codes: plan → 0 nothing to do, 2 changes pending, 1 invalid spec / conflicts / errors;
 * apply → 0 every tenant done, 1 otherwise.
 */
import { readFileSync, renameSync, writeFileSync } from 'fs';
import { basicAuthTransport, GrafanaApi } from '../grafana-api';
import { applyPlan } from './apply';
import { formatApplyResult, formatPlan } from './format';
import { tenancyApiFromGrafana } from './grafanaAdapter';
import { readLiveState } from './observe';
import { planTenants } from './plan';
import { redactPlan } from './planTypes';
import type { TenancyApi } from './ports';
import { readProxyFiles, renderTeamMappingFile, renderTenantTokensFile } from './proxyFiles';
import { parseTenantSpec, type TenantSpec } from './spec';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
}

const USAGE =
  'usage: tenancy plan|apply --spec <file> [--grafana-url <url>] [--user <login>] [--password <pw>] [--prune] [--rotate-secrets] [--rotate-tokens[=<id>,...]] [--provisioning-org <id>] [--adopt-markers] [--tokens-out <file>] [--mapping-out <file with {id}>] [--json]';

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const flags = parseFlags(rest);
  if ((command !== 'plan' && command !== 'apply') || typeof flags.spec !== 'string') {
    io.err(USAGE);
    return 1;
  }
  const url = str(flags['grafana-url']) ?? io.env.GRAFANA_URL;
  const user = str(flags.user) ?? io.env.GRAFANA_USER ?? 'admin';
  const password = str(flags.password) ?? io.env.GRAFANA_PASSWORD;
  if (!url || password === undefined) {
    io.err(
      'missing --grafana-url/GRAFANA_URL or --password/GRAFANA_PASSWORD: the CLI needs a Grafana Server Admin user'
    );
    return 1;
  }
  let text: string;
  try {
    text = readFileSync(flags.spec, 'utf8');
  } catch (e) {
    io.err(`cannot read spec file ${flags.spec}: ${(e as Error).message}`);
    return 1;
  }
  const parsed = parseTenantSpec(text);
  if (!parsed.ok) {
    io.err(
      `spec ${flags.spec} is invalid:\n` +
        parsed.errors.map((e) => `  ${e.path}: ${e.message}\n    fix: ${e.fix}`).join('\n')
    );
    return 1;
  }
  const spec = resolvePasswordEnv(parsed.spec, io);
  if (!spec) {
    return 1;
  }
  const provisioningOrgId = Number(str(flags['provisioning-org']) ?? str(flags['audit-org']) ?? '1');
  if (!Number.isInteger(provisioningOrgId) || provisioningOrgId < 1) {
    io.err('--provisioning-org must be an org id (a positive integer), e.g. 1 for "Main Org."');
    return 1;
  }
  const mappingOut = str(flags['mapping-out']);
  if (flags['mapping-out'] === true || flags['tokens-out'] === true) {
    io.err('--tokens-out and --mapping-out need a file name');
    return 1;
  }
  if (mappingOut && spec.sharedOrgs.length > 1 && !mappingOut.includes('{id}')) {
    io.err(
      `--mapping-out ${mappingOut}: the spec has ${spec.sharedOrgs.length} shared orgs, one file each; put {id} in the name, e.g. team-mapping-{id}.yaml`
    );
    return 1;
  }
  const api = tenancyApiFromGrafana(new GrafanaApi(basicAuthTransport(url, user, password)));
  try {
    const live = await readLiveState(api, spec, { provisioningOrgId });
    const plan = planTenants(spec, live, {
      rotateSecrets: flags['rotate-secrets'] === true,
      rotateTokens: rotateTokens(flags['rotate-tokens']),
      adoptMarkers: flags['adopt-markers'] === true,
    });
    io.out(flags.json ? JSON.stringify(redactPlan(plan), null, 2) : formatPlan(plan));
    let code: number;
    if (command === 'plan') {
      const pending = plan.summary.create + plan.summary.update + plan.summary.orphaned;
      code = plan.summary.conflict > 0 ? 1 : pending > 0 ? 2 : 0;
    } else {
      const result = await applyPlan(api, plan, { prune: flags.prune === true, audit: { orgId: provisioningOrgId } });
      io.out(formatApplyResult(result));
      code = Object.values(result.tenants).every((s) => s.state === 'done') ? 0 : 1;
    }
    const written = await writeProxyFiles(api, spec, provisioningOrgId, str(flags['tokens-out']), mappingOut, io);
    return written ? code : 1;
  } catch (e) {
    io.err(`tenancy ${command} failed: ${(e as Error).message}`);
    return 1;
  }
}

function rotateTokens(flag: string | true | undefined): boolean | string[] {
  if (flag === undefined) {
    return false;
  }
  return flag === true
    ? true
    : flag
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean);
}

/**
 * Writes the proxy's files from what Grafana holds now. Each file is written whole (temp file +
 * rename) so a proxy watching it never reads half a file. A shared org whose mapping cannot be
 * built yet is reported and its file left as it was (fail closed).
 */
async function writeProxyFiles(
  api: TenancyApi,
  spec: TenantSpec,
  registryOrgId: number,
  tokensOut: string | undefined,
  mappingOut: string | undefined,
  io: CliIo
): Promise<boolean> {
  if (!tokensOut && !mappingOut) {
    return true;
  }
  const files = await readProxyFiles(api, spec, registryOrgId);
  let ok = true;
  if (tokensOut) {
    writeWhole(tokensOut, renderTenantTokensFile(files.tokens));
    io.out(`wrote ${tokensOut} (${Object.keys(files.tokens.tenants).length} tenant(s) in token mode)`);
  }
  if (mappingOut) {
    for (const shared of files.sharedOrgs) {
      const file = mappingOut.split('{id}').join(shared.id);
      if (!shared.mapping) {
        io.err(`not written: ${file} for shared org "${shared.id}": ${shared.error}`);
        ok = false;
        continue;
      }
      writeWhole(file, renderTeamMappingFile(shared.mapping));
      io.out(`wrote ${file} (org ${shared.mapping.orgId}, ${shared.mapping.teams.length} team(s))`);
    }
  }
  return ok;
}

function writeWhole(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o644 });
  renameSync(temp, file);
}

function resolvePasswordEnv(spec: TenantSpec, io: CliIo): TenantSpec | undefined {
  for (const t of spec.tenants) {
    const auth = t.datasource.basicAuth;
    if (auth?.passwordEnv) {
      const value = io.env[auth.passwordEnv];
      if (value === undefined || value === '') {
        io.err(
          `tenant ${t.id}: environment variable ${auth.passwordEnv} (datasource.basicAuth.passwordEnv) is not set; export it or remove passwordEnv to keep the stored password`
        );
        return undefined;
      }
      t.datasource = { ...t.datasource, basicAuth: { ...auth, password: value } };
    }
  }
  return spec;
}

function parseFlags(args: string[]): Record<string, string | true> {
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) {
      continue;
    }
    const [key, inline] = a.slice(2).split('=', 2);
    if (inline !== undefined) {
      flags[key] = inline;
    } else if (i + 1 < args.length && !args[i + 1].startsWith('--')) {
      flags[key] = args[++i];
    } else {
      flags[key] = true;
    }
  }
  return flags;
}

const str = (v: string | true | undefined) => (typeof v === 'string' ? v : undefined);

if (require.main === module) {
  runCli(process.argv.slice(2), { out: (t) => console.log(t), err: (t) => console.error(t), env: process.env }).then(
    (code) => {
      process.exitCode = code;
    }
  );
}
