/**
 * `/api/v1/provisioning/…` (alert rules, rule groups, contact points, policies) in the current
 * org, from Grafana's handlers pkg/services/ngalert/api/api_provisioning.go (@003dc77) and the
 * services behind them; statuses, messages and what is unverified are in
 * tests/contract/ALERTING.md. Every write stamps provenance `api` (the client never sends
 * `X-Disable-Provenance`); objects with provenance `file` refuse changes.
 */
import { requireOrgRole } from '../auth';
import { fail, objectBody, ok } from '../http';
import type { FakeState } from '../state';
import {
  alertingOf,
  defaultPolicy,
  groupKey,
  nextRuleId,
  SECURE_KEYS,
  type AlertQueryRow,
  type ContactPointRow,
  type OrgAlerting,
  type RouteNode,
  type RuleRow,
} from '../alertingState';
import type { Route, RouteContext } from './types';

const REDACTED = '[REDACTED]';
const BASE = '/api/v1/provisioning';
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$|^0$/;
const UID = /^[a-zA-Z0-9\-_]{1,40}$/;

function orgOf(ctx: RouteContext, write: boolean): { org: OrgAlerting; orgId: number } {
  requireOrgRole(ctx.auth, 'Admin', write ? 'alert.provisioning:write' : 'alert.provisioning:read');
  return { org: alertingOf(ctx.state, ctx.auth.orgId), orgId: ctx.auth.orgId };
}

// --- rules -----------------------------------------------------------------------------------------

function ruleDto(r: RuleRow) {
  return {
    id: r.id,
    uid: r.uid,
    orgID: r.orgId,
    folderUID: r.folderUID,
    ruleGroup: r.ruleGroup,
    title: r.title,
    condition: r.condition,
    data: r.data,
    updated: r.updated,
    noDataState: r.noDataState,
    execErrState: r.execErrState,
    for: r.for,
    annotations: r.annotations,
    labels: r.labels,
    isPaused: r.isPaused,
    ...(r.provenance ? { provenance: r.provenance } : { provenance: '' }),
  };
}

/** Validation of one rule as ngalert's `ValidateRuleGroup`/`validateQueries` would do it (subset). */
function parseRule(
  state: FakeState,
  orgId: number,
  raw: unknown,
  folderUID: string,
  group: string
): Omit<RuleRow, 'id' | 'updated' | 'provenance'> {
  const r = objectBody(raw);
  const bad = (why: string): never => fail(400, `invalid alert rule: ${why}`);
  if (typeof r.title !== 'string' || r.title.trim() === '') {
    bad('title is empty');
  }
  const uid = r.uid === undefined || r.uid === '' ? state.newUid() : String(r.uid);
  if (!UID.test(uid)) {
    bad(`uid "${uid}" is invalid: at most 40 characters of [a-zA-Z0-9-_]`);
  }
  if (!state.folder(orgId, folderUID)) {
    bad(`folder "${folderUID}" does not exist`);
  }
  if (!Array.isArray(r.data) || r.data.length === 0) {
    bad('no queries or expressions are found');
  }
  const data = r.data as AlertQueryRow[];
  for (const q of data) {
    if (q.datasourceUid !== '__expr__' && !state.datasourcesOf(orgId).some((d) => d.uid === q.datasourceUid)) {
      bad(`failed to build query '${q.refId}': data source not found`);
    }
  }
  if (!data.some((q) => q.refId === r.condition)) {
    bad(`condition ${String(r.condition)} does not exist, must be one of [${data.map((q) => q.refId).join(',')}]`);
  }
  const forText = r.for === undefined ? '0s' : String(r.for);
  if (!DURATION.test(forText)) {
    bad(`for "${forText}" is not a duration`);
  }
  const noData = r.noDataState ?? 'NoData';
  const execErr = r.execErrState ?? 'Alerting';
  if (
    !['Alerting', 'NoData', 'OK', 'KeepLast'].includes(noData) ||
    !['Alerting', 'Error', 'OK', 'KeepLast'].includes(execErr)
  ) {
    bad('unknown noDataState or execErrState');
  }
  return {
    uid,
    orgId,
    folderUID,
    ruleGroup: group,
    title: r.title,
    condition: r.condition,
    data,
    noDataState: noData,
    execErrState: execErr,
    for: forText === '0' ? '0s' : forText,
    labels: r.labels ?? {},
    annotations: r.annotations ?? {},
    isPaused: r.isPaused === true,
  };
}

