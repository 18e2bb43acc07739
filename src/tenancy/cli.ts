/**
 * GitOps CLI: validate a tenant spec offline, or plan / apply it against Grafana.
 *
 *   npm run -s tenancy -- validate --spec provisioning/tenants/tenants.yaml
 *   GRAFANA_PASSWORD=... npm run -s tenancy -- plan  --spec ... --grafana-url http://localhost:3000 --user admin
 *   GRAFANA_PASSWORD=... npm run -s tenancy -- apply --spec ... [--prune] [--rotate-secrets] [--audit-org 1]
 *
 * `--help` lists flags, environment variables and the exit codes (cli/exitCodes.ts), one per thing a
 * CI job reacts to differently. With `--json`, errors are a JSON document on stdout as well.
 *
 * `--provisioning-org` (alias `--audit-org`, default 1) is the org whose Tenancy app settings hold
 * the ownership registry and the audit log; tenant users must have no role there (registry.ts).
 * `--adopt-markers` records orgs that carry an ownership marker but are not in the registry yet
 * (installs provisioned before the registry existed); without it they are conflicts.
 */
import { readFileSync } from 'fs';
import { basicAuthTransport, bearerTokenTransport, GrafanaApi, isGrafanaApiError } from '../grafana-api';
import { applyPlan } from './apply';
import { proxyFileOutputs, writeProxyFiles } from './cli/proxyFilesOut';
import { parseCliArgs, helpText, type CliArgs } from './cli/args';
import { probeGrafana } from './cli/connection';
import { CliFailure, EXIT } from './cli/exitCodes';
import { formatApplyResult, formatPlan } from './format';
import { tenancyApiFromGrafana } from './grafanaAdapter';
import { readLiveState } from './observe';
import { planTenants } from './plan';
import { redactPlan } from './planTypes';
import { parseTenantSpec, type TenantSpec } from './spec';
import { resolveAlertingSecretEnv } from './specAlerting';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let args: CliArgs | undefined;
  try {
    args = parseCliArgs(argv);
    if (args.command === 'help') {
      io.out(helpText());
      return EXIT.ok;
    }
    const spec = readSpec(String(args.flags.spec));
    if (args.command === 'validate') {
      io.out(
        args.flags.json
          ? JSON.stringify({ valid: true, tenants: spec.tenants.map((t) => t.id) })
          : `spec ${args.flags.spec} is valid: ${spec.tenants.length} tenant(s)`
      );
      return EXIT.ok;
    }
    return await planOrApply(args.command, args.flags, resolvePasswordEnv(spec, io.env), io);
  } catch (err) {
    const failure = asFailure(err, args?.command);
    if (args?.flags.json) {
      io.out(JSON.stringify({ error: { kind: failure.kind, message: failure.message, ...failure.details } }, null, 2));
    }
    io.err(failure.message);
    return failure.exitCode;
  }
}

async function planOrApply(
  command: 'plan' | 'apply',
  flags: CliArgs['flags'],
  spec: TenantSpec,
  io: CliIo
): Promise<number> {
  const url = str(flags['grafana-url']) ?? io.env.GRAFANA_URL;
  if (!url) {
    throw new CliFailure('usage', `${command} needs --grafana-url (or GRAFANA_URL): Grafana's root URL`);
  }
  const token = io.env.GRAFANA_TOKEN;
  const password = io.env.GRAFANA_PASSWORD;
  if (!token && password === undefined) {
    throw new CliFailure(
      'usage',
      `${command} needs credentials: GRAFANA_PASSWORD (with --user / GRAFANA_USER, a Grafana Server Admin) or GRAFANA_TOKEN`
    );
  }
  await probeGrafana(url);
  const transport = token
    ? bearerTokenTransport(url, token)
    : basicAuthTransport(url, str(flags.user) ?? io.env.GRAFANA_USER ?? 'admin', password!);
  const provisioningOrgId = Number(str(flags['provisioning-org']) ?? str(flags['audit-org']) ?? '1');
  if (!Number.isInteger(provisioningOrgId) || provisioningOrgId < 1) {
    throw new CliFailure('usage', '--provisioning-org must be an org id (a positive integer), e.g. 1 for "Main Org."');
  }
  const outputs = proxyFileOutputs(flags, spec);
  const api = tenancyApiFromGrafana(new GrafanaApi(transport));
  const live = await readLiveState(api, spec, { provisioningOrgId });
  const plan = planTenants(spec, live, {
    rotateSecrets: flags['rotate-secrets'] === true,
    rotateTokens: flags['rotate-tokens'] === true ? true : idList(str(flags['rotate-token'])),
    adoptMarkers: flags['adopt-markers'] === true,
  });
  io.out(flags.json ? JSON.stringify(redactPlan(plan), null, 2) : formatPlan(plan));
  let code: number;
  if (command === 'plan') {
    const pending = plan.summary.create + plan.summary.update + plan.summary.orphaned;
    code = plan.summary.conflict > 0 ? EXIT.conflicts : pending > 0 ? EXIT.changesPending : EXIT.ok;
  } else {
    const result = await applyPlan(api, plan, { prune: flags.prune === true, audit: { orgId: provisioningOrgId } });
    io.out(formatApplyResult(result));
    code = Object.values(result.tenants).every((s) => s.state === 'done')
      ? EXIT.ok
      : plan.tenants.some((t) => t.blocked)
        ? EXIT.conflicts
        : EXIT.failed;
  }
  // After the run, from what Grafana holds now (with plan: the current files, nothing written to Grafana).
  const written = await writeProxyFiles(api, spec, provisioningOrgId, outputs, io);
  return written || code !== EXIT.ok ? code : EXIT.failed;
}

