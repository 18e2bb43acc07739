/**
 * Executes one WriteOp against Grafana. Creates are idempotent: on "already exists" the object
 * is re-read and adopted only when it carries this tenant's marker; otherwise the op fails with
 * a conflict naming the object and the fix.
 */
import { ApplyStepError } from './applyErrors';
import { AlertingStepError, isAlertingOp, runAlertingOp } from './alertingOps';
import { APP_PLUGIN_ID, jsonDataMarkerTenant, teamMarkerTenant } from './naming';
import { errorMessage, errorStatus, type FolderPermissionItem, type TenancyApi } from './ports';
import type { TeamRef, WriteOp } from './planTypes';
import type { OrgRole } from './spec';
import { registerOrg, unregisterOrg } from './registry';
import { withRetry, type RetryOptions } from './retry';
import { writeTokenEntry } from './tokenRegistry';
import { BEARER_PREFIX, generateToken, sha256Hex } from './tokens';
import { TOKEN_HEADER_VALUE_KEY } from './desired';
import { resolveTeamTenants } from './wrapperDatasource';

export { ApplyStepError };

/** Per-tenant state shared by the ops of one apply: ids learnt while creating. */
export interface OpContext {
  tenantId: string;
  /** The applying user (the only member of an org it just created). */
  selfId: number;
  orgId?: number;
  /** The provisioning org holding the ownership registry (registry.ts). */
  registryOrgId: number;
  teamIds: Map<string, number>;
  retry: RetryOptions | false;
  /** Waiting for Grafana's asynchronous dashboard import after enabling the app. */
  dashboardPoll: DashboardPoll;
}

export interface DashboardPoll {
  /** Reads of /api/search at most (default 10). */
  attempts: number;
  /** Wait before the second read; doubles up to 2 s (default 100 ms). */
  delayMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_DASHBOARD_POLL: DashboardPoll = { attempts: 10, delayMs: 100 };

/**
 * Enabling the app makes Grafana import the bundled dashboards in an event handler after the
 * settings commit (dashboard_updater.go; CONTRACT §9): they may appear after the 200. Poll the
 * org's search until they do, so the next plan does not see them missing and import them twice.
 */
async function awaitDashboards(api: TenancyApi, orgId: number, uids: string[], ctx: OpContext): Promise<void> {
  const { attempts, delayMs } = ctx.dashboardPoll;
  const sleep = ctx.dashboardPoll.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let i = 0; i < attempts; i++) {
    if (i > 0) {
      await sleep(Math.min(2000, delayMs * 2 ** (i - 1)));
    }
    const hits = await api.search(orgId);
    if (uids.every((uid) => hits.some((h) => h.type === 'dash-db' && h.uid === uid))) {
      return;
    }
  }
  throw new ApplyStepError(
    `the app is enabled in org ${orgId}, but Grafana has not imported its bundled dashboards after ${attempts} checks`,
    'plan again in a minute: the next plan re-imports whichever bundled dashboard is still missing'
  );
}