function refuseFileProvenance(what: string, p: string) {
  if (p === 'file') {
    fail(409, `cannot change provenance from 'file' to 'api': ${what} is provisioned from a file`);
  }
}

function putRuleGroup(ctx: RouteContext) {
  const { org, orgId } = orgOf(ctx, true);
  const folderUID = ctx.params.folderUid;
  const group = ctx.params.group;
  const body = objectBody(ctx.body);
  const interval = Number(body.interval);
  if (!Number.isInteger(interval) || interval <= 0 || interval % 10 !== 0) {
    fail(
      400,
      `invalid alert rule: interval (${String(body.interval)}) should be non-zero and divided exactly by scheduler interval: 10`
    );
  }
  const rules = (Array.isArray(body.rules) ? body.rules : []).map((raw: unknown) =>
    parseRule(ctx.state, orgId, raw, folderUID, group)
  );
  const current = [...org.rules.values()].filter((r) => r.folderUID === folderUID && r.ruleGroup === group);
  for (const r of current) {
    refuseFileProvenance(`rule "${r.title}"`, r.provenance);
  }
  const uids = new Set<string>();
  for (const r of rules) {
    const existing = org.rules.get(r.uid);
    if (existing && (existing.folderUID !== folderUID || existing.ruleGroup !== group)) {
      fail(
        400,
        `failed to update rule group: rule ${r.uid} belongs to group "${existing.ruleGroup}" of folder ${existing.folderUID}`
      );
    }
    if (uids.has(r.uid)) {
      fail(400, `failed to update rule group: rule uid ${r.uid} is used twice`);
    }
    uids.add(r.uid);
  }
  const now = ctx.state.now();
  for (const r of current) {
    if (!uids.has(r.uid)) {
      org.rules.delete(r.uid);
    }
  }
  for (const r of rules) {
    const existing = org.rules.get(r.uid);
    org.rules.set(r.uid, { ...r, id: existing?.id ?? nextRuleId(), updated: now, provenance: 'api' });
  }
  if (rules.length > 0) {
    org.groupIntervals.set(groupKey(folderUID, group), interval);
  } else {
    org.groupIntervals.delete(groupKey(folderUID, group));
  }
  return ok({ title: group, folderUid: folderUID, interval, rules: body.rules ?? [] });
}

function getRuleGroup(ctx: RouteContext) {
  const { org } = orgOf(ctx, false);
  const rules = [...org.rules.values()].filter(
    (r) => r.folderUID === ctx.params.folderUid && r.ruleGroup === ctx.params.group
  );
  if (rules.length === 0) {
    fail(404, 'rule group does not exist');
  }
  return ok({
    title: ctx.params.group,
    folderUid: ctx.params.folderUid,
    interval: org.groupIntervals.get(groupKey(ctx.params.folderUid, ctx.params.group)) ?? 60,
    rules: rules.map(ruleDto),
  });
}

// --- contact points ----------------------------------------------------------------------------------

function contactPointDto(c: ContactPointRow) {
  const settings: Record<string, unknown> = { ...c.settings };
  for (const [k, v] of Object.entries(c.secure)) {
    if (v !== '') {
      settings[k] = REDACTED;
    }
  }
  return {
    uid: c.uid,
    name: c.name,
    type: c.type,
    settings,
    disableResolveMessage: c.disableResolveMessage,
    ...(c.provenance ? { provenance: c.provenance } : {}),
  };
}

