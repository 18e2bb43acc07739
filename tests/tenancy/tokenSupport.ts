/**
 * Helpers for token-mode and shared-org tests against the fake Grafana: a spec with token tenants
 * and a shared org, plan/apply with the provisioning org (org 1, where the page would run), the
 * registry as stored, and a managed-state fingerprint where random token hashes and data source
 * versions are reduced to their shape (two converged runs hold different random tokens).
 */
import { createHash } from 'crypto';
import { applyPlan, type ApplyOptions, type ApplyResult } from '../../src/tenancy/apply';
import { readLiveState } from '../../src/tenancy/observe';
import { planTenants, type PlanOptions } from '../../src/tenancy/plan';
import type { Plan } from '../../src/tenancy/planTypes';
import type { TenantSpec } from '../../src/tenancy/spec';
import { readTokenRegistry, type TokenRegistry } from '../../src/tenancy/tokenRegistry';
import { managedStateFingerprint, newEnv, type Env } from './harness';

export const PROVISIONING_ORG = 1;

export const TOKEN_SPEC_YAML = `
version: 1
defaults:
  datasource: { mode: proxy, url: "http://proxy:9090" }
tenants:
  - id: a
    labelValues: [a]
    orgName: Tenant A
    teams: [{ name: ops, members: [{ login: alice }] }]
  - id: b
    labelValues: [b, b2]
    orgName: Tenant B
  - id: h
    labelValues: [h]
    orgName: Tenant H
    datasource: { mode: proxy, tenantVia: header, headerName: X-Tenant, url: "http://proxy-h:9090" }
sharedOrgs:
  - orgName: Shared
    proxyUrl: http://proxy-shared:8080
    teams:
      - { name: a-ops, tenant: a }
      - { name: beta-ops, values: [b] }
`;

export function newTokenEnv(): Env {
  const env = newEnv();
  // Org 1 is where the admin page runs: its app settings hold the registry (and the spec, audit log).
  env.fake.state.pluginSettings.push({
    orgId: PROVISIONING_ORG,
    pluginId: 'mtlabs-tenancy-app',
    enabled: true,
    pinned: true,
    jsonData: { tenantSpec: '(kept)' },
    secureJsonData: {},
  });
  return env;
}

export async function planTokens(env: Env, spec: TenantSpec, options: PlanOptions = {}): Promise<Plan> {
  return planTenants(spec, await readLiveState(env.api, spec, { provisioningOrgId: PROVISIONING_ORG }), options);
}

export async function applyTokens(
  env: Env,
  spec: TenantSpec,
  planOptions: PlanOptions = {},
  applyOptions: ApplyOptions = {}
): Promise<{ plan: Plan; result: ApplyResult }> {
  const plan = await planTokens(env, spec, planOptions);
  return { plan, result: await applyPlan(env.api, plan, { retry: false, ...applyOptions }) };
}

