import { writeFileSync } from 'fs';
import { FakeGrafana } from '../../../tests/fakes/grafana-api';
import { startIdTokenGrafana, type IdTokenGrafanaServer } from '../../../tests/fakes/grafana-api/idTokens';
import type { TenantSource } from '../../options';
import { identityFileDir, newToken, sha256Hex } from './identityFiles';

/**
 * A shared org for `--grafana-id-token` tests: a FakeGrafana (org 1) behind a loopback server that
 * also publishes ID-token keys, teams made by the proxy's service account, users placed in them,
 * the mapping file (teams by id and uid) and the data source's shared secret.
 */
export interface SharedOrg {
  grafana: IdTokenGrafanaServer;
  fake: FakeGrafana;
  /** The data source's Grafana→proxy shared secret (Authorization: Bearer). */
  secret: string;
  /** Grafana user ids by login. */
  users: Record<string, number>;
  /** Team ids by name. */
  teams: Record<string, { id: number; uid: string }>;
  source: Extract<TenantSource, { kind: 'grafanaIdToken' }>;
  /** Moves a user between teams, as an org admin would in Grafana. */
  addMember(team: string, login: string): Promise<void>;
  removeMember(team: string, login: string): Promise<void>;
  /** Rewrites the mapping file (atomic rename). */
  writeMapping(doc: unknown): void;
  mappingDoc(): Record<string, unknown>;
  stop(): Promise<void>;
}

export interface SharedOrgSpec {
  /** team name → tenant values; null = a team that exists in Grafana but is not mapped. */
  teams: Record<string, string[] | null>;
  /** login → team names. */
  members: Record<string, string[]>;
  teamRefreshMs?: number;
}

export async function startSharedOrg(spec: SharedOrgSpec): Promise<SharedOrg> {
  const fake = new FakeGrafana();
  const grafana = await startIdTokenGrafana(fake);
  const sa = fake.serviceAccountToken(1, 'tenancy-proxy', 'Admin');
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fake.handle({
      method,
      url,
      headers: { Authorization: `Bearer ${sa}`, 'X-Grafana-Org-Id': '1' },
      body,
    });
    if (res.status !== 200) {
      throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body as Record<string, unknown>;
  };
  const teams: SharedOrg['teams'] = {};
  for (const name of Object.keys(spec.teams)) {
    const created = await call('POST', '/api/teams', { name });
    teams[name] = { id: created.teamId as number, uid: created.uid as string };
  }
  const users: Record<string, number> = {};
  for (const [login, memberOf] of Object.entries(spec.members)) {
    users[login] = fake.createUser({ login, orgId: 1, role: 'Viewer' }).id;
    for (const team of memberOf) {
      await call('POST', `/api/teams/${teams[team].id}/members`, { userId: users[login] });
    }
  }
  const secret = newToken();
  const files = identityFileDir();
  const mappingDoc = () => ({
    orgId: 1,
    dataSourceTokenSha256: [sha256Hex(secret)],
    teams: Object.entries(spec.teams)
      .filter(([, values]) => values !== null)
      .map(([name, values]) => ({ uid: teams[name].uid, id: teams[name].id, name, values })),
  });
  const mappingFile = files.write('mapping.yaml', mappingDoc());
  const tokenFile = files.file('sa-token');
  writeFileSync(tokenFile, `${sa}\n`);
  return {
    grafana,
    fake,
    secret,
    users,
    teams,
    source: {
      kind: 'grafanaIdToken',
      grafanaUrl: grafana.rootUrl,
      teamMappingFile: mappingFile,
      grafanaTokenFile: tokenFile,
      teamRefreshMs: spec.teamRefreshMs ?? 30_000,
    },
    addMember: async (team, login) => {
      await call('POST', `/api/teams/${teams[team].id}/members`, { userId: users[login] });
    },
    removeMember: async (team, login) => {
      await call('DELETE', `/api/teams/${teams[team].id}/members/${users[login]}`);
    },
    writeMapping: (doc) => void files.write('mapping.yaml', doc),
    mappingDoc,
    stop: async () => {
      await grafana.stop();
      files.remove();
    },
  };
}
