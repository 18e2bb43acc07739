/**
 * Planning a tenant org's alerting (pure): contact points, the default notification policy and
 * the rule groups in the tenant folder. Step order matters for apply: contact points before the
 * policy that routes to them, the policy before deleting contact points it used to route to.
 *
 * Ownership (desiredAlerting.ts): our objects are found by uid prefix; an unmanaged object in the
 * way (a contact point with our name, a rule in a group we manage, a customised policy tree, an
 * object provisioned from files) is a conflict naming the fix; managed objects the spec no longer
 * has are `orphaned` and deleted only with prune — including rules dropped from a group we still
 * manage: the group PUT keeps them until then.
 */
import type { AlertRuleGroup, EmbeddedContactPoint, NotificationRoute, ProvisionedAlertRule } from './alertingPorts';
import {
  contactPointSummary,
  GRAFANA_DEFAULT_RECEIVER,
  isManagedContactPoint,
  isManagedRule,
  policySummary,
  ruleSummary,
  type DesiredAlerting,
} from './desiredAlerting';
import { REDACTED } from '../grafana-api/alertingTypes';
import type { LiveAlerting } from './observeAlerting';
import { makeStep, type FieldDiff, type PlanStep, type StepContext } from './planTypes';

/** Grafana secure-setting keys per integration type (alerting/receivers: `secure` fields). */
export const SECRET_KEYS: Record<string, string[]> = {
  email: [],
  webhook: ['password', 'authorization_credentials'],
  slack: ['url', 'token'],
};

export interface AlertingPlan {
  steps: PlanStep[];
  /** Whether the org holds (or will hold) managed alerting objects: the app-settings marker. */
  managed: boolean;
}

export function planAlerting(d: DesiredAlerting, ctx: StepContext): AlertingPlan {
  const live = ctx.org?.contents?.alerting;
  if (!d.enabled && !live) {
    return { steps: [], managed: false };
  }
  const empty: LiveAlerting = { rules: [], groups: new Map(), contactPoints: [], policy: {} };
  const l = live ?? empty;
  const cp = planContactPoints(d, l, ctx);
  const policy = planPolicy(d, l, ctx);
  const groups = planRuleGroups(d, l, ctx);
  const steps = [...cp.upserts, ...policy, ...groups, ...cp.orphans];
  const managedLive =
    l.contactPoints.some((c) => isManagedContactPoint(c.uid)) || l.rules.some((r) => isManagedRule(r.uid));
  return { steps, managed: d.enabled || managedLive };
}

function diffRecords(
  before: Record<string, string> | undefined,
  after: Record<string, string> | undefined,
  prefix = ''
) {
  const diff: FieldDiff[] = [];
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const k of keys) {
    const b = before?.[k] ?? null;
    const a = after?.[k] ?? null;
    if (b !== a) {
      diff.push({ field: `${prefix}${k}`, before: b, after: a });
    }
  }
  return diff;
}

// --- contact points -------------------------------------------------------------------------------

