/**
 * The alert rules every tenant with alerting on gets (unless switched off per rule in the spec).
 *
 * Each rule is a Prometheus instant query plus a threshold that Grafana evaluates as a server-side
 * expression (`A` query, `C` threshold, condition `C`). The query text names no tenant: Grafana
 * evaluates the rule in the tenant org, through that org's only Prometheus data source, i.e.
 * through the enforcing proxy with the tenant fixed server-side, so the proxy adds the tenant
 * matcher to every selector (tests/alerting/bundledRulesOnFixture.test.ts checks exactly that on
 * real Prometheus). The metrics are the agent's own remote-write metrics and the targets' `up`
 * series that the pipeline stamps with `tenant` and `cluster` (README "Pipeline").
 */

export type ThresholdOp = 'gt' | 'lt';

export interface BundledRuleDef {
  /** Key in the spec's `alerting.bundledRules`. */
  id: BundledRuleId;
  title: string;
  expr: string;
  /** The rule fires for each series whose value is `op` the threshold. */
  op: ThresholdOp;
  defaultThreshold: number;
  /** What the threshold measures, for the spec docs and errors. */
  unit: string;
  defaultFor: string;
  summary: string;
  description: string;
}

export const BUNDLED_RULE_IDS = ['remoteWriteBehind', 'targetDown', 'ingestionHigh', 'seriesGrowth'] as const;
export type BundledRuleId = (typeof BUNDLED_RULE_IDS)[number];

/** Grafana rule group holding the bundled rules in the tenant folder. */
export const BUNDLED_GROUP_NAME = 'tenant-health';
export const BUNDLED_GROUP_INTERVAL_SECONDS = 60;

export const BUNDLED_RULES: readonly BundledRuleDef[] = [
  {
    id: 'remoteWriteBehind',
    title: 'Agent remote-write behind',
    // Newest sample appended minus newest sample sent, per agent and remote queue: it grows both
    // when shipping lags and when it stalls (then the sent timestamp stops while the appended one
    // moves on). Same shape as the agent remote-write dashboard's "lag" panel.
    expr: 'max by (tenant, cluster, instance, remote_name) (prometheus_remote_storage_highest_timestamp_in_seconds - ignoring (remote_name, url) group_right () prometheus_remote_storage_queue_highest_sent_timestamp_seconds)',
    op: 'gt',
    defaultThreshold: 120,
    unit: 'seconds behind',
    defaultFor: '5m',
    summary: 'Agent {{ $labels.instance }} in cluster {{ $labels.cluster }} is behind in shipping samples',
    description:
      'The Prometheus agent has samples it has not sent to the central Prometheus for longer than the threshold: remote write is lagging or stalled. Check the agent logs and its network path to the central Prometheus.',
  },
  {
    id: 'targetDown',
    title: 'Target down',
    expr: 'min by (tenant, cluster, job, instance) (up)',
    op: 'lt',
    defaultThreshold: 1,
    unit: 'up (1 = scraped)',
    defaultFor: '5m',
    summary: 'Target {{ $labels.instance }} (job {{ $labels.job }}) in cluster {{ $labels.cluster }} is down',
    description:
      'The agent could not scrape this target. Check that the target is running and reachable from the agent.',
  },
  {
    id: 'ingestionHigh',
    title: 'Ingestion rate high',
    expr: 'sum by (tenant, cluster) (rate(prometheus_remote_storage_samples_in_total[5m]))',
    op: 'gt',
    defaultThreshold: 50_000,
    unit: 'samples per second',
    defaultFor: '15m',
    summary: 'Cluster {{ $labels.cluster }} ingests more samples per second than agreed',
    description:
      'The agents of this cluster append more samples per second than the threshold. A new high-cardinality metric or a shorter scrape interval is the usual cause.',
  },
  {
    id: 'seriesGrowth',
    title: 'Active series growing',
    // Ratio of active series now to one hour ago, per agent: > 1.5 means +50 % in an hour.
    expr: 'max by (tenant, cluster, instance) (prometheus_agent_active_series) / max by (tenant, cluster, instance) (prometheus_agent_active_series offset 1h)',
    op: 'gt',
    defaultThreshold: 1.5,
    unit: 'ratio to one hour ago',
    defaultFor: '15m',
    summary: 'Active series of agent {{ $labels.instance }} in cluster {{ $labels.cluster }} grew fast',
    description:
      'The agent holds many more active series than an hour ago (ratio above the threshold): a cardinality explosion is likely. Find the new series with the tenant overview dashboard.',
  },
];

export function bundledRule(id: BundledRuleId): BundledRuleDef {
  return BUNDLED_RULES.find((r) => r.id === id)!;
}

/** Whether a value makes a rule fire: the semantics of Grafana's threshold expression (gt/lt). */
export function thresholdFires(value: number, op: ThresholdOp, threshold: number): boolean {
  return op === 'gt' ? value > threshold : value < threshold;
}
