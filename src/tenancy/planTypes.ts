/**
 * The plan value: plain, serialisable data the admin page renders and `applyPlan` executes.
 * Ops may carry secrets (data source secureJsonData) because apply has to send them; use
 * `redactPlan` before storing or logging a plan. Diffs never contain secret values.
 * Also the step constructor and the context the per-object planners share (plan.ts builds it).
 */
import type { AlertingOp } from './alertingOps';
import type { LiveOrg } from './observe';
import type { AppSettingsBody, BundledDashboardRef, DataSourceBody, GrafanaInfo, UserRef } from './ports';
import type { OrgRole } from './spec';
import type { TokenScope } from './tokenRegistry';

export type StepAction = 'create' | 'update' | 'unchanged' | 'orphaned' | 'conflict';
export type StepKind =
  | 'org'
  | 'org-registry'
  | 'org-user'
  | 'team'
  | 'team-member'
  | 'datasource'
  | 'app-enable'
  | 'folder'
  | 'folder-permissions'
  | 'dashboard'
  | 'token'
  | 'wrapper-datasource'
  | 'contact-point'
  | 'notification-policy'
  | 'alert-rule-group';

/** One field that differs; values are display strings, secrets appear as "(set)" / "(not set)". */
export interface FieldDiff {
  field: string;
  before: string | null;
  after: string | null;
}

/** A team either already exists (id) or is created earlier in the same apply (resolved by name). */
export interface TeamRef {
  name: string;
  id?: number;
}

export type FolderPermissionTarget = { role: string; permission: number } | { team: TeamRef; permission: number };

export type WriteOp =
  | { type: 'createOrg'; name: string }
  | { type: 'renameOrg'; name: string }
  | { type: 'deleteOrg' }
  /** Records the tenant's org (the one of this tenant plan) in the registry of the provisioning org. */
  | { type: 'registerOrg' }
  | { type: 'unregisterOrg'; orgId: number }
  | { type: 'addOrgUser'; loginOrEmail: string; userId: number; role: OrgRole }
  | { type: 'updateOrgUserRole'; userId: number; role: OrgRole }
  | { type: 'createTeam'; name: string; email: string; removeCreatorUserId?: number }
  | { type: 'deleteTeam'; team: TeamRef }
  | { type: 'addTeamMember'; team: TeamRef; userId: number; permission: number }
  | { type: 'setTeamMemberPermission'; team: TeamRef; userId: number; permission: number }
  | { type: 'removeTeamMember'; team: TeamRef; userId: number }
  | { type: 'createDataSource'; body: DataSourceBody }
  | { type: 'updateDataSource'; body: DataSourceBody }
  | { type: 'deleteDataSource'; uid: string }
  | { type: 'createFolder'; uid: string; title: string }
  | { type: 'updateFolderTitle'; uid: string; title: string }
  | { type: 'deleteFolder'; uid: string }
  | { type: 'setFolderPermissions'; uid: string; items: FolderPermissionTarget[] }
  /** `awaitDashboardUids`: enabling the app; Grafana imports these after answering, apply waits for them. */
  | { type: 'writeAppSettings'; body: AppSettingsBody; awaitDashboardUids?: string[] }
  | { type: 'importBundledDashboards'; paths: string[] }
  /**
   * Generates a new bearer token at apply time (never in the plan), PUTs `body` with it as
   * `Authorization: Bearer <token>`, then records its SHA-256 (followed by `keepHashes`, the
   * rotation window) and the data source's id/version in the provisioning org (tokenRegistry.ts).
   */
  | {
      type: 'issueToken';
      scope: TokenScope;
      id: string;
      registryOrgId: number;
      body: DataSourceBody;
      keepHashes: string[];
    }
  /** Replaces the registry entry's hashes (`[]` removes the entry): retiring old tokens, dropping a tenant. */
  | { type: 'setTokenHashes'; scope: TokenScope; id: string; registryOrgId: number; hashes: string[] }
  /** Creates or updates the wrapper data source of a shared org, `teamTenants` resolved to live team uids/ids. */
  | {
      type: 'writeWrapperDataSource';
      create: boolean;
      body: DataSourceBody;
      teams: Array<{ team: TeamRef; values: string[] }>;
    }
  /** `POST /api/dashboards/import` of a bundled dashboard into the tenant folder (planDashboards.ts). */
  | { type: 'importBundledDashboard'; pluginId: string; path: string; folderUid: string }
  | AlertingOp;

