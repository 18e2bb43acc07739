/**
 * Spec → the alerting objects a tenant org should hold (pure), in the shape Grafana's provisioning
 * API returns them, plus the comparable summaries the planner diffs field by field.
 *
 * Ownership markers (Grafana alerting objects have no jsonData; the uid is caller-chosen, at most
 * 40 characters, and Grafana's generated uids never contain a dash — CONTRACT §10):
 * - contact point: uid `mtt-c-<hash of tenant/name>`;
 * - alert rule: uid `mtt-r-<hash of tenant/group/title>`, always in the tenant folder `mtt-<tenant>`;
 * - notification policy tree (one per org, no uid): ours when its root receiver is one of our
 *   contact points.
 */
import { BUNDLED_GROUP_INTERVAL_SECONDS, BUNDLED_GROUP_NAME, BUNDLED_RULES, type ThresholdOp } from './bundledRules';
import { fingerprint } from './desired';
import type { AlertRuleGroup, EmbeddedContactPoint, NotificationRoute, ProvisionedAlertRule } from './alertingPorts';
import { datasourceUid, folderUid } from './naming';
import type { AlertingSpec, CustomRuleSpec } from './specAlerting';

export const CONTACT_POINT_UID_PREFIX = 'mtt-c-';
export const RULE_UID_PREFIX = 'mtt-r-';
/** The receiver of the policy tree Grafana creates in every org (default Alertmanager config). */
export const GRAFANA_DEFAULT_RECEIVER = 'grafana-default-email';
/** Grafana's uid for server-side expressions in a rule's data. */
export const EXPRESSION_DATASOURCE_UID = '__expr__';

export const contactPointUid = (tenantId: string, name: string) =>
  `${CONTACT_POINT_UID_PREFIX}${fingerprint(`${tenantId}/${name}`)}`;
export const ruleUid = (tenantId: string, group: string, title: string) =>
  `${RULE_UID_PREFIX}${fingerprint(`${tenantId}/${group}/${title}`)}`;
export const isManagedContactPoint = (uid: string) => uid.startsWith(CONTACT_POINT_UID_PREFIX);
export const isManagedRule = (uid: string) => uid.startsWith(RULE_UID_PREFIX);

export interface DesiredContactPoint {
  body: EmbeddedContactPoint;
  /** Secure-setting key → value from the spec; undefined = keep the stored one (must exist). */
  secrets: Record<string, string | undefined>;
}

export interface DesiredAlerting {
  enabled: boolean;
  folderUid: string;
  contactPoints: DesiredContactPoint[];
  policy?: NotificationRoute;
  groups: AlertRuleGroup[];
}

export function desiredAlerting(tenantId: string, alerting: AlertingSpec): DesiredAlerting {
  const folder = folderUid(tenantId);
  if (!alerting.enabled) {
    return { enabled: false, folderUid: folder, contactPoints: [], groups: [] };
  }
  const dsUid = datasourceUid(tenantId);
  const contactPoints = alerting.contactPoints.map((cp) => ({
    body: {
      uid: contactPointUid(tenantId, cp.name),
      name: cp.name,
      type: cp.type,
      settings: cp.settings,
      disableResolveMessage: false,
    },
    secrets: Object.fromEntries(Object.entries(cp.secrets).map(([k, ref]) => [k, ref.value])),
  }));
  const policy = alerting.policy && {
    receiver: alerting.policy.receiver,
    group_by: alerting.policy.groupBy,
    group_wait: alerting.policy.groupWait,
    group_interval: alerting.policy.groupInterval,
    repeat_interval: alerting.policy.repeatInterval,
  };
  const bundled = BUNDLED_RULES.filter((r) => alerting.bundledRules[r.id].enabled).map((r) =>
    ruleBody(tenantId, dsUid, BUNDLED_GROUP_NAME, {
      title: r.title,
      expr: r.expr,
      op: r.op,
      threshold: alerting.bundledRules[r.id].threshold,
      for: alerting.bundledRules[r.id].for,
      labels: { source: 'tenancy-bundled' },
      annotations: { summary: r.summary, description: r.description },
    })
  );
  const groups: AlertRuleGroup[] = [
    ...(bundled.length > 0
      ? [{ title: BUNDLED_GROUP_NAME, folderUid: folder, interval: BUNDLED_GROUP_INTERVAL_SECONDS, rules: bundled }]
      : []),
    ...alerting.ruleGroups.map((g) => ({
      title: g.name,
      folderUid: folder,
      interval: g.intervalSeconds,
      rules: g.rules.map((r) => ruleBody(tenantId, dsUid, g.name, r)),
    })),
  ];
  return { enabled: true, folderUid: folder, contactPoints, policy, groups };
}

