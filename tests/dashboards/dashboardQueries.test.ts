/** @jest-environment node */
import {
  createEnforcer,
  enforceGrafanaQuery,
  enforceQuery,
  enforceSeriesSelector,
  EnforceError,
} from '../../src/promql';
import { fixtureSeries, FIXTURE_STEP } from '../support/tenantFixtureData';
import { contextFor, type Selection } from './support/context';
import { dashboardQueries, loadDashboards, type DashboardQuery } from './support/dashboards';
import { interpolate } from './support/interpolate';
import { agentJobs, fixtureJobsByMetric, SCRAPE_SYNTHETIC } from './support/pipelineMetrics';
import { parsePromQL, parseVariableQuery, promqlOf } from './support/promqlTree';

/**
 * Every query of every bundled dashboard (panel targets, query variables, annotations): parses with
 * lezer after interpolation, is enforced by the ENGINE, and references only metrics the pipeline
 * produces (the metric list of tests/support/tenantFixtureData.ts, which mirrors the agents in
 * provisioning/prometheus/ plus node-exporter and cAdvisor).
 */

const dashboards = loadDashboards('prometheus').map((d) => d.json);
const queries: Array<[string, DashboardQuery]> = dashboards.flatMap((d) =>
  dashboardQueries(d).map((q) => [q.where, q] as [string, DashboardQuery])
);
const byUid = new Map(dashboards.map((d) => [d.uid, d]));
const PIPELINE_METRICS = new Set(fixtureSeries().map((s) => s.name));
const RANGE = { rangeSeconds: 3600, intervalSeconds: 60, scrapeIntervalSeconds: FIXTURE_STEP };
const VIEWER_A = createEnforcer({ label: 'tenant', values: ['a'] });

function interpolated(q: DashboardQuery, selection: Selection): string {
  const d = byUid.get(q.dashboard)!;
  return interpolate(q.expr, contextFor(d, selection, { tenant: ['a'] }, RANGE));
}

/** The PromQL part a data source evaluates, enforced for `e` (variable functions unwrapped). */
function enforcedPromQL(text: string, e = VIEWER_A): string {
  const v = parseVariableQuery(text);
  if (v.fn === 'label_values') {
    if (v.selector === undefined) {
      throw new Error(
        `label_values(${v.label}) without a selector cannot be enforced by a series selector; give it a metric.`
      );
    }
    return enforceSeriesSelector(v.selector, e);
  }
  return enforceQuery(v.expr, e);
}

function parseErrors(text: string): string[] {
  return parsePromQL(text).errors.map(
    (err) => `${err.from}-${err.to}: ${JSON.stringify(text.slice(Math.max(0, err.from - 10), err.to + 10))}`
  );
}

describe.each(queries)('%s', (_where, q) => {
  const text = interpolated(q, { tenant: ['a'] });
  const expr = promqlOf(text);

  it('parses with lezer after interpolation', () => {
    expect(expr).toBeDefined();
    expect(parseErrors(expr!)).toEqual([]);
  });

  it('references only metrics the pipeline produces, every selector naming its metric', () => {
    const selectors = parsePromQL(expr!).selectors;
    expect(selectors.length).toBeGreaterThan(0);
    for (const s of selectors) {
      expect({ selector: s.text, metric: s.metric && PIPELINE_METRICS.has(s.metric) ? 'known' : s.metric }).toEqual({
        selector: s.text,
        metric: 'known',
      });
    }
  });

  it('is enforced: every selector carries tenant="a" for viewer a, and the result still parses', () => {
    const enforced = enforcedPromQL(text);
    expect(parseErrors(enforced)).toEqual([]);
    for (const s of parsePromQL(enforced).selectors) {
      expect({
        selector: s.text,
        tenant: s.matchers.filter((m) => m.label === 'tenant' && m.op === '=' && m.value === 'a').length,
      }).toEqual({
        selector: s.text,
        tenant: 1,
      });
    }
  });

  it('is enforced for a viewer in two teams with tenant=~"a|b"', () => {
    const both = createEnforcer({ label: 'tenant', values: ['a', 'b'] });
    for (const s of parsePromQL(enforcedPromQL(text, both)).selectors) {
      expect(s.matchers).toContainEqual({ label: 'tenant', op: '=~', value: 'a|b' });
    }
  });

  it('with tenant forced to b through the URL: replaced by a, or rejected in error-on-replace mode', () => {
    const forced = interpolated(q, { tenant: ['b'] });
    for (const s of parsePromQL(enforcedPromQL(forced)).selectors) {
      expect(s.matchers).toContainEqual({ label: 'tenant', op: '=', value: 'a' });
    }
    const strict = createEnforcer({ label: 'tenant', values: ['a'], errorOnReplace: true });
    if (q.kind === 'variable') {
      // match[] selectors (label values lookups): the engine may append rather than reject; either
      // way the lookup is limited to tenant a.
      let enforced: string | undefined;
      try {
        enforced = enforcedPromQL(forced, strict);
      } catch (err) {
        expect(err).toBeInstanceOf(EnforceError);
      }
      for (const s of enforced === undefined ? [] : parsePromQL(enforced).selectors) {
        expect(s.matchers).toContainEqual({ label: 'tenant', op: '=', value: 'a' });
      }
    } else {
      expect(() => enforcedPromQL(forced, strict)).toThrow(EnforceError);
    }
  });

  it('raw Grafana text is enforced with its variables kept', () => {
    const raw = enforceGrafanaQuery(q.expr, VIEWER_A);
    // The tenant matcher itself is replaced by the viewer's (prom-label-proxy's replace mode), so
    // `$tenant` may go; every other variable and macro must come back untouched.
    const references = (text: string) => (text.match(/\$\w+/g) ?? []).filter((r) => r !== '$tenant').sort();
    expect(references(raw)).toEqual(references(q.expr));
    const d = byUid.get(q.dashboard)!;
    const after = promqlOf(interpolate(raw, contextFor(d, { tenant: ['a'] }, { tenant: ['a'] }, RANGE)))!;
    expect(parseErrors(after)).toEqual([]);
    for (const s of parsePromQL(after).selectors) {
      expect(s.matchers).toContainEqual({ label: 'tenant', op: '=', value: 'a' });
    }
  });
});

