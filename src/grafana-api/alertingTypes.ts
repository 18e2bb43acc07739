/**
 * Types of Grafana's alerting provisioning API (`/api/v1/provisioning/…`), hand-written from the
 * Swagger definitions in pkg/services/ngalert/api/tooling/definitions (provisioning_alert_rules.go,
 * provisioning_contactpoints.go, cortex-ruler / alertmanager `Route`) and the handlers in
 * pkg/services/ngalert/api/api_provisioning.go (grafana/grafana @003dc77, read for Grafana 12.x;
 * docs "Alerting provisioning HTTP API" v12.4). Not in ../shared/grafana-api/openapi-subset.json:
 * tests/contract/alerting-addendum.json holds their schemas and tests/contract/ALERTING.md the notes.
 */

/** `""`/absent: created in the UI or with `X-Disable-Provenance`; `api`: this API; `file`: file provisioning. */
export type Provenance = '' | 'api' | 'file' | 'converted_prometheus' | string;

export interface RelativeTimeRange {
  /** Seconds before the evaluation time. */
  from: number;
  to: number;
}

/** One query or server-side expression of a rule (`AlertQuery`). */
export interface AlertQuery {
  refId: string;
  queryType?: string;
  relativeTimeRange: RelativeTimeRange;
  /** A data source uid, or `__expr__` for server-side expressions. */
  datasourceUid: string;
  model: Record<string, unknown>;
}

/** `ProvisionedAlertRule`. `for` is a Prometheus duration string (model.Duration). */
export interface ProvisionedAlertRule {
  id?: number;
  uid: string;
  orgID?: number;
  folderUID: string;
  ruleGroup: string;
  title: string;
  condition: string;
  data: AlertQuery[];
  noDataState: 'Alerting' | 'NoData' | 'OK' | 'KeepLast';
  execErrState: 'Alerting' | 'Error' | 'OK' | 'KeepLast';
  for: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  isPaused?: boolean;
  updated?: string;
  provenance?: Provenance;
}

/** `AlertRuleGroup` of the provisioning API; `interval` in seconds. */
export interface AlertRuleGroup {
  title: string;
  folderUid: string;
  interval: number;
  rules: ProvisionedAlertRule[];
}

/**
 * `EmbeddedContactPoint`. On reads, every secure setting that is set comes back as the string
 * `[REDACTED]`; sending `[REDACTED]` on update keeps the stored secret (ContactPointService
 * UpdateContactPoint).
 */
export interface EmbeddedContactPoint {
  uid: string;
  name: string;
  type: string;
  settings: Record<string, unknown>;
  disableResolveMessage?: boolean;
  provenance?: Provenance;
}

export const REDACTED = '[REDACTED]';

/** Notification policy tree (`Route`); timings are Prometheus durations. */
export interface NotificationRoute {
  receiver?: string;
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  object_matchers?: Array<[string, string, string]>;
  continue?: boolean;
  mute_time_intervals?: string[];
  routes?: NotificationRoute[];
  provenance?: Provenance;
}
