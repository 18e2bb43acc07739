import type { FakeGrafana } from '../../fakes/grafana-api';

/** Basic auth of the fake's built-in server admin (admin/admin, as a fresh Grafana). */
export const ADMIN_AUTH = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };

/**
 * A caller that seeds the fake as the server admin and fails the test setup loudly on any non-2xx,
 * so a browser test never runs against half-seeded state.
 */
export function seedAsAdmin(fake: FakeGrafana) {
  return async (method: string, url: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fake.handle({
      method,
      url,
      headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
      body,
    });
    if (res.status >= 300) {
      throw new Error(`seeding the fake Grafana: ${method} ${url} answered ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body as Record<string, unknown>;
  };
}

type AdminCaller = ReturnType<typeof seedAsAdmin>;

/**
 * The shared-org setup the wrapper tests run in: "Central Prometheus" (uid `prom`) pointing at a real
 * Prometheus, and the tenant wrapper (uid `tenant-wrapper`) in front of it with the given team mapping.
 */
export async function seedWrapperOverPrometheus(
  asAdmin: AdminCaller,
  prometheusUrl: string,
  teamMappings: Array<{ team: string; values: string[] }>
): Promise<void> {
  await asAdmin('POST', '/api/datasources', {
    name: 'Central Prometheus',
    type: 'prometheus',
    uid: 'prom',
    access: 'proxy',
    url: prometheusUrl,
  });
  await asAdmin('POST', '/api/datasources', {
    name: 'Tenant wrapper',
    type: 'mtlabs-tenantwrapper-datasource',
    uid: 'tenant-wrapper',
    access: 'proxy',
    jsonData: { targetUid: 'prom', tenantLabel: 'tenant', teamMappings, convention: 'none' },
  });
}

/**
 * The logs side of the same shared org: "Central Loki" (uid `loki`) pointing at a Loki (the fake), and
 * a tenant wrapper (uid `tenant-wrapper-loki`) in front of it with the given team mapping; the
 * wrapper picks its LogQL path from the target's type.
 */
export async function seedWrapperOverLoki(
  asAdmin: AdminCaller,
  lokiUrl: string,
  teamMappings: Array<{ team: string; values: string[] }>
): Promise<void> {
  await asAdmin('POST', '/api/datasources', {
    name: 'Central Loki',
    type: 'loki',
    uid: 'loki',
    access: 'proxy',
    url: lokiUrl,
  });
  await asAdmin('POST', '/api/datasources', {
    name: 'Tenant wrapper (Loki)',
    type: 'mtlabs-tenantwrapper-datasource',
    uid: 'tenant-wrapper-loki',
    access: 'proxy',
    jsonData: { targetUid: 'loki', tenantLabel: 'tenant', teamMappings, convention: 'none' },
  });
}

/**
 * Viewers with the given logins in the main org, and teams of them (team name → member logins);
 * a login in no team is a user the wrapper must refuse.
 */
export async function seedViewersAndTeams(
  fake: FakeGrafana,
  asAdmin: AdminCaller,
  logins: string[],
  teams: Record<string, string[]>
): Promise<void> {
  const ids = new Map(logins.map((login) => [login, fake.createUser({ login, role: 'Viewer' }).id]));
  for (const [name, members] of Object.entries(teams)) {
    const { teamId } = await asAdmin('POST', '/api/teams', { name });
    for (const login of members) {
      await asAdmin('POST', `/api/teams/${teamId}/members`, { userId: ids.get(login) });
    }
  }
}
