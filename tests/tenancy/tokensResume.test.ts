/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/**
 * Crash/resume with token-mode tenants and a shared org (the pattern of resume.test.ts): for every
 * write k of a fresh apply, fail write k before Grafana applies it or after (lost response), then
 * re-run once. The result must have the shape of a clean run, every data source must hold exactly
 * the token whose hash the registry lists first, and a third run must write nothing.
 */
import { specFrom } from './harness';
import { applyTokens, newTokenEnv, resumeMismatches, TOKEN_SPEC_YAML, tokenStateFingerprint } from './tokenSupport';

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
      expect(await resumeMismatches(spec, reference, mode)).toEqual([]);
    });
  }
});