function planContactPoints(d: DesiredAlerting, l: LiveAlerting, ctx: StepContext) {
  const upserts: PlanStep[] = [];
  const orphans: PlanStep[] = [];
  const wanted = new Set(d.contactPoints.map((c) => c.body.uid));
  for (const want of d.contactPoints) {
    const target = `contact point "${want.body.name}"`;
    const secretKeys = Object.keys(want.secrets);
    const byUid = l.contactPoints.find((c) => c.uid === want.body.uid);
    const sameName = l.contactPoints.find((c) => c.name === want.body.name && c.uid !== want.body.uid);
    if (sameName && !isManagedContactPoint(sameName.uid)) {
      upserts.push(
        conflict(
          ctx,
          'contact-point',
          target,
          `a contact point named "${want.body.name}" already exists and was not created by the tenancy app`,
          'rename the contact point in the spec, or rename/delete the existing one in Grafana (Alerting → Contact points)'
        )
      );
      continue;
    }
    if (byUid?.provenance === 'file') {
      upserts.push(
        conflict(
          ctx,
          'contact-point',
          target,
          `contact point "${byUid.name}" is provisioned from a file`,
          "remove it from Grafana's alerting provisioning files, restart Grafana, then apply again"
        )
      );
      continue;
    }
    const missingSecrets = secretKeys.filter((k) => want.secrets[k] === undefined && byUid?.settings?.[k] !== REDACTED);
    if (missingSecrets.length > 0) {
      upserts.push(
        conflict(
          ctx,
          'contact-point',
          target,
          `no value for the secret ${missingSecrets.join(', ')} and none stored in Grafana`,
          'set the secret in the spec (or its …Env variable for the CLI) and plan again'
        )
      );
      continue;
    }
    const sendSecrets = Object.fromEntries(
      secretKeys.map((k) => [k, want.secrets[k] === undefined ? REDACTED : want.secrets[k]])
    );
    const body: EmbeddedContactPoint = { ...want.body, settings: { ...want.body.settings, ...sendSecrets } };
    const after = contactPointSummary(want.body, secretKeys);
    if (!byUid) {
      const diff = diffRecords(undefined, after);
      secretKeys.forEach((k) => diff.push({ field: `secret ${k}`, before: null, after: '(set)' }));
      upserts.push(
        makeStep(ctx.tenantId, 'contact-point', 'create', target, diff, {
          type: 'createContactPoint',
          body,
          secretKeys,
        })
      );
      continue;
    }
    const diff = diffRecords(contactPointSummary(byUid, secretKeys), after);
    const rotate = secretKeys.filter(
      (k) => want.secrets[k] !== undefined && (ctx.rotateSecrets || byUid.settings?.[k] !== REDACTED)
    );
    rotate.forEach((k) =>
      diff.push({
        field: `secret ${k}`,
        before: byUid.settings?.[k] === REDACTED ? '(set)' : '(not set)',
        after: '(set, re-sent)',
      })
    );
    upserts.push(
      diff.length === 0
        ? makeStep(ctx.tenantId, 'contact-point', 'unchanged', target, [], null)
        : makeStep(ctx.tenantId, 'contact-point', 'update', target, diff, {
            type: 'updateContactPoint',
            body,
            secretKeys,
          })
    );
  }
  for (const c of l.contactPoints) {
    if (isManagedContactPoint(c.uid) && !wanted.has(c.uid)) {
      orphans.push(
        makeStep(
          ctx.tenantId,
          'contact-point',
          'orphaned',
          `contact point "${c.name}"`,
          [{ field: 'name', before: c.name, after: null }],
          { type: 'deleteContactPoint', uid: c.uid },
          {
            requiresPrune: true,
            message: 'no longer in the spec',
          }
        )
      );
    }
  }
  return { upserts, orphans };
}

// --- notification policy --------------------------------------------------------------------------