export async function runOp(api: TenancyApi, op: WriteOp, ctx: OpContext): Promise<void> {
  const call = <T>(fn: () => Promise<T>) => (ctx.retry === false ? fn() : withRetry(fn, ctx.retry));
  if (op.type === 'createOrg') {
    ctx.orgId = await createOrAdoptOrg(api, op.name, ctx, call);
    return;
  }
  if (op.type === 'setTokenHashes') {
    const hashes = op.hashes;
    return call(() =>
      writeTokenEntry(api, op.registryOrgId, op.scope, op.id, (current) =>
        hashes.length > 0 ? { ...current, hashes } : undefined
      )
    );
  }
  if (op.type === 'unregisterOrg') {
    return call(() => unregisterOrg(api, ctx.registryOrgId, op.orgId));
  }
  const orgId = ctx.orgId;
  if (orgId === undefined) {
    throw new ApplyStepError(`org of tenant "${ctx.tenantId}" is unknown`, 'plan again: the org step did not run');
  }
  if (isAlertingOp(op)) {
    try {
      return await runAlertingOp(api, orgId, op, call);
    } catch (err) {
      throw err instanceof AlertingStepError ? new ApplyStepError(err.message, err.fix) : err;
    }
  }
  switch (op.type) {
    case 'renameOrg':
      return call(() => api.renameOrg(orgId, op.name));
    case 'deleteOrg':
      try {
        await call(() => api.deleteOrg(orgId));
      } catch (err) {
        if (errorStatus(err) === 400) {
          // Grafana refuses to delete the caller's active org (CONTRACT §4).
          throw new ApplyStepError(
            `org ${orgId} is the active org of the applying user (${errorMessage(err)})`,
            'switch your active org (Profile → Organizations) to another org and apply again'
          );
        }
        throw err;
      }
      return;
    case 'registerOrg':
      return call(() => registerOrg(api, ctx.registryOrgId, orgId, ctx.tenantId));
    case 'addOrgUser':
      try {
        await call(() => api.addOrgUser(orgId, op.loginOrEmail, op.role));
      } catch (err) {
        if (errorStatus(err) !== 409) {
          throw err;
        }
        // Already a member (added meanwhile, e.g. by SSO): make the role match instead.
        await updateRole(api, orgId, op.userId, op.role, call);
      }
      return;
    case 'updateOrgUserRole':
      return updateRole(api, orgId, op.userId, op.role, call);
    case 'createTeam': {
      const teamId = await createOrAdoptTeam(api, orgId, op.name, op.email, ctx, call);
      ctx.teamIds.set(op.name.toLowerCase(), teamId);
      if (op.removeCreatorUserId !== undefined) {
        await ignoreStatus([404], () => call(() => api.removeTeamMember(orgId, teamId, op.removeCreatorUserId!)));
      }
      return;
    }
    case 'deleteTeam': {
      const teamId = await teamIdOf(api, orgId, op.team, ctx);
      await ignoreStatus([404], () => call(() => api.deleteTeam(orgId, teamId)));
      return;
    }
    case 'addTeamMember': {
      const teamId = await teamIdOf(api, orgId, op.team, ctx);
      const added = await ignoreStatus(
        [400],
        () => call(() => api.addTeamMember(orgId, teamId, op.userId)),
        /already added/i
      );
      // A fresh membership is a plain member (0); an existing one may hold another permission.
      if (op.permission !== 0 || !added) {
        await call(() => api.setTeamMemberPermission(orgId, teamId, op.userId, op.permission));
      }
      return;
    }
    case 'setTeamMemberPermission': {
      const teamId = await teamIdOf(api, orgId, op.team, ctx);
      return call(() => api.setTeamMemberPermission(orgId, teamId, op.userId, op.permission));
    }
    case 'removeTeamMember': {
      const teamId = await teamIdOf(api, orgId, op.team, ctx);
      await ignoreStatus([404], () => call(() => api.removeTeamMember(orgId, teamId, op.userId)));
      return;
    }
    case 'createDataSource':
      try {
        await call(() => api.createDataSource(orgId, op.body));
      } catch (err) {
        if (errorStatus(err) !== 409) {
          throw err;
        }
        const existing = await api.getDataSource(orgId, op.body.uid).catch(() => undefined);
        if (!existing || jsonDataMarkerTenant(existing.jsonData) !== ctx.tenantId) {
          throw new ApplyStepError(
            `data source "${op.body.name}" / uid "${op.body.uid}" already exists and is not managed for tenant "${ctx.tenantId}" (${errorMessage(err)})`,
            'rename or delete the other data source in Grafana, then apply again'
          );
        }
        await call(() => api.updateDataSource(orgId, op.body.uid, op.body));
      }
      return;
    case 'updateDataSource':
      return call(() => api.updateDataSource(orgId, op.body.uid, op.body));
    case 'deleteDataSource':
      await ignoreStatus([404], () => call(() => api.deleteDataSource(orgId, op.uid)));
      return;
    case 'createFolder':
      // The uid `mtt-<tenant>` is the folder's marker, so an existing one (409/412) is ours.
      await ignoreStatus([409, 412], () => call(() => api.createFolder(orgId, op.uid, op.title)));
      return;
    case 'updateFolderTitle':
      return call(() => api.updateFolderTitle(orgId, op.uid, op.title));
    case 'deleteFolder':
      await ignoreStatus([404], () => call(() => api.deleteFolder(orgId, op.uid)));
      return;
    case 'setFolderPermissions': {
      const items: FolderPermissionItem[] = [];
      for (const item of op.items) {
        items.push(
          'role' in item
            ? { role: item.role, permission: item.permission }
            : { teamId: await teamIdOf(api, orgId, item.team, ctx), permission: item.permission }
        );
      }
      return call(() => api.setFolderPermissions(orgId, op.uid, items));
    }
    case 'importBundledDashboard':
      // Overwrite: the same uid at the root (Grafana's own import) is moved, not duplicated.
      return call(() => api.importBundledDashboard(orgId, op.pluginId, op.path, op.folderUid));
    case 'writeAppSettings':
      await call(() => api.setAppSettings(orgId, APP_PLUGIN_ID, op.body));
      if (op.awaitDashboardUids?.length) {
        await awaitDashboards(api, orgId, op.awaitDashboardUids, ctx);
      }
      return;
    case 'importBundledDashboards':
      for (const path of op.paths) {
        await call(() => api.importBundledDashboard(orgId, APP_PLUGIN_ID, path));
      }
      return;
    case 'issueToken': {
      // The token exists only in this call and in the data source's secureJsonData; its hash is
      // recorded after the write, with the version that write produced (see tokenRegistry.ts). A
      // failure in between leaves a version the registry does not know: the next plan issues again.
      const token = generateToken();
      const body = { ...op.body, secureJsonData: { [TOKEN_HEADER_VALUE_KEY]: `${BEARER_PREFIX}${token}` } };
      await call(() => api.updateDataSource(orgId, op.body.uid, body));
      const written = await api.getDataSource(orgId, op.body.uid);
      const hash = sha256Hex(token);
      await call(() =>
        writeTokenEntry(api, op.registryOrgId, op.scope, op.id, () => ({
          hashes: [hash, ...op.keepHashes.filter((h) => h !== hash)],
          datasource: { orgId, datasourceId: written.id, version: written.version ?? 0 },
        }))
      );
      return;
    }
    case 'writeWrapperDataSource': {
      const teamTenants = await resolveTeamTenants(api, orgId, op.teams, ctx.tenantId);
      const body = { ...op.body, jsonData: { ...op.body.jsonData, teamTenants } };
      if (op.create) {
        try {
          await call(() => api.createDataSource(orgId, body));
          return;
        } catch (err) {
          if (errorStatus(err) !== 409) {
            throw err;
          }
          const existing = await api.getDataSource(orgId, body.uid).catch(() => undefined);
          if (!existing || jsonDataMarkerTenant(existing.jsonData) !== ctx.tenantId) {
            throw new ApplyStepError(
              `data source "${body.name}" / uid "${body.uid}" already exists and is not managed for shared org "${ctx.tenantId}" (${errorMessage(err)})`,
              'rename or delete the other data source in Grafana, then apply again'
            );
          }
        }
      }
      return call(() => api.updateDataSource(orgId, body.uid, body));
    }
  }
}