/**
 * Jobs the dashboards read that the agents in provisioning/prometheus/ do not scrape yet, job →
 * why (a panel then stays empty under `docker compose up`). None today: cAdvisor, the last gap, is
 * a compose service scraped by both agents. Add an entry only with the reason and remove it once
 * the agents scrape the job.
 */
const JOBS_NOT_SCRAPED_BY_AGENTS: Readonly<Record<string, string>> = {};

describe('metrics against the agent configs of provisioning/prometheus', () => {
  const jobsByMetric = fixtureJobsByMetric();
  const scraped = agentJobs();
  const metrics = new Set(
    queries.flatMap(([, q]) =>
      parsePromQL(promqlOf(interpolated(q, { tenant: ['a'] }))!).selectors.map((s) => s.metric!)
    )
  );

  it.each([...metrics].sort())('%s comes from a job the agents scrape (or a listed gap)', (metric) => {
    if (SCRAPE_SYNTHETIC.has(metric)) {
      return;
    }
    const jobs = [...(jobsByMetric.get(metric) ?? [])];
    expect(jobs.length).toBeGreaterThan(0);
    const missing = jobs.filter((j) => !scraped.has(j) && !JOBS_NOT_SCRAPED_BY_AGENTS[j]);
    expect({ metric, jobsNotScraped: missing }).toEqual({ metric, jobsNotScraped: [] });
  });

  it('lists only gaps that are still gaps', () => {
    expect(Object.keys(JOBS_NOT_SCRAPED_BY_AGENTS).filter((j) => scraped.has(j))).toEqual([]);
  });
});

describe('the interpolator the tests rely on', () => {
  const d = byUid.get('mtlabs-tenant-overview')!;
  it.each([
    ['up{tenant=~"$tenant", cluster=~"$cluster"}', { tenant: ['a'] }, 'up{tenant=~"a", cluster=~".*"}'],
    [
      'up{tenant=~"${tenant}", cluster=~"[[cluster]]"}',
      { tenant: ['a', 'b'], cluster: ['a-1'] },
      'up{tenant=~"(a|b)", cluster=~"a-1"}',
    ],
    ['rate(x[$__rate_interval]) + y[$__range]', {}, 'rate(x[75s]) + y[1h]'],
    ['up{tenant=~"$tenant"}', { tenant: ['a.b'] }, 'up{tenant=~"a\\\\.b"}'],
  ] as Array<[string, Selection, string]>)('%s with %j', (text, selection, expected) => {
    expect(interpolate(text, contextFor(d, selection, { tenant: ['a'] }, RANGE))).toBe(expected);
  });
  it('rejects unknown variables', () => {
    expect(() => interpolate('up{x="$nope"}', contextFor(d, {}, {}, RANGE))).toThrow(/\$nope/);
  });
});