function planPolicy(d: DesiredAlerting, l: LiveAlerting, ctx: StepContext): PlanStep[] {
  const target = 'default notification policy';
  const managedNames = new Set([
    ...l.contactPoints.filter((c) => isManagedContactPoint(c.uid)).map((c) => c.name),
    ...d.contactPoints.map((c) => c.body.name),
  ]);
  const liveTree = l.policy;
  const ours =
    liveTree.receiver !== undefined &&
    managedNames.has(liveTree.receiver) &&
    liveTree.receiver !== GRAFANA_DEFAULT_RECEIVER;
  const pristine =
    (liveTree.receiver === GRAFANA_DEFAULT_RECEIVER || liveTree.receiver === undefined) &&
    (liveTree.routes?.length ?? 0) === 0 &&
    !liveTree.provenance;
  if (!d.policy) {
    if (ours && ctx.org?.contents?.alerting) {
      return [
        makeStep(
          ctx.tenantId,
          'notification-policy',
          'orphaned',
          target,
          [{ field: 'receiver', before: liveTree.receiver ?? null, after: GRAFANA_DEFAULT_RECEIVER }],
          { type: 'resetPolicyTree' },
          {
            requiresPrune: true,
            message: "the spec no longer declares contact points: pruning resets the policy tree to Grafana's default",
          }
        ),
      ];
    }
    return [];
  }
  if (liveTree.provenance === 'file') {
    return [
      conflict(
        ctx,
        'notification-policy',
        target,
        'the policy tree is provisioned from a file',
        "remove it from Grafana's alerting provisioning files or drop `alerting.contactPoints` from the spec"
      ),
    ];
  }
  if (!ours && !pristine) {
    return [
      conflict(
        ctx,
        'notification-policy',
        target,
        `the org's notification policy tree was customised outside the tenancy app (root receiver "${liveTree.receiver}", ${liveTree.routes?.length ?? 0} nested policies)`,
        'reset it in Grafana (Alerting → Notification policies → Reset, or DELETE /api/v1/provisioning/policies) to let the spec manage it, or remove `alerting.contactPoints` from the spec'
      ),
    ];
  }
  const tree: NotificationRoute = d.policy;
  const diff = diffRecords(policySummary(liveTree), policySummary(tree));
  const receiverNote = { message: `receiver "${tree.receiver}"` };
  if (diff.length === 0 && liveTree.provenance === 'api') {
    return [makeStep(ctx.tenantId, 'notification-policy', 'unchanged', target, [], null, receiverNote)];
  }
  if (diff.length === 0) {
    diff.push({ field: 'provenance', before: liveTree.provenance || '(none)', after: 'api' });
  }
  return [
    makeStep(
      ctx.tenantId,
      'notification-policy',
      ours ? 'update' : 'create',
      target,
      diff,
      { type: 'putPolicyTree', tree },
      receiverNote
    ),
  ];
}

// --- rule groups ----------------------------------------------------------------------------------

