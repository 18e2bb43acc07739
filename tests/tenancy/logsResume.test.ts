/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/**
 * Crash/resume with logs (the pattern of tokensResume.test.ts): token-mode Loki data sources with
 * their own tokens, a loki-multitenant tenant and a shared org with its Loki data source and logs
 * wrapper. For every write k of a fresh apply, fail write k before Grafana applies it or after (lost
 * response), then re-run once: the result has the shape of a clean run, every data source (metrics
 * and logs) holds exactly the token its registry scope lists first, and a third run writes nothing.
 */
import { specFrom } from './harness';
import { LOGS_SPEC_YAML, logsTokenMismatches } from './logsSupport';
import {
  applyTokens,
  newTokenEnv,
  resumeMismatches,
  TOKEN_SPEC_YAML,
  tokenMismatches,
  tokenStateFingerprint,
} from './tokenSupport';

// Each 'every k' test applies the whole spec once per write of the reference run (dozens of full
// applies): seconds on an idle machine, more on a loaded one; a bound, not a performance goal.
jest.setTimeout(120_000);

const spec = specFrom(LOGS_SPEC_YAML);

describe('logs apply resumes after a failure at any write', () => {
  let reference: { fingerprint: string; writes: number };
  let withoutLogsWrites: number;
  beforeAll(async () => {
    const plain = newTokenEnv();
    plain.fake.resetLog();
    await applyTokens(plain, specFrom(TOKEN_SPEC_YAML));
    withoutLogsWrites = plain.fake.counts().writes;

    const env = newTokenEnv();
    env.fake.resetLog();
    await applyTokens(env, spec);
    reference = { fingerprint: await tokenStateFingerprint(env), writes: env.fake.counts().writes };
  });

  it('the reference run writes the Loki data sources, their tokens and the logs wrapper beyond the plain run', () => {
    // 3 token-mode Loki data sources (create + token PUT + registry read/write), 1 multitenant, 1 wrapper.
    expect(reference.writes).toBeGreaterThan(withoutLogsWrites + 10);
    expect(reference.fingerprint).toContain('logsTokenHashes');
    expect(reference.fingerprint).toContain('sharedOrgLogsTokenHashes');
    expect(reference.fingerprint).toContain('mtt-shared-logs-wrapper');
    expect(reference.fingerprint).toContain('mtt-h-loki');
  });

  for (const mode of ['before', 'after'] as const) {
    it(`every k: failure ${mode} the write, then one re-run, converges`, async () => {
      expect(await resumeMismatches(spec, reference, mode, [tokenMismatches, logsTokenMismatches])).toEqual([]);
    });
  }
});