export async function registryOf(env: Env): Promise<TokenRegistry> {
  return readTokenRegistry(
    (await env.client.getPluginSettings(PROVISIONING_ORG, 'mtlabs-tenancy-app')).jsonData as never
  );
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The `Authorization` value Grafana would send for the managed data source of `orgName` (read from the fake's store). */
export function storedAuthorization(env: Env, orgName: string, uid: string): string | undefined {
  const org = [...env.fake.state.orgs.values()].find((o) => o.name === orgName);
  const ds = [...env.fake.state.datasources.values()].find((d) => d.orgId === org?.id && d.uid === uid);
  return ds?.jsonData.httpHeaderName1 === 'Authorization' ? ds.secureJsonData.httpHeaderValue1 : undefined;
}

/** managedStateFingerprint with token hashes, data source versions and team uids/ids reduced to their shape. */
export async function tokenStateFingerprint(env: Env): Promise<string> {
  const state = JSON.parse(await managedStateFingerprint(env)) as Array<Record<string, any>>;
  for (const org of state) {
    const json = org.app?.jsonData;
    if (json) {
      for (const key of ['tokenHashes', 'sharedOrgTokenHashes', 'logsTokenHashes', 'sharedOrgLogsTokenHashes']) {
        if (json[key]) {
          json[key] = Object.fromEntries(
            Object.entries(json[key] as Record<string, string[]>).map(([id, list]) => [id, list.map(() => '<sha256>')])
          );
        }
      }
      for (const key of [
        'tokenDatasources',
        'sharedOrgTokenDatasources',
        'logsTokenDatasources',
        'sharedOrgLogsTokenDatasources',
      ]) {
        if (json[key]) {
          json[key] = Object.keys(json[key]).sort();
        }
      }
    }
    for (const ds of org.datasources ?? []) {
      if (Array.isArray(ds.jsonData?.teamTenants)) {
        ds.jsonData.teamTenants = ds.jsonData.teamTenants.map((t: { values: string[] }) => t.values);
      }
    }
  }
  return JSON.stringify(state, null, 1);
}

/** What is wrong with one data source's stored token against its registry hashes (nothing: []). */
export function storedTokenMismatch(
  env: Env,
  label: string,
  at: { orgName: string; uid: string },
  hashes: string[] | undefined
): string[] {
  const auth = storedAuthorization(env, at.orgName, at.uid);
  const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) {
    return [`${label}: data source holds no 43-char bearer token (${auth === undefined ? 'none' : 'malformed'})`];
  }
  return hashes && hashes[0] === sha256(token) ? [] : [`${label}: registry hash[0] is not sha256 of the stored token`];
}

/** Every token-mode data source holds exactly the token whose hash is first in the registry. */
export async function tokenMismatches(env: Env, registry?: TokenRegistry): Promise<string[]> {
  const reg = registry ?? (await registryOf(env));
  return [
    ...storedTokenMismatch(env, 'tenant a', { orgName: 'Tenant A', uid: 'mtt-a-prom' }, reg.tenant.a?.hashes),
    ...storedTokenMismatch(env, 'tenant b', { orgName: 'Tenant B', uid: 'mtt-b-prom' }, reg.tenant.b?.hashes),
    ...storedTokenMismatch(
      env,
      'shared',
      { orgName: 'Shared', uid: 'mtt-shared-prom' },
      reg['shared-org'].shared?.hashes
    ),
  ];
}

/**
 * The crash/resume property of token-mode applies: for every write k of the reference run, fail
 * write k (`before` Grafana applies it, or `after`: a lost response), re-run once, and collect what
 * differs from a clean run — an unfinished tenant, another final state, a data source whose token
 * is not the one its registry lists first (`checks` adds per-suite token checks), or a third run
 * that still writes. Empty when the property holds.
 */
export async function resumeMismatches(
  spec: TenantSpec,
  reference: { fingerprint: string; writes: number },
  mode: 'before' | 'after',
  checks: Array<(env: Env, registry: TokenRegistry) => Promise<string[]>> = [tokenMismatches]
): Promise<string[]> {
  const mismatches: string[] = [];
  for (let k = 1; k <= reference.writes; k++) {
    const env = newTokenEnv();
    env.fake.failWrite(k, { mode, status: 500 });
    await applyTokens(env, spec);
    env.fake.clearFaults();
    const second = await applyTokens(env, spec);
    if (Object.values(second.result.tenants).some((t) => t.state !== 'done')) {
      mismatches.push(`k=${k}: re-run did not finish: ${JSON.stringify(second.result.tenants)}`);
    }
    if ((await tokenStateFingerprint(env)) !== reference.fingerprint) {
      mismatches.push(`k=${k}: final state differs from a clean run`);
    }
    const registry = await registryOf(env);
    for (const check of checks) {
      mismatches.push(...(await check(env, registry)).map((m) => `k=${k}: ${m}`));
    }
    env.fake.resetLog();
    await applyTokens(env, spec);
    if (env.fake.counts().writes !== 0) {
      mismatches.push(`k=${k}: a third run still wrote ${env.fake.counts().writes} times`);
    }
  }
  return mismatches;
}
