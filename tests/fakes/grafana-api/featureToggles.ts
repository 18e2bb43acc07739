/**
 * The Grafana 12.x feature toggles the fake reproduces, each with what it changes and where the fake
 * does it. Facts: ../shared/grafana-api/CONTRACT.md "Found against Grafana's source" (flag names in
 * pkg/services/featuremgmt/toggles_gen.go; the team redirect gate in pkg/services/team/teamk8s).
 * Contract tests run against every entry of FAKE_VARIANTS.
 */
export type FakeFeatureToggle = 'kubernetesTeamsRedirect' | 'kubernetesFolders' | 'unifiedStorageSearchUI';

export const FAKE_FEATURE_TOGGLES: Record<FakeFeatureToggle, string> = {
  // routes/teams.ts: /api/teams/search answers teams without `id`; /api/teams/:uid still resolves
  // (MiddlewareTeamUIDResolver).
  kubernetesTeamsRedirect: 'team search answers teams without a numeric id',
  // routes/folders.ts: GET /api/folders ignores page/limit; errors are Kubernetes Status bodies.
  kubernetesFolders: 'folder list ignores paging; errors are Kubernetes Status bodies',
  // routes/search.ts: /api/search hits carry no numeric id/folderId.
  unifiedStorageSearchUI: 'search hits carry no numeric ids',
};

/** Every shape the fake can answer with: Grafana 12.4 defaults, then one toggle at a time, then all. */
export const FAKE_VARIANTS: Array<{ name: string; featureToggles: FakeFeatureToggle[] }> = [
  { name: 'defaults', featureToggles: [] },
  ...(Object.keys(FAKE_FEATURE_TOGGLES) as FakeFeatureToggle[]).map((t) => ({ name: t, featureToggles: [t] })),
  { name: 'all toggles', featureToggles: Object.keys(FAKE_FEATURE_TOGGLES) as FakeFeatureToggle[] },
];
