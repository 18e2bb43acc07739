import { policyFromLabelValues } from '../../src/policy';
import type { Logger } from '../log';
import type { TenantSource } from '../options';
import { grafanaIdTokenIdentity } from './grafanaIdToken';
import { headerIdentity } from './header';
import type { IdentitySource } from './identity';
import { queryParamIdentity } from './queryParam';
import { staticIdentity, staticPolicyIdentity } from './static';
import { tokensIdentity } from './tokens';

export type { Identity, IdentityRequest, IdentityResult, IdentitySource } from './identity';

/** Timings of the file- and Grafana-backed sources; tests shorten them. */
export interface IdentityTuning {
  /** How often watched files are re-read even without a change event (default 5 s). */
  filePollIntervalMs?: number;
  /** Least time between key fetches on an unknown kid (default 30 s). */
  keysCooldownMs?: number;
  /** Time Grafana has to answer one call (default 10 s). */
  grafanaTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export const IDENTITY_DEFAULTS = { filePollIntervalMs: 5000, keysCooldownMs: 30_000, grafanaTimeoutMs: 10_000 };

/** The identity source the options name (exactly one; options.ts refuses none or several). */
export function createIdentitySource(
  source: TenantSource,
  logger: Logger,
  tuning: IdentityTuning = {},
  /** The enforced label: a values team joined with a rules team becomes the rule {label=~values}. */
  enforced: { label: string; regexMatch: boolean } = { label: '', regexMatch: false }
): IdentitySource {
  const pollIntervalMs = tuning.filePollIntervalMs ?? IDENTITY_DEFAULTS.filePollIntervalMs;
  switch (source.kind) {
    case 'static':
      return source.rules ? staticPolicyIdentity(source.rules) : staticIdentity(source.values);
    case 'header':
      return headerIdentity(source.name, source.listSyntax);
    case 'queryParam':
      return queryParamIdentity(source.name);
    case 'tokens':
      return tokensIdentity(source.file, logger, pollIntervalMs);
    case 'grafanaIdToken':
      return grafanaIdTokenIdentity(source, {
        logger,
        pollIntervalMs,
        keysCooldownMs: tuning.keysCooldownMs ?? IDENTITY_DEFAULTS.keysCooldownMs,
        grafanaTimeoutMs: tuning.grafanaTimeoutMs ?? IDENTITY_DEFAULTS.grafanaTimeoutMs,
        env: tuning.env ?? process.env,
        valuesPolicy: (values) => policyFromLabelValues(enforced.label, values, enforced.regexMatch),
      });
  }
}
