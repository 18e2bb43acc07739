/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/**
 * Crash/resume with token-mode tenants and a shared org (the pattern of resume.test.ts): for every
 * write k of a fresh apply, fail write k before Grafana applies it or after (lost response), then
 * re-run once. The result must have the shape of a clean run, every data source must hold exactly
 * the token whose hash the registry lists first, and a third run must write nothing.
 */
import { specFrom } from './harness';
import {
  applyTokens,
  newTokenEnv,
  registryOf,
  TOKEN_SPEC_YAML,
  tokenMismatches,
  tokenStateFingerprint,
} from './tokenSupport';

// Each 'every k' test applies the whole spec once per write of the reference run (dozens of full
// applies): seconds on an idle machine, more on a loaded one; a bound, not a performance goal.
jest.setTimeout(60_000);

const spec = specFrom(TOKEN_SPEC_YAML);

describe('token and shared-org apply resumes after a failure at any write', () => {
  let reference: { fingerprint: string; writes: number };
  beforeAll(async () => {
    const env = newTokenEnv();
    env.fake.resetLog();
    await applyTokens(env, spec);
    reference = { fingerprint: await tokenStateFingerprint(env), writes: env.fake.counts().writes };
  });

  it('the reference run writes tokens, hashes and the shared org in a bounded number of writes', () => {
    expect(reference.writes).toBeGreaterThan(20);
    expect(reference.fingerprint).toContain('tokenHashes');
    expect(reference.fingerprint).toContain('sharedOrgTokenHashes');
  });

  for (const mode of ['before', 'after'] as const) {
    it(`every k: failure ${mode} the write, then one re-run, converges`, async () => {
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
        mismatches.push(...(await tokenMismatches(env, registry)).map((m) => `k=${k}: ${m}`));
        env.fake.resetLog();
        await applyTokens(env, spec);
        if (env.fake.counts().writes !== 0) {
          mismatches.push(`k=${k}: a third run still wrote ${env.fake.counts().writes} times`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }
});