export interface PlanStep {
  /** Stable across re-plans: `<tenant>/<kind>/<target>`. */
  id: string;
  tenantId: string;
  kind: StepKind;
  action: StepAction;
  /** Human-readable object name, e.g. `team "ops"`. */
  target: string;
  diff: FieldDiff[];
  /** For conflicts and notable steps: what is wrong. */
  message?: string;
  /** For conflicts: what the admin should do. */
  fix?: string;
  /** Deletions (orphaned objects, disabling dashboards) run only with `prune: true`. */
  requiresPrune?: boolean;
  /** The write apply performs; null for steps with nothing to write. */
  op: WriteOp | null;
}

export interface TenantPlan {
  /** The tenant id, or the shared org's id for `kind: 'shared-org'`. */
  tenantId: string;
  /** Absent for tenant orgs. */
  kind?: 'shared-org';
  orgName: string;
  /** Known when the org exists; otherwise created by the first step. */
  orgId?: number;
  /** False for managed orgs whose tenant was removed from the spec (all steps orphaned). */
  inSpec: boolean;
  /** A conflict step blocks the whole tenant: apply skips it and reports the conflicts. */
  blocked: boolean;
  steps: PlanStep[];
  warnings: string[];
}

export interface PlanSummary {
  create: number;
  update: number;
  unchanged: number;
  orphaned: number;
  conflict: number;
}

export interface Plan {
  /** The provisioning user (creator of orgs/teams; never demoted or removed by the plan). */
  self: { id: number; login: string };
  /** The provisioning org whose app settings hold the ownership registry (registry.ts). */
  registryOrgId: number;
  /** The Grafana planned against (for display; nothing in the plan depends on it). */
  grafana?: GrafanaInfo;
  tenants: TenantPlan[];
  summary: PlanSummary;
}

/** A copy of the plan safe to store or log: secret values in ops replaced by "(set)". */
export function redactPlan(plan: Plan): Plan {
  return {
    ...plan,
    tenants: plan.tenants.map((t) => ({
      ...t,
      steps: t.steps.map((s) => {
        const op = s.op;
        if (op && (op.type === 'createDataSource' || op.type === 'updateDataSource') && op.body.secureJsonData) {
          const redacted = Object.fromEntries(Object.keys(op.body.secureJsonData).map((k) => [k, '(set)']));
          return { ...s, op: { ...op, body: { ...op.body, secureJsonData: redacted } } };
        }
        if (op && (op.type === 'createContactPoint' || op.type === 'updateContactPoint')) {
          const settings = { ...op.body.settings };
          for (const key of op.secretKeys) {
            if (key in settings) {
              settings[key] = '(set)';
            }
          }
          return { ...s, op: { ...op, body: { ...op.body, settings } } };
        }
        return s;
      }),
    })),
  };
}

export function summarise(tenants: TenantPlan[]): PlanSummary {
  const summary: PlanSummary = { create: 0, update: 0, unchanged: 0, orphaned: 0, conflict: 0 };
  for (const t of tenants) {
    for (const s of t.steps) {
      summary[s.action]++;
    }
  }
  return summary;
}

/** What every per-object planner (planUsersAndTeams, planDatasource, planFolderAndApp) reads. */
export interface StepContext {
  tenantId: string;
  self: UserRef;
  users: UserRef[];
  bundledDashboards: BundledDashboardRef[];
  /** Undefined when the org does not exist yet (everything is created). */
  org?: LiveOrg;
  rotateSecrets: boolean;
  warnings: string[];
}

export function makeStep(
  tenantId: string,
  kind: StepKind,
  action: StepAction,
  target: string,
  diff: FieldDiff[],
  op: WriteOp | null,
  extra: Partial<Pick<PlanStep, 'message' | 'fix' | 'requiresPrune'>> = {}
): PlanStep {
  return { id: `${tenantId}/${kind}/${target}`, tenantId, kind, action, target, diff, op, ...extra };
}