type Call = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * Role change; Grafana refuses it for users whose role an identity provider syncs: 403 errutil
 * `org.externallySynced` (`updateOrgUserHelper`, pkg/api/org_users.go). The planner does not
 * propose those, but a user may have logged in through SSO between plan and apply.
 */
async function updateRole(api: TenancyApi, orgId: number, userId: number, role: OrgRole, call: Call): Promise<void> {
  try {
    await call(() => api.updateOrgUserRole(orgId, userId, role));
  } catch (err) {
    if (isExternallySyncedRefusal(err)) {
      throw new ApplyStepError(
        `role of user ${userId} in org ${orgId} is managed by your identity provider: Grafana refuses to change it (${errorMessage(err)})`,
        `map the user's group to "${role}" in the identity provider's org_mapping (the Tenants page renders it from the spec's sso entries), or set skip_org_role_sync; applying as Server Admin does not help`
      );
    }
    throw err;
  }
}

export function isExternallySyncedRefusal(err: unknown): boolean {
  if (errorStatus(err) !== 403) {
    return false;
  }
  const body = (err as { body?: { messageId?: unknown } }).body;
  return body?.messageId === 'org.externallySynced' || /externally synced/i.test(errorMessage(err));
}

async function createOrAdoptOrg(api: TenancyApi, name: string, ctx: OpContext, call: Call): Promise<number> {
  try {
    return (await call(() => api.createOrg(name))).orgId;
  } catch (err) {
    if (errorStatus(err) !== 409) {
      throw err;
    }
    // Our own earlier attempt may have succeeded with its response lost (then retried): adopt the
    // org only while it is still empty. Not on a marker: org Admins can write markers, and ours is
    // written last, after the registry entry (registry.ts), so our own fresh org never has one.
    const org = (await api.listOrgs()).find((o) => o.name.toLowerCase() === name.toLowerCase());
    if (org && (await isStillEmpty(api, org.id, ctx))) {
      return org.id;
    }
    throw new ApplyStepError(
      `org "${name}" was created by someone else meanwhile (${errorMessage(err)})`,
      'plan again: the new plan shows whether the org can be adopted or conflicts'
    );
  }
}

