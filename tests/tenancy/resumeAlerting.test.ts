/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/**
 * Crash/resume with alerting on, like resume.test.ts: for every write k of a fresh apply, fail
 * write k (before Grafana applies it, or after — a lost response), re-run once. The result must
 * equal a clean run (orgs, teams, data sources, folders AND every alerting object), nothing
 * duplicated, unmanaged alerting objects (in the main org and in the tenant folder) unchanged,
 * and a third run writes nothing. Also: a lost response absorbed by the retry within one run.
 */
import { seedContactPoint, seedRule } from '../fakes/grafana-api/routes/alerting';
import { alertingOf } from '../fakes/grafana-api/alertingState';
import { ALERTING_SPEC_YAML, alertingFingerprint } from './alertingHarness';
import { managedStateFingerprint, newEnv, planAndApply, specFrom, type Env } from './harness';

const spec = specFrom(ALERTING_SPEC_YAML);

/** Unmanaged alerting objects with our names in the main org, which a careless provisioner could touch. */
async function seedUnmanaged(env: Env): Promise<() => string> {
  await env.client.createFolder(1, { uid: 'shared-alerts', title: 'Shared alerts' });
  seedContactPoint(env.fake.state, 1, {
    name: 'ops-hook',
    type: 'webhook',
    settings: { url: 'http://main/hook' },
    provenance: '',
  });
  seedRule(env.fake.state, 1, { folderUID: 'shared-alerts', ruleGroup: 'tenant-health', title: 'Target down' });
  return () => {
    const org = alertingOf(env.fake.state, 1);
    return JSON.stringify({ rules: [...org.rules.values()], cps: org.contactPoints, policy: org.policy });
  };
}

const fingerprint = async (env: Env) => `${await managedStateFingerprint(env)}\n${await alertingFingerprint(env)}`;

describe('resume with alerting after a failure at any write', () => {
  let reference: { fingerprint: string; writes: number };
  beforeAll(async () => {
    const env = newEnv();
    await seedUnmanaged(env);
    env.fake.resetLog();
    await planAndApply(env, spec);
    reference = { fingerprint: await fingerprint(env), writes: env.fake.counts().writes };
  });

  it('the reference run writes every alerting object', () => {
    expect(reference.fingerprint).toMatch(/"ops-chat"/);
    expect(reference.fingerprint).toMatch(/API 5xx ratio/);
    expect(reference.writes).toBeGreaterThan(20);
  });

  for (const mode of ['before', 'after'] as const) {
    it(`every k: failure ${mode} the write, then one re-run, converges`, async () => {
      const mismatches: string[] = [];
      for (let k = 1; k <= reference.writes; k++) {
        const env = newEnv();
        const snapshot = await seedUnmanaged(env);
        const before = snapshot();
        env.fake.failWrite(k, { mode, status: 500 });
        const first = await planAndApply(env, spec);
        env.fake.clearFaults();
        if (Object.values(first.result.tenants).filter((t) => t.state === 'failed').length !== 1) {
          mismatches.push(`k=${k}: expected one failed tenant, got ${JSON.stringify(first.result.tenants)}`);
        }
        const second = await planAndApply(env, spec);
        if (Object.values(second.result.tenants).some((t) => t.state !== 'done')) {
          mismatches.push(`k=${k}: re-run did not finish: ${JSON.stringify(second.result.tenants)}`);
        }
        if ((await fingerprint(env)) !== reference.fingerprint) {
          mismatches.push(`k=${k}: final state differs from a clean run`);
        }
        if (snapshot() !== before) {
          mismatches.push(`k=${k}: an unmanaged alerting object changed`);
        }
        env.fake.resetLog();
        await planAndApply(env, spec);
        if (env.fake.counts().writes !== 0) {
          mismatches.push(`k=${k}: a third run still wrote ${env.fake.counts().writes} times`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('every k: a lost response (502 after the write) is absorbed by the retry within the same run', async () => {
    const mismatches: string[] = [];
    for (let k = 1; k <= reference.writes; k++) {
      const env = newEnv();
      const snapshot = await seedUnmanaged(env);
      const before = snapshot();
      env.fake.failWrite(k, { mode: 'after', status: 502 });
      const { result } = await planAndApply(env, spec, { retry: { attempts: 2, baseDelayMs: 0 } });
      env.fake.clearFaults();
      if (Object.values(result.tenants).some((t) => t.state !== 'done')) {
        mismatches.push(`k=${k}: ${JSON.stringify(result.tenants)}`);
      }
      if ((await fingerprint(env)) !== reference.fingerprint) {
        mismatches.push(`k=${k}: final state differs from a clean run`);
      }
      if (snapshot() !== before) {
        mismatches.push(`k=${k}: an unmanaged alerting object changed`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
