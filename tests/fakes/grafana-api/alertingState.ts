/**
 * Alerting state of the fake, per org: alert rules (with group intervals), contact points and the
 * notification policy tree, each with its provenance. Kept beside FakeState (keyed by it) so the
 * core state stays as it is; an org's alerting disappears with the org because org ids are never
 * reused in the fake (state.ts counters).
 *
 * A new org starts like Grafana's default Alertmanager configuration: one email contact point
 * `grafana-default-email` and a root policy routing to it, both without provenance.
 */
import type { FakeState } from './state';

export type Provenance = '' | 'api' | 'file';

export interface AlertQueryRow {
  refId: string;
  queryType?: string;
  relativeTimeRange: { from: number; to: number };
  datasourceUid: string;
  model: Record<string, unknown>;
}

export interface RuleRow {
  id: number;
  uid: string;
  orgId: number;
  folderUID: string;
  ruleGroup: string;
  title: string;
  condition: string;
  data: AlertQueryRow[];
  noDataState: string;
  execErrState: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  isPaused: boolean;
  updated: string;
  provenance: Provenance;
}

export interface ContactPointRow {
  uid: string;
  name: string;
  type: string;
  /** Non-secret settings. */
  settings: Record<string, unknown>;
  /** Secure settings (stored encrypted by Grafana; returned only as `[REDACTED]`). */
  secure: Record<string, string>;
  disableResolveMessage: boolean;
  provenance: Provenance;
}

export interface RouteNode {
  receiver?: string;
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  object_matchers?: Array<[string, string, string]>;
  continue?: boolean;
  routes?: RouteNode[];
}

export interface OrgAlerting {
  rules: Map<string, RuleRow>;
  /** `<folderUid>\u0000<group>` → interval in seconds. */
  groupIntervals: Map<string, number>;
  contactPoints: ContactPointRow[];
  policy: RouteNode;
  policyProvenance: Provenance;
}

export const DEFAULT_RECEIVER = 'grafana-default-email';

/** Secure settings per integration type (alerting/receivers `secure` fields, the three we model). */
export const SECURE_KEYS: Record<string, string[]> = {
  email: [],
  webhook: ['password', 'authorization_credentials'],
  slack: ['url', 'token'],
};

const stores = new WeakMap<FakeState, Map<number, OrgAlerting>>();
let ruleIds = 0;

export function defaultPolicy(): RouteNode {
  return { receiver: DEFAULT_RECEIVER, group_by: ['grafana_folder', 'alertname'] };
}

export function alertingOf(state: FakeState, orgId: number): OrgAlerting {
  let byOrg = stores.get(state);
  if (!byOrg) {
    byOrg = new Map();
    stores.set(state, byOrg);
  }
  let org = byOrg.get(orgId);
  if (!org) {
    org = {
      rules: new Map(),
      groupIntervals: new Map(),
      contactPoints: [
        {
          uid: state.newUid(),
          name: DEFAULT_RECEIVER,
          type: 'email',
          settings: { addresses: '<example@email.com>' },
          secure: {},
          disableResolveMessage: false,
          provenance: '',
        },
      ],
      policy: defaultPolicy(),
      policyProvenance: '',
    };
    byOrg.set(orgId, org);
  }
  return org;
}

export function nextRuleId(): number {
  ruleIds += 1;
  return ruleIds;
}

export const groupKey = (folderUid: string, group: string) => `${folderUid}\u0000${group}`;