const idList = (v: string | undefined) =>
  v === undefined
    ? false
    : v
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean);

function readSpec(file: string): TenantSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliFailure('invalidSpec', `cannot read spec file ${file}: ${(e as Error).message}`, { file });
  }
  const parsed = parseTenantSpec(text);
  if (!parsed.ok) {
    throw new CliFailure(
      'invalidSpec',
      `spec ${file} is invalid (${parsed.errors.length} error${parsed.errors.length === 1 ? '' : 's'}):\n` +
        parsed.errors.map((e) => `  ${e.path}: ${e.message}\n    fix: ${e.fix}`).join('\n'),
      { file, errors: parsed.errors }
    );
  }
  return parsed.spec;
}

function resolvePasswordEnv(spec: TenantSpec, env: CliIo['env']): TenantSpec {
  for (const t of spec.tenants) {
    const auth = t.datasource.basicAuth;
    if (auth?.passwordEnv) {
      const value = env[auth.passwordEnv];
      if (value === undefined || value === '') {
        throw new CliFailure(
          'invalidSpec',
          `tenant ${t.id}: environment variable ${auth.passwordEnv} (datasource.basicAuth.passwordEnv) is not set; export it or remove passwordEnv to keep the stored password`
        );
      }
      t.datasource = { ...t.datasource, basicAuth: { ...auth, password: value } };
    }
    const logsAuth = t.logs?.basicAuth;
    if (t.logs && logsAuth?.passwordEnv) {
      const value = env[logsAuth.passwordEnv];
      if (value === undefined || value === '') {
        throw new CliFailure(
          'invalidSpec',
          `tenant ${t.id}: environment variable ${logsAuth.passwordEnv} (logs.basicAuth.passwordEnv) is not set; export it or remove passwordEnv to keep the stored password`
        );
      }
      t.logs = { ...t.logs, basicAuth: { ...logsAuth, password: value } };
    }
  }
  const missing = resolveAlertingSecretEnv(spec.tenants, env);
  if (missing.length > 0) {
    throw new CliFailure('invalidSpec', missing.join('\n'));
  }
  return spec;
}

/** Grafana's refusals and transport failures get their own exit codes; anything else is a failure. */
function asFailure(err: unknown, command: string | undefined): CliFailure {
  if (err instanceof CliFailure) {
    return err;
  }
  if (isGrafanaApiError(err)) {
    if (err.status === 401 || err.status === 403) {
      return new CliFailure('unauthorised', `Grafana refused ${command ?? 'the call'}: ${err.message}`, {
        status: err.status,
        path: err.path,
      });
    }
    if (err.status === 0) {
      return new CliFailure('unreachable', `Grafana stopped answering: ${err.message}`, { path: err.path });
    }
  }
  return new CliFailure('failed', `tenancy ${command ?? ''} failed: ${(err as Error)?.message ?? String(err)}`);
}

const str = (v: string | true | undefined) => (typeof v === 'string' ? v : undefined);

if (require.main === module) {
  runCli(process.argv.slice(2), { out: (t) => console.log(t), err: (t) => console.error(t), env: process.env }).then(
    (code) => {
      process.exitCode = code;
    }
  );
}