/**
 * One rule: `A` = the Prometheus instant query through the tenant's data source (so through the
 * enforcing proxy), `C` = Grafana's threshold expression on A; condition C. No data is OK (no
 * series beyond the threshold); an evaluation error alerts (the proxy or Prometheus is down).
 * intervalMs / maxDataPoints are sent explicitly because Grafana fills them in when missing
 * (AlertQuery.PreSave), which would otherwise read back as drift.
 */
function ruleBody(tenantId: string, dsUid: string, group: string, r: CustomRuleSpec): ProvisionedAlertRule {
  return {
    uid: ruleUid(tenantId, group, r.title),
    title: r.title,
    folderUID: folderUid(tenantId),
    ruleGroup: group,
    condition: 'C',
    data: [
      {
        refId: 'A',
        relativeTimeRange: { from: 600, to: 0 },
        datasourceUid: dsUid,
        model: { refId: 'A', expr: r.expr, instant: true, range: false, intervalMs: 1000, maxDataPoints: 43200 },
      },
      {
        refId: 'C',
        relativeTimeRange: { from: 0, to: 0 },
        datasourceUid: EXPRESSION_DATASOURCE_UID,
        model: {
          refId: 'C',
          type: 'threshold',
          expression: 'A',
          conditions: [{ evaluator: { type: r.op, params: [r.threshold] } }],
        },
      },
    ],
    noDataState: 'OK',
    execErrState: 'Error',
    for: r.for,
    labels: r.labels,
    annotations: r.annotations,
    isPaused: false,
  };
}

/** The fields of a rule the planner compares and shows, as display strings. */
export function ruleSummary(rule: ProvisionedAlertRule): Record<string, string> {
  const query = rule.data.find((q) => q.datasourceUid !== EXPRESSION_DATASOURCE_UID);
  const threshold = rule.data.find((q) => q.model.type === 'threshold');
  const evaluator = (
    threshold?.model.conditions as Array<{ evaluator?: { type?: ThresholdOp; params?: number[] } }>
  )?.[0]?.evaluator;
  return {
    expr: String(query?.model.expr ?? '(none)'),
    'data source': query?.datasourceUid ?? '(none)',
    threshold: evaluator
      ? `${evaluator.type === 'lt' ? '<' : evaluator.type === 'gt' ? '>' : evaluator.type} ${evaluator.params?.[0]}`
      : '(none)',
    queries: rule.data
      .map((q) => `${q.refId}:${q.datasourceUid === EXPRESSION_DATASOURCE_UID ? q.model.type : 'query'}`)
      .join(','),
    condition: rule.condition,
    for: normaliseDuration(rule.for),
    labels: sortedJson(rule.labels ?? {}),
    annotations: sortedJson(rule.annotations ?? {}),
    'no data': rule.noDataState,
    'error state': rule.execErrState,
    paused: String(rule.isPaused ?? false),
  };
}

/** Grafana returns `for` as model.Duration text (`5m`, `1h30m`, `0s`): compare normalised forms. */
function normaliseDuration(text: string | undefined): string {
  if (!text || text === '0' || text === '0s') {
    return '0s';
  }
  return text;
}

function sortedJson(obj: Record<string, string>): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.keys(obj)
        .sort()
        .map((k) => [k, obj[k]])
    )
  );
}

/** Settings of a contact point without its secure keys (those read `[REDACTED]`). */
export function contactPointSummary(cp: EmbeddedContactPoint, secretKeys: string[]): Record<string, string> {
  const out: Record<string, string> = {
    name: cp.name,
    type: cp.type,
    'resolve message': cp.disableResolveMessage ? 'off' : 'on',
  };
  for (const [k, v] of Object.entries(cp.settings ?? {})) {
    if (!secretKeys.includes(k)) {
      out[`settings.${k}`] = typeof v === 'string' ? v : JSON.stringify(v);
    }
  }
  return out;
}

export function policySummary(tree: NotificationRoute): Record<string, string> {
  return {
    receiver: tree.receiver ?? '(none)',
    group_by: (tree.group_by ?? []).join(', '),
    group_wait: tree.group_wait ?? '(default)',
    group_interval: tree.group_interval ?? '(default)',
    repeat_interval: tree.repeat_interval ?? '(default)',
    'nested policies': String(tree.routes?.length ?? 0),
  };
}
