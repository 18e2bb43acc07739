/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/**
 * Grafana 12.x feature toggles that change API shapes (issue #20 item 3), against the fake's
 * variants (tests/fakes/grafana-api/featureToggles.ts). The app reads /api/frontend/settings
 * before planning; the typed client adapts (src/grafana-api: teamIds.ts, paging.ts); the planner
 * never branches on a toggle. Every variant must converge, and a re-run must write nothing.
 */
import {
  collectPages,
  TeamWithoutIdError,
  UnpageableListError,
  UnsupportedGrafanaError,
  withTeamIds,
} from '../../src/grafana-api';
import { applyPlan } from '../../src/tenancy/apply';
import { formatPlan } from '../../src/tenancy/format';
import { readLiveState } from '../../src/tenancy/observe';
import { FAKE_VARIANTS, type FakeFeatureToggle } from '../fakes/grafana-api';
import { managedStateFingerprint, newEnv, plan, planAndApply, SPEC_YAML, specFrom, type Env } from './harness';

const spec = specFrom(SPEC_YAML);

async function orgId(env: Env, name: string): Promise<number> {
  return (await env.client.listOrgs()).find((o) => o.name === name)!.id;
}

/** Fresh apply, then a re-plan and re-apply; returns what a converged run must show. */
async function convergeOn(toggles: FakeFeatureToggle[], pluginDashboardDelay = 0) {
  const env = newEnv({ featureToggles: toggles, pluginDashboardDelay });
  const first = await planAndApply(env, spec);
  const failed = Object.entries(first.result.tenants).filter(([, s]) => s.state !== 'done');
  const again = await plan(env, spec);
  env.fake.resetLog();
  await applyPlan(env.api, again, { retry: false, dashboardPoll: { delayMs: 0 } });
  return { env, first, failed, again, rerunWrites: env.fake.counts().writes };
}

