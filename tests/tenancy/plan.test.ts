/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/**
 * Planner unit tests (pure): one converged LiveState is captured once from the fake, then each
 * table row mutates a copy and names the steps the planner must produce (everything else
 * `unchanged`).
 */
import { datasourceUid, folderUid } from '../../src/tenancy/naming';
import { readLiveState, type LiveOrg, type LiveState } from '../../src/tenancy/observe';
import { planTenants } from '../../src/tenancy/plan';
import { redactPlan } from '../../src/tenancy/planTypes';
import { newEnv, planAndApply, SPEC_YAML, specFrom } from './harness';

const spec = specFrom(SPEC_YAML);
let converged: LiveState;
/** jsdom has no structuredClone; live state is plain JSON data. */
const structuredClone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

beforeAll(async () => {
  const env = newEnv();
  await planAndApply(env, spec);
  converged = await readLiveState(env.api, spec);
});

const orgOf = (live: LiveState, name: string): LiveOrg => live.orgStates.find((s) => s.org.name === name)!;
const dsOf = (live: LiveState, name: string, tenantId: string) => orgOf(live, name).contents!.managedDatasource!;
const changes = (live: LiveState, tenantId = 'a', specToUse = spec) =>
  planTenants(specToUse, live)
    .tenants.find((t) => t.tenantId === tenantId)!
    .steps.filter((s) => s.action !== 'unchanged')
    .map((s) => `${s.kind}:${s.action}:${s.target}${s.requiresPrune ? ' (prune)' : ''}`);

type Row = [string, (live: LiveState) => void, string[]];

const rows: Row[] = [
  ['converged live state', () => {}, []],
  [
    'data source URL edited',
    (l) => (dsOf(l, 'Tenant A', 'a').url = 'http://evil'),
    ['datasource:update:data source "Prometheus (a)"'],
  ],
  [
    'second header added to the data source',
    (l) => Object.assign(dsOf(l, 'Tenant A', 'a').jsonData, { httpHeaderName2: 'X-Tenant' }),
    ['datasource:update:data source "Prometheus (a)"'],
  ],
  [
    'data source made non-default',
    (l) => (dsOf(l, 'Tenant A', 'a').isDefault = false),
    ['datasource:update:data source "Prometheus (a)"'],
  ],
  [
    'our uid without our marker',
    (l) => {
      const c = orgOf(l, 'Tenant A').contents!;
      c.datasources.find((d) => d.uid === datasourceUid('a'))!.jsonData = {};
    },
    ['datasource:conflict:data source "Prometheus (a)"'],
  ],
  [
    'another data source of this tenant',
    (l) =>
      orgOf(l, 'Tenant A').contents!.datasources.push({
        id: 999,
        uid: 'old',
        name: 'Old',
        type: 'prometheus',
        url: 'http://x',
        isDefault: false,
        jsonData: { managedBy: 'mtlabs-tenancy-app', tenantId: 'a' },
      }),
    ['datasource:orphaned:data source "Old" (prune)'],
  ],
  [
    'team marker removed',
    (l) => (orgOf(l, 'Tenant A').contents!.teams.find((t) => t.name === 'dev')!.markerTenant = undefined),
    ['team:conflict:team "dev"'],
  ],
  [
    'managed team not in the spec',
    (l) =>
      orgOf(l, 'Tenant A').contents!.teams.push({
        id: 998,
        name: 'old-team',
        email: 'mtlabs-tenancy+a@managed.invalid',
        markerTenant: 'a',
        members: [],
      }),
    ['team:orphaned:team "old-team" (prune)'],
  ],
  [
    'creator still in a team',
    (l) =>
      orgOf(l, 'Tenant A')
        .contents!.teams.find((t) => t.name === 'dev')!
        .members!.push({ userId: l.self.id, login: 'admin', email: 'admin@localhost', permission: 4 }),
    ['team-member:update:team "dev" member "admin"'],
  ],
  [
    'team admin demoted in Grafana',
    (l) =>
      (orgOf(l, 'Tenant A')
        .contents!.teams.find((t) => t.name === 'ops')!
        .members!.find((m) => m.login === 'bob')!.permission = 0),
    ['team-member:update:team "ops" member "bob@example.com"'],
  ],
  [
    'org role changed',
    (l) => (orgOf(l, 'Tenant A').contents!.users.find((u) => u.login === 'alice')!.role = 'Viewer'),
    ['org-user:update:user "alice"'],
  ],
  [
    'user left the org',
    (l) =>
      (orgOf(l, 'Tenant A').contents!.users = orgOf(l, 'Tenant A').contents!.users.filter((u) => u.login !== 'carol')),
    ['org-user:create:user "carol"'],
  ],
  [
    'folder renamed',
    (l) => (orgOf(l, 'Tenant A').contents!.hits.find((h) => h.uid === folderUid('a'))!.title = 'x'),
    ['folder:update:folder "Tenant A dashboards"'],
  ],
  [
    'team lost its folder permission',
    (l) =>
      orgOf(l, 'Tenant A').contents!.folderPermissions!.splice(
        0,
        4,
        ...orgOf(l, 'Tenant A').contents!.folderPermissions!.filter((p) => !p.teamId)
      ),
    ['folder-permissions:update:folder "Tenant A dashboards" permissions'],
  ],
  [
    'app disabled in the org',
    (l) => (orgOf(l, 'Tenant A').appSettings!.enabled = false),
    ['app-enable:update:app settings', 'dashboard:create:bundled dashboards'],
  ],
  ['org renamed in Grafana', (l) => (orgOf(l, 'Tenant A').org.name = 'Renamed'), ['org:update:org "Tenant A"']],
  [
    'org name held by another tenant’s org',
    (l) => {
      orgOf(l, 'Tenant A').markerTenant = 'zz';
    },
    ['org:conflict:org "Tenant A"'],
  ],
  [
    'org contents unreadable',
    (l) => {
      const o = orgOf(l, 'Tenant A');
      o.readError = 'cannot read org';
      delete o.contents;
    },
    ['org:conflict:org "Tenant A"'],
  ],
];

