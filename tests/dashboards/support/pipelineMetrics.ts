import { readdirSync } from 'fs';

import { loadPrometheusConfig, PROMETHEUS_CONFIG_DIR } from '../../integration/prometheusConfigs';
import { fixtureSeries } from '../../support/tenantFixtureData';

/**
 * What the seed's pipeline produces, from its two sources of truth: the fixture's series (which
 * job exposes which metric) and the agent configs in provisioning/prometheus/ (which jobs the
 * tenants' agents scrape).
 */

/** Series every scrape adds for its target (Prometheus docs, "Jobs and instances": automatically generated labels and time series). */
export const SCRAPE_SYNTHETIC = new Set([
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
]);

/** metric name → jobs exposing it in the fixture (tenant series only: what a tenant can see). */
export function fixtureJobsByMetric(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const s of fixtureSeries({ untenanted: false })) {
    const jobs = out.get(s.name) ?? new Set<string>();
    jobs.add(s.labels.job);
    out.set(s.name, jobs);
  }
  return out;
}

/** Job names scraped by the tenant agents (provisioning/prometheus/agent-*.yml). */
export function agentJobs(): Set<string> {
  const files = readdirSync(PROMETHEUS_CONFIG_DIR).filter((f) => /^agent-.*\.ya?ml$/.test(f));
  if (files.length === 0) {
    throw new Error(
      `No agent configs (agent-*.yml) in ${PROMETHEUS_CONFIG_DIR}; the pipeline's agents must be provisioned there.`
    );
  }
  return new Set(files.flatMap((f) => (loadPrometheusConfig(f).scrape_configs ?? []).map((j) => j.job_name)));
}