/** Splits secure keys out of the settings; `[REDACTED]` keeps the stored value (UpdateContactPoint). */
function parseContactPoint(raw: unknown, stored?: ContactPointRow): Omit<ContactPointRow, 'provenance'> {
  const b = objectBody(raw);
  const type = String(b.type ?? '');
  if (!(type in SECURE_KEYS)) {
    fail(400, `contact point is not valid: notifier "${type}" is not supported`);
  }
  if (typeof b.name !== 'string' || b.name.trim() === '') {
    fail(400, 'contact point is not valid: name must not be empty');
  }
  const settings: Record<string, unknown> = { ...objectBody(b.settings) };
  const secure: Record<string, string> = {};
  for (const key of SECURE_KEYS[type]) {
    if (key in settings) {
      const value = String(settings[key]);
      delete settings[key];
      secure[key] = value === REDACTED ? (stored?.secure[key] ?? '') : value;
    } else if (stored?.secure[key]) {
      secure[key] = stored.secure[key];
    }
  }
  const missing =
    type === 'email'
      ? !settings.addresses
      : type === 'webhook'
        ? !settings.url
        : !secure.url && !(secure.token && settings.recipient);
  if (missing) {
    fail(400, `contact point is not valid: required settings of ${type} are missing`);
  }
  return {
    uid: String(b.uid ?? ''),
    name: b.name,
    type,
    settings,
    secure,
    disableResolveMessage: b.disableResolveMessage === true,
  };
}

function usedByPolicy(tree: RouteNode, name: string): boolean {
  return tree.receiver === name || (tree.routes ?? []).some((r) => usedByPolicy(r, name));
}

function receiversOf(tree: RouteNode): string[] {
  return [...(tree.receiver ? [tree.receiver] : []), ...(tree.routes ?? []).flatMap(receiversOf)];
}

