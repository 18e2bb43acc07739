/**
 * What this Grafana's API looks like, read from GET /api/frontend/settings before anything is
 * planned: `buildInfo.version` and the enabled `featureToggles`. The typed client adapts to the
 * toggles that change shapes (below); callers only show the result — the planner never branches on
 * a version or a toggle. Refused: Grafana older than the plugin's `grafanaDependency` (>= 12.4),
 * whose API the contract was not checked against.
 */
import type { FrontendSettings } from './types';

export interface GrafanaCapabilities {
  /** `buildInfo.version`, or "unknown" when Grafana hides it. */
  version: string;
  /** Enabled feature toggles, sorted. */
  featureToggles: string[];
  /** One line per enabled toggle that changes the API and how the client copes with it. */
  adaptations: string[];
}

/** Toggles that change the shapes the tenancy app reads (CONTRACT "Found against Grafana's source"). */
export const SHAPE_CHANGING_TOGGLES: Record<string, string> = {
  kubernetesTeamsRedirect: 'team search answers teams without numeric ids: each is read again by uid (teamIds.ts)',
  kubernetesFolders:
    'the folder list ignores paging and errors are Kubernetes Status bodies: lists are read without trusting paging (paging.ts), errors by status and message',
  unifiedStorageSearchUI: 'search hits carry no numeric ids: hits are matched by uid only',
};

export const MIN_GRAFANA_VERSION: readonly [number, number] = [12, 4];

export class UnsupportedGrafanaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedGrafanaError';
  }
}

/** Pure: the capabilities in `settings`, or an UnsupportedGrafanaError naming what is not supported. */
export function capabilitiesFrom(settings: FrontendSettings): GrafanaCapabilities {
  const version = settings.buildInfo?.version || 'unknown';
  const featureToggles = Object.entries(settings.featureToggles ?? {})
    .filter(([, on]) => on === true)
    .map(([name]) => name)
    .sort();
  const parts = /^(\d+)\.(\d+)/.exec(version);
  if (parts) {
    const [major, minor] = [Number(parts[1]), Number(parts[2])];
    const [minMajor, minMinor] = MIN_GRAFANA_VERSION;
    if (major < minMajor || (major === minMajor && minor < minMinor)) {
      throw new UnsupportedGrafanaError(
        `Grafana ${version} is older than ${minMajor}.${minMinor}, the version the tenancy app requires (plugin.json grafanaDependency); its API answers differ from the contract. Upgrade Grafana, then plan again.`
      );
    }
  }
  const adaptations = featureToggles
    .filter((t) => SHAPE_CHANGING_TOGGLES[t] !== undefined)
    .map((t) => `${t}: ${SHAPE_CHANGING_TOGGLES[t]}`);
  return { version, featureToggles, adaptations };
}