async function isStillEmpty(api: TenancyApi, orgId: number, ctx: OpContext): Promise<boolean> {
  try {
    const settings = await api.getAppSettings(orgId, APP_PLUGIN_ID);
    const [users, teams, datasources, hits] = await Promise.all([
      api.listOrgUsers(orgId),
      api.listTeams(orgId),
      api.listDataSources(orgId),
      api.search(orgId),
    ]);
    return (
      settings.jsonData === null &&
      !settings.enabled &&
      users.every((u) => u.userId === ctx.selfId) &&
      teams.length + datasources.length + hits.length === 0
    );
  } catch {
    return false;
  }
}

async function createOrAdoptTeam(
  api: TenancyApi,
  orgId: number,
  name: string,
  email: string,
  ctx: OpContext,
  call: Call
): Promise<number> {
  try {
    return (await call(() => api.createTeam(orgId, name, email))).teamId;
  } catch (err) {
    if (errorStatus(err) !== 409) {
      throw err;
    }
    const team = (await api.listTeams(orgId)).find((t) => t.name.toLowerCase() === name.toLowerCase());
    if (!team || teamMarkerTenant(team.email) !== ctx.tenantId) {
      throw new ApplyStepError(
        `team "${name}" already exists in org ${orgId} and is not managed by the tenancy app`,
        'rename or delete that team in Grafana, or rename the team in the spec'
      );
    }
    return team.id;
  }
}

async function teamIdOf(api: TenancyApi, orgId: number, ref: TeamRef, ctx: OpContext): Promise<number> {
  const known = ctx.teamIds.get(ref.name.toLowerCase()) ?? ref.id;
  if (known !== undefined) {
    return known;
  }
  const team = (await api.listTeams(orgId)).find((t) => t.name.toLowerCase() === ref.name.toLowerCase());
  if (!team) {
    throw new ApplyStepError(
      `team "${ref.name}" does not exist in org ${orgId}`,
      'apply again: the team step failed or was skipped'
    );
  }
  ctx.teamIds.set(ref.name.toLowerCase(), team.id);
  return team.id;
}

/** Runs fn; an error with one of `statuses` (and a matching message, if given) counts as done. Returns false then. */
async function ignoreStatus(statuses: number[], fn: () => Promise<unknown>, message?: RegExp): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    const status = errorStatus(err);
    if (status !== undefined && statuses.includes(status) && (!message || message.test(errorMessage(err)))) {
      return false;
    }
    throw err;
  }
}