export const alertingRoutes: Route[] = [
  {
    method: 'GET',
    pattern: `${BASE}/alert-rules`,
    handle: (ctx) => ok([...orgOf(ctx, false).org.rules.values()].sort((a, b) => a.id - b.id).map(ruleDto)),
  },
  {
    method: 'GET',
    pattern: `${BASE}/alert-rules/:uid`,
    handle: (ctx) => {
      const r = orgOf(ctx, false).org.rules.get(ctx.params.uid);
      return r ? ok(ruleDto(r)) : { status: 404, body: undefined };
    },
  },
  {
    method: 'POST',
    pattern: `${BASE}/alert-rules`,
    handle: (ctx) => {
      const { org, orgId } = orgOf(ctx, true);
      const b = objectBody(ctx.body);
      const rule = parseRule(ctx.state, orgId, b, String(b.folderUID ?? ''), String(b.ruleGroup ?? ''));
      if (!rule.ruleGroup) {
        fail(400, 'invalid alert rule: rule group name is empty');
      }
      if (org.rules.has(rule.uid)) {
        fail(400, `failed to save alert rule: a rule with uid ${rule.uid} already exists`);
      }
      const row: RuleRow = { ...rule, id: nextRuleId(), updated: ctx.state.now(), provenance: 'api' };
      org.rules.set(row.uid, row);
      const key = groupKey(row.folderUID, row.ruleGroup);
      org.groupIntervals.set(key, org.groupIntervals.get(key) ?? 60);
      return ok(ruleDto(row), 201);
    },
  },
  {
    method: 'PUT',
    pattern: `${BASE}/alert-rules/:uid`,
    handle: (ctx) => {
      const { org, orgId } = orgOf(ctx, true);
      const existing = org.rules.get(ctx.params.uid);
      if (!existing) {
        return { status: 404, body: undefined };
      }
      refuseFileProvenance(`rule "${existing.title}"`, existing.provenance);
      const b = objectBody(ctx.body);
      const rule = parseRule(
        ctx.state,
        orgId,
        { ...b, uid: existing.uid },
        String(b.folderUID ?? existing.folderUID),
        String(b.ruleGroup ?? existing.ruleGroup)
      );
      const row: RuleRow = { ...rule, id: existing.id, updated: ctx.state.now(), provenance: 'api' };
      org.rules.set(row.uid, row);
      return ok(ruleDto(row));
    },
  },
  {
    method: 'DELETE',
    pattern: `${BASE}/alert-rules/:uid`,
    handle: (ctx) => {
      const { org } = orgOf(ctx, true);
      const existing = org.rules.get(ctx.params.uid);
      if (existing) {
        refuseFileProvenance(`rule "${existing.title}"`, existing.provenance);
        org.rules.delete(existing.uid);
      }
      return { status: 204, body: undefined };
    },
  },
  { method: 'GET', pattern: `${BASE}/folder/:folderUid/rule-groups/:group`, handle: getRuleGroup },
  { method: 'PUT', pattern: `${BASE}/folder/:folderUid/rule-groups/:group`, handle: putRuleGroup },
  {
    method: 'DELETE',
    pattern: `${BASE}/folder/:folderUid/rule-groups/:group`,
    handle: (ctx) => {
      const { org } = orgOf(ctx, true);
      const rules = [...org.rules.values()].filter(
        (r) => r.folderUID === ctx.params.folderUid && r.ruleGroup === ctx.params.group
      );
      rules.forEach((r) => refuseFileProvenance(`rule "${r.title}"`, r.provenance));
      rules.forEach((r) => org.rules.delete(r.uid));
      org.groupIntervals.delete(groupKey(ctx.params.folderUid, ctx.params.group));
      return { status: 204, body: undefined };
    },
  },
  {
    method: 'GET',
    pattern: `${BASE}/contact-points`,
    handle: (ctx) => {
      const list = [...orgOf(ctx, false).org.contactPoints].sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0
      );
      const name = ctx.query.get('name');
      return ok(list.filter((c) => name === null || c.name === name).map(contactPointDto));
    },
  },
  {
    method: 'POST',
    pattern: `${BASE}/contact-points`,
    handle: (ctx) => {
      const { org } = orgOf(ctx, true);
      const cp = parseContactPoint(ctx.body);
      const uid = cp.uid || ctx.state.newUid();
      if (!UID.test(uid)) {
        fail(400, `contact point is not valid: uid "${uid}" is invalid`);
      }
      if (org.contactPoints.some((c) => c.uid === uid)) {
        fail(400, `contact point is not valid: a contact point with uid "${uid}" already exists`);
      }
      const row: ContactPointRow = { ...cp, uid, provenance: 'api' };
      org.contactPoints.push(row);
      return ok(contactPointDto(row), 202);
    },
  },
  {
    method: 'PUT',
    pattern: `${BASE}/contact-points/:uid`,
    handle: (ctx) => {
      const { org } = orgOf(ctx, true);
      const i = org.contactPoints.findIndex((c) => c.uid === ctx.params.uid);
      if (i < 0) {
        fail(404, `contact point with uid '${ctx.params.uid}' not found`);
      }
      const stored = org.contactPoints[i];
      refuseFileProvenance(`contact point "${stored.name}"`, stored.provenance);
      const cp = parseContactPoint(ctx.body, stored);
      if (cp.name !== stored.name && usedByPolicy(org.policy, stored.name)) {
        // Newer Grafana renames the references too; the fake keeps it simple and refuses.
        fail(409, `contact point "${stored.name}" is used by a notification policy and cannot be renamed here`);
      }
      org.contactPoints[i] = { ...cp, uid: stored.uid, provenance: 'api' };
      return ok({ message: 'contactpoint updated' }, 202);
    },
  },
  {
    method: 'DELETE',
    pattern: `${BASE}/contact-points/:uid`,
    handle: (ctx) => {
      const { org } = orgOf(ctx, true);
      const stored = org.contactPoints.find((c) => c.uid === ctx.params.uid);
      if (stored) {
        refuseFileProvenance(`contact point "${stored.name}"`, stored.provenance);
        const lastOfName = org.contactPoints.filter((c) => c.name === stored.name).length === 1;
        if (lastOfName && usedByPolicy(org.policy, stored.name)) {
          fail(409, `contact point '${stored.name}' is currently used by a notification policy`);
        }
        org.contactPoints = org.contactPoints.filter((c) => c !== stored);
      }
      return ok({ message: 'contactpoint deleted' }, 202);
    },
  },
  {
    method: 'GET',
    pattern: `${BASE}/policies`,
    handle: (ctx) => {
      const { org } = orgOf(ctx, false);
      return ok({ ...org.policy, ...(org.policyProvenance ? { provenance: org.policyProvenance } : {}) });
    },
  },
  {
    method: 'PUT',
    pattern: `${BASE}/policies`,
    handle: (ctx) => {
      const { org } = orgOf(ctx, true);
      refuseFileProvenance('the notification policy tree', org.policyProvenance);
      const { provenance: _ignored, ...tree } = objectBody(ctx.body) as RouteNode & { provenance?: string };
      if (!tree.receiver) {
        fail(400, 'invalid object specification: root route must specify a default receiver');
      }
      for (const name of receiversOf(tree)) {
        if (!org.contactPoints.some((c) => c.name === name)) {
          fail(400, `invalid object specification: receiver '${name}' does not exist`);
        }
      }
      org.policy = tree;
      org.policyProvenance = 'api';
      return ok({ message: 'policies updated' }, 202);
    },
  },
  {
    method: 'DELETE',
    pattern: `${BASE}/policies`,
    handle: (ctx) => {
      const { org } = orgOf(ctx, true);
      org.policy = defaultPolicy();
      org.policyProvenance = '';
      return ok(org.policy, 202);
    },
  },
];