describe('planTenants (pure)', () => {
  it.each(rows)('%s', (_name, mutate, expected) => {
    const live = structuredClone(converged);
    mutate(live);
    expect(changes(live)).toEqual(expected);
  });

  it('plans everything as create on an empty Grafana, in dependency order', () => {
    const empty: LiveState = {
      ...structuredClone(converged),
      registry: { ...converged.registry, entries: [] },
      orgStates: [orgOf(converged, 'Main Org.')],
    };
    const p = planTenants(spec, empty);
    const kinds = [...new Set(p.tenants[0].steps.map((s) => s.kind))];
    expect(kinds).toEqual([
      'org',
      'org-registry',
      'org-user',
      'team',
      'team-member',
      'datasource',
      'folder',
      'folder-permissions',
      'dashboard',
      'app-enable',
    ]);
    expect(p.tenants[0].steps.every((s) => s.action === 'create')).toBe(true);
    expect(p.summary.conflict).toBe(0);
  });

  it('is deterministic and never shows secret values in diffs; redactPlan removes them from ops', () => {
    const empty: LiveState = {
      ...structuredClone(converged),
      registry: { ...converged.registry, entries: [] },
      orgStates: [],
    };
    const p1 = planTenants(spec, empty);
    expect(planTenants(spec, empty)).toEqual(p1);
    const diffs = JSON.stringify(p1.tenants.map((t) => t.steps.map((s) => s.diff)));
    expect(diffs).toContain('(set)');
    expect(diffs).not.toContain('s3cret');
    expect(JSON.stringify(p1)).toContain('s3cret');
    expect(JSON.stringify(redactPlan(p1))).not.toContain('s3cret');
  });

  it('dashboards: false on an enabled app is a prune-only change', () => {
    const live = structuredClone(converged);
    orgOf(live, 'Tenant C').appSettings!.enabled = true;
    expect(changes(live, 'c')).toEqual(['app-enable:orphaned:app settings (prune)']);
  });

  it('warns about query-param mode and default data sources', () => {
    const p = planTenants(spec, structuredClone(converged));
    expect(p.tenants.find((t) => t.tenantId === 'c')!.warnings.join(' ')).toMatch(/query-param mode/);
  });
});