function planRuleGroups(d: DesiredAlerting, l: LiveAlerting, ctx: StepContext): PlanStep[] {
  const steps: PlanStep[] = [];
  const desiredUids = new Set(d.groups.flatMap((g) => g.rules.map((r) => r.uid)));
  const handledOrphans = new Set<string>();
  for (const group of d.groups) {
    const target = `rule group "${group.title}"`;
    const inGroup = l.rules.filter((r) => r.folderUID === group.folderUid && r.ruleGroup === group.title);
    const foreign = inGroup.filter((r) => !isManagedRule(r.uid));
    if (foreign.length > 0) {
      steps.push(
        conflict(
          ctx,
          'alert-rule-group',
          target,
          `the group holds rules not created by the tenancy app (${foreign
            .slice(0, 3)
            .map((r) => `"${r.title}"`)
            .join(', ')})`,
          'move those rules to another group in Grafana, or rename the group in the spec'
        )
      );
      continue;
    }
    const moved = group.rules
      .map((r) =>
        l.rules.find((x) => x.uid === r.uid && (x.folderUID !== group.folderUid || x.ruleGroup !== group.title))
      )
      .filter((x): x is ProvisionedAlertRule => x !== undefined);
    if (moved.length > 0) {
      steps.push(
        conflict(
          ctx,
          'alert-rule-group',
          target,
          `rule "${moved[0].title}" was moved to group "${moved[0].ruleGroup}" (folder ${moved[0].folderUID})`,
          'move it back to its group in Grafana, or delete it there, then plan again'
        )
      );
      continue;
    }
    const fromFile = inGroup.find((r) => r.provenance === 'file');
    if (fromFile) {
      steps.push(
        conflict(
          ctx,
          'alert-rule-group',
          target,
          `rule "${fromFile.title}" is provisioned from a file`,
          "remove it from Grafana's alerting provisioning files, then apply again"
        )
      );
      continue;
    }
    // Managed rules the spec dropped stay in the PUT body until prune deletes them.
    const dropped = inGroup.filter((r) => !desiredUids.has(r.uid));
    const body: AlertRuleGroup = { ...group, rules: [...group.rules, ...dropped.map(stripReadOnly)] };
    const liveGroup = l.groups.get(group.title);
    if (inGroup.length === 0) {
      const diff: FieldDiff[] = [
        { field: 'interval', before: null, after: `${group.interval}s` },
        ...group.rules.map((r) => ({
          field: `rule "${r.title}"`,
          before: null,
          after: `${ruleSummary(r).expr} ${ruleSummary(r).threshold} for ${r.for}`,
        })),
      ];
      steps.push(
        makeStep(
          ctx.tenantId,
          'alert-rule-group',
          'create',
          target,
          diff,
          { type: 'putRuleGroup', body },
          {
            message: rulesMessage(group),
          }
        )
      );
    } else {
      const diff: FieldDiff[] = [];
      if (liveGroup?.interval !== group.interval) {
        diff.push({
          field: 'interval',
          before: liveGroup ? `${liveGroup.interval}s` : null,
          after: `${group.interval}s`,
        });
      }
      for (const r of group.rules) {
        const old = inGroup.find((x) => x.uid === r.uid);
        if (!old) {
          diff.push({
            field: `rule "${r.title}"`,
            before: null,
            after: `${ruleSummary(r).expr} ${ruleSummary(r).threshold} for ${r.for}`,
          });
        } else {
          diff.push(
            ...diffRecords(
              { ...ruleSummary(old), title: old.title },
              { ...ruleSummary(r), title: r.title },
              `rule "${r.title}" `
            )
          );
        }
        if (old && old.provenance !== 'api') {
          diff.push({ field: `rule "${r.title}" provenance`, before: old.provenance || '(none)', after: 'api' });
        }
      }
      steps.push(
        diff.length === 0
          ? makeStep(ctx.tenantId, 'alert-rule-group', 'unchanged', target, [], null, { message: rulesMessage(group) })
          : makeStep(
              ctx.tenantId,
              'alert-rule-group',
              'update',
              target,
              diff,
              { type: 'putRuleGroup', body },
              {
                message: rulesMessage(group),
              }
            )
      );
    }
    if (dropped.length > 0) {
      dropped.forEach((r) => handledOrphans.add(r.uid));
      steps.push(orphanRules(ctx, `rules dropped from "${group.title}"`, dropped));
    }
  }
  // Managed rules anywhere else (groups the spec dropped, alerting switched off).
  const rest = l.rules.filter((r) => isManagedRule(r.uid) && !desiredUids.has(r.uid) && !handledOrphans.has(r.uid));
  const byGroup = new Map<string, ProvisionedAlertRule[]>();
  for (const r of rest) {
    byGroup.set(r.ruleGroup, [...(byGroup.get(r.ruleGroup) ?? []), r]);
  }
  for (const [group, rules] of byGroup) {
    steps.push(orphanRules(ctx, `rule group "${group}"`, rules));
  }
  return steps;
}

/** `4 rule(s), every 60s`: the admin page's alerting state reads the count from it. */
function rulesMessage(group: AlertRuleGroup): string {
  return `${group.rules.length} rule(s), every ${group.interval}s`;
}

function orphanRules(ctx: StepContext, target: string, rules: ProvisionedAlertRule[]): PlanStep {
  return makeStep(
    ctx.tenantId,
    'alert-rule-group',
    'orphaned',
    target,
    rules.map((r) => ({ field: `rule "${r.title}"`, before: ruleSummary(r).expr, after: null })),
    { type: 'deleteAlertRules', uids: rules.map((r) => r.uid) },
    { requiresPrune: true, message: `${rules.length} managed rule(s) no longer in the spec` }
  );
}

/** A live rule as a PUT body entry: server-set fields dropped. */
function stripReadOnly(r: ProvisionedAlertRule): ProvisionedAlertRule {
  const { id: _id, updated: _updated, provenance: _provenance, orgID: _org, ...rest } = r;
  return rest;
}

function conflict(ctx: StepContext, kind: PlanStep['kind'], target: string, message: string, fix: string): PlanStep {
  return makeStep(ctx.tenantId, kind, 'conflict', target, [], null, { message, fix });
}