describe('feature toggles', () => {
  let reference: string;
  beforeAll(async () => {
    const { env } = await convergeOn([]);
    reference = await managedStateFingerprint(env);
  });

  it.each(FAKE_VARIANTS.map((v) => [v.name, v.featureToggles] as const))(
    'feature toggle variant "%s": apply converges to the same objects, a re-run writes 0',
    async (_name, toggles) => {
      const { env, failed, again, rerunWrites } = await convergeOn(toggles);
      expect(failed).toEqual([]);
      expect(again.summary).toMatchObject({ create: 0, update: 0, orphaned: 0, conflict: 0 });
      expect(rerunWrites).toBe(0);
      // Fingerprints compare names and uids, never ids.
      expect(await managedStateFingerprint(env)).toBe(reference);
    }
  );

  it('feature toggle kubernetesTeamsRedirect: teams listed without ids are looked up by uid, members and folder permissions use the real ids', async () => {
    const { env, failed, rerunWrites } = await convergeOn(['kubernetesTeamsRedirect']);
    expect(failed).toEqual([]);
    expect(rerunWrites).toBe(0);
    const a = await orgId(env, 'Tenant A');
    const raw = await env.client.request<{ teams: Array<Record<string, unknown>> }>('GET', '/api/teams/search', {
      orgId: a,
    });
    expect(raw.teams.every((t) => t.id === undefined && typeof t.uid === 'string')).toBe(true);
    const teams = await env.client.searchTeams(a);
    expect(teams.map((t) => typeof t.id)).toEqual(['number', 'number']);
    const acl = await env.client.getFolderPermissions(a, 'mtt-a');
    expect(
      acl
        .filter((p) => p.teamId)
        .map((p) => p.team)
        .sort()
    ).toEqual(['dev', 'ops']);
    expect(env.fake.log.some((e) => e.path.startsWith('/api/teams/undefined'))).toBe(false);
  });

  it('feature toggle kubernetesFolders: a folder list that ignores paging is read once (1,500 folders, no loop), Kubernetes error bodies are understood', async () => {
    const env = newEnv({ featureToggles: ['kubernetesFolders'] });
    for (let i = 0; i < 1500; i++) {
      await env.client.createFolder(1, { uid: `f${i}`, title: `Folder ${i}` });
    }
    // A client that asks for page 2 of a full page would loop forever here; stop it after 3 calls.
    let calls = 0;
    env.fake.failOn((t) => t.path === '/api/folders' && t.method === 'GET' && ++calls > 3, {
      status: 400,
      message: 'client looped on an unpaged list',
      times: Infinity,
    });
    expect(await env.client.listFolders(1)).toHaveLength(1500);
    expect(calls).toBe(1);
    const missing = await env.client.getFolder(1, 'nope').catch((e) => e);
    expect(missing).toMatchObject({ status: 404, serverMessage: 'folders.folder.grafana.app "nope" not found' });
    const { failed, rerunWrites } = await convergeOn(['kubernetesFolders']);
    expect(failed).toEqual([]);
    expect(rerunWrites).toBe(0);
  });

  it('feature toggle unifiedStorageSearchUI: settings are read before planning, hits without ids are matched by uid, the plan names the toggle', async () => {
    const { env, failed, again, rerunWrites } = await convergeOn(['unifiedStorageSearchUI']);
    expect(failed).toEqual([]);
    expect(rerunWrites).toBe(0);
    const a = await orgId(env, 'Tenant A');
    const hits = await env.client.searchDashboards(a);
    expect(hits.map((h) => [h.type, h.uid, h.id])).toEqual(
      expect.arrayContaining([
        ['dash-folder', 'mtt-a', undefined],
        ['dash-db', 'mt-overview', undefined],
      ])
    );
    expect(again.grafana).toMatchObject({ version: '12.4.0', featureToggles: ['unifiedStorageSearchUI'] });
    expect(formatPlan(again)).toMatch(/feature toggle unifiedStorageSearchUI: search hits carry no numeric ids/);
    env.fake.resetLog();
    await readLiveState(env.api, spec);
    expect(env.fake.log[0].path).toBe('/api/frontend/settings');
  });

  it('feature toggle refusals name what is not supported: an old Grafana, a team without any id, a list that cannot be paged', async () => {
    const old = newEnv({ version: '11.6.0' });
    await expect(readLiveState(old.api, spec)).rejects.toThrow(UnsupportedGrafanaError);
    await expect(readLiveState(old.api, spec)).rejects.toThrow(/Grafana 11\.6\.0 is older than 12\.4/);
    expect(old.fake.counts().writes).toBe(0);

    // A Grafana whose lookup by uid also lacks the id: refuse, naming the toggle, never write with a bad id.
    const hit = { uid: 'aeb3kq2x', orgId: 2, name: 'ops' };
    const noId = await withTeamIds([hit], async () => ({ ...hit, id: 0 })).catch((e) => e);
    expect(noId).toBeInstanceOf(TeamWithoutIdError);
    expect(noId.message).toMatch(/team "ops" has no numeric id.*kubernetesTeamsRedirect/);

    // A list that honours the limit but ignores the page: cannot be read completely → refused.
    const pages = collectPages(
      '/api/folders',
      2,
      async () => [{ uid: 'x' }, { uid: 'y' }],
      (f) => f.uid
    );
    await expect(pages).rejects.toThrow(UnpageableListError);
    await expect(pages).rejects.toThrow(/ignores paging.*kubernetesFolders/);
  });

  it('bundled dashboards that appear after the app is enabled (asynchronously) are awaited: converges, a re-run writes 0', async () => {
    const { env, failed, again, rerunWrites } = await convergeOn([], 3);
    expect(failed).toEqual([]);
    expect(again.summary).toMatchObject({ create: 0, update: 0, conflict: 0 });
    expect(rerunWrites).toBe(0);
    const a = await orgId(env, 'Tenant A');
    expect((await env.client.searchDashboards(a, { type: 'dash-db' })).map((h) => h.uid)).toEqual(['mt-overview']);
    // Grafana's own import never happening no longer blocks a tenant: apply imports the bundled
    // dashboards into the tenant folder itself before enabling the app (planDashboards.ts), so the
    // wait finds them at once.
    const stuck = newEnv({ pluginDashboardDelay: 1000 });
    const { result } = await planAndApply(stuck, spec, { dashboardPoll: { attempts: 3, delayMs: 0 } });
    expect(result.tenants.a).toMatchObject({ state: 'done' });
  });

  it('a bundled dashboard deleted while the app stays enabled is drift: apply re-imports it from the plugin', async () => {
    const { env } = await convergeOn([]);
    const a = await orgId(env, 'Tenant A');
    await env.client.deleteDashboard(a, 'mt-overview');
    const p = await plan(env, spec);
    const step = p.tenants.find((t) => t.tenantId === 'a')!.steps.find((s) => s.kind === 'dashboard')!;
    // Re-imported into the tenant folder (planDashboards.ts), not the root.
    expect(step).toMatchObject({
      action: 'create',
      target: 'dashboard "Tenant overview"',
      diff: [{ field: 'folder', before: null, after: 'Tenant A dashboards' }],
      op: { type: 'importBundledDashboard', path: 'dashboards/overview.json', folderUid: 'mtt-a' },
    });
    await applyPlan(env.api, p, { retry: false });
    const hits = await env.client.searchDashboards(a, { type: 'dash-db' });
    expect(hits.map((h) => h.uid)).toEqual(['mt-overview']);
    env.fake.resetLog();
    await planAndApply(env, spec);
    expect(env.fake.counts().writes).toBe(0);
  });
});