/** Test seeding: an object created in Grafana's UI (provenance "") or from files ("file"). */
export function seedContactPoint(
  state: FakeState,
  orgId: number,
  cp: Omit<ContactPointRow, 'uid' | 'secure' | 'disableResolveMessage'> & Partial<ContactPointRow>
): ContactPointRow {
  const row: ContactPointRow = { uid: state.newUid(), secure: {}, disableResolveMessage: false, ...cp };
  alertingOf(state, orgId).contactPoints.push(row);
  return row;
}

export function seedRule(
  state: FakeState,
  orgId: number,
  rule: Partial<RuleRow> & Pick<RuleRow, 'folderUID' | 'ruleGroup' | 'title'>
): RuleRow {
  const org = alertingOf(state, orgId);
  const row: RuleRow = {
    id: nextRuleId(),
    uid: state.newUid(),
    orgId,
    condition: 'A',
    data: [
      {
        refId: 'A',
        relativeTimeRange: { from: 600, to: 0 },
        datasourceUid: '__expr__',
        model: { refId: 'A', type: 'math', expression: '1' },
      },
    ],
    noDataState: 'NoData',
    execErrState: 'Alerting',
    for: '0s',
    labels: {},
    annotations: {},
    isPaused: false,
    updated: state.now(),
    provenance: '',
    ...rule,
  };
  org.rules.set(row.uid, row);
  const key = groupKey(row.folderUID, row.ruleGroup);
  org.groupIntervals.set(key, org.groupIntervals.get(key) ?? 60);
  return row;
}

export function seedPolicy(
  state: FakeState,
  orgId: number,
  tree: RouteNode,
  provenance: '' | 'api' | 'file' = ''
): void {
  const org = alertingOf(state, orgId);
  org.policy = tree;
  org.policyProvenance = provenance;
}
