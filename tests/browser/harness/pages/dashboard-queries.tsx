/**
 * `?page=dashboard-queries&from=<unix s>&to=<unix s>[&tenant=a][&cluster=b-1]`: runs every query of
 * the bundled dashboards (panel targets, annotations, query variables) through the tenant wrapper
 * data source, as a dashboard in a shared org would, for the signed-in user of the session. The
 * variables take the given values — `tenant=b` is what a URL with `var-tenant=b` does. The wrapper
 * is configured by its row in GET /api/datasources (uid `tenant-wrapper`) and forwards to the
 * `prom` target, which reaches the Prometheus behind the harness' `/prom` proxy. Results are
 * written as JSON into `[data-testid="dashboard-query-results"]` for tests/browser/dashboards.test.ts.
 */
import React, { useEffect, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import {
  dateTime,
  type DataFrame,
  type DataSourceApi,
  type DataQueryRequest,
  type DataSourceInstanceSettings,
  type TimeRange,
} from '@grafana/data';
import { getDataSourceSrv, setTemplateSrv } from '@grafana/runtime';
import { TenantWrapperDataSource } from '../../../../src/datasource/datasource';
import type { WrapperOptions, WrapperQuery } from '../../../../src/datasource/types';
import agentRemoteWrite from '../../../../src/dashboards/agent-remote-write.json';
import resourceOverview from '../../../../src/dashboards/resource-overview.json';
import tenantOverview from '../../../../src/dashboards/tenant-overview.json';
import { BrowserPrometheusTarget } from '../../../dashboards/support/browserPrometheusTarget';
import { DashboardTemplateSrv } from '../../../dashboards/support/dashboardTemplateSrv';
import { dashboardQueries, type Dashboard } from '../../../dashboards/support/dashboardModel';
import { registerHarnessDataSource } from '../harnessDataSourceSrv';
import type { HarnessPage } from '../types';

/** Keep in step with src/dashboards (the browser test fails when a bundled dashboard is missing here). */
const DASHBOARDS = [tenantOverview, agentRemoteWrite, resourceOverview] as unknown as Dashboard[];
const WRAPPER_UID = 'tenant-wrapper';
const TARGET_UID = 'prom';

export interface QueryOutcome {
  where: string;
  kind: 'panel' | 'variable' | 'annotation';
  /** Label sets of the returned series (panels, annotations) and how many points each had. */
  series?: Array<{ labels: Record<string, string>; points: number }>;
  /** Variable options. */
  values?: string[];
  error?: string;
}

export interface PageResults {
  dashboards: string[];
  outcomes: QueryOutcome[];
  /** The PromQL the target sent to Prometheus (after enforcement and macro expansion). */
  sent: string[];
}

function seriesOf(frames: DataFrame[]): QueryOutcome['series'] {
  return frames.map((f) => {
    const value = f.fields.find((x) => x.name !== 'Time');
    return { labels: { ...(value?.labels ?? {}) }, points: f.length };
  });
}

async function run(params: URLSearchParams, prometheusPath: string): Promise<PageResults> {
  const from = Number(params.get('from'));
  const to = Number(params.get('to'));
  const range: TimeRange = {
    from: dateTime(from * 1000),
    to: dateTime(to * 1000),
    raw: { from: String(from), to: String(to) },
  };
  const selection: Record<string, string[]> = {};
  for (const name of ['tenant', 'cluster']) {
    if (params.get(name)) {
      selection[name] = params.getAll(name);
    }
  }
  const target = new BrowserPrometheusTarget(prometheusPath, TARGET_UID);
  registerHarnessDataSource(TARGET_UID, target as unknown as DataSourceApi);
  const settings = getDataSourceSrv().getInstanceSettings(WRAPPER_UID) as
    DataSourceInstanceSettings<WrapperOptions> | undefined;
  if (!settings) {
    throw new Error(
      `dashboard-queries: no data source with uid "${WRAPPER_UID}" in GET /api/datasources; create it in the fake Grafana first.`
    );
  }
  const wrapper = new TenantWrapperDataSource(settings);
  const outcomes: QueryOutcome[] = [];
  for (const d of DASHBOARDS) {
    setTemplateSrv(new DashboardTemplateSrv(d, selection));
    for (const q of dashboardQueries(d)) {
      const outcome: QueryOutcome = { where: q.where, kind: q.kind };
      try {
        if (q.kind === 'variable') {
          outcome.values = (
            await wrapper.metricFindQuery({ query: q.expr, refId: 'V' }, { range, scopedVars: {} })
          ).map((v) => String(v.text));
        } else {
          const request = {
            requestId: q.where,
            app: 'dashboard',
            interval: '60s',
            intervalMs: 60_000,
            range,
            scopedVars: {},
            timezone: 'utc',
            startTime: Date.now(),
            targets: [{ refId: 'A', expr: q.expr, instant: q.instant, range: !q.instant }],
          } as DataQueryRequest<WrapperQuery>;
          const response = await lastValueFrom(wrapper.query(request));
          if (response.errors?.length || response.error) {
            outcome.error = (response.errors ?? [response.error!]).map((e) => e.message).join('; ');
          } else {
            outcome.series = seriesOf(response.data as DataFrame[]);
          }
        }
      } catch (e) {
        outcome.error = e instanceof Error ? e.message : String(e);
      }
      outcomes.push(outcome);
    }
  }
  return { dashboards: DASHBOARDS.map((d) => d.uid), outcomes, sent: target.sent };
}

function DashboardQueries({ params, prometheusPath }: { params: URLSearchParams; prometheusPath: string }) {
  const [results, setResults] = useState<PageResults | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  useEffect(() => {
    run(params, prometheusPath).then(setResults, (e: Error) => setFailure(e.message));
  }, [params, prometheusPath]);
  if (failure) {
    return <pre data-testid="dashboard-query-failure">{failure}</pre>;
  }
  if (!results) {
    return <span>running the dashboards&apos; queries…</span>;
  }
  const failed = results.outcomes.filter((o) => o.error).length;
  return (
    <div>
      <h3>
        {results.outcomes.length} queries of {results.dashboards.length} dashboards through the tenant wrapper; {failed}{' '}
        with errors
      </h3>
      <table cellPadding={4}>
        <thead>
          <tr>
            <th align="left">query</th>
            <th align="left">series / values</th>
            <th align="left">tenants · clusters seen</th>
            <th align="left">error</th>
          </tr>
        </thead>
        <tbody>
          {results.outcomes.map((o) => (
            <tr key={o.where}>
              <td>{o.where}</td>
              <td>{o.values ? o.values.join(', ') : (o.series?.length ?? 0)}</td>
              <td>
                {[
                  ...new Set((o.series ?? []).flatMap((x) => [x.labels.tenant, x.labels.cluster]).filter(Boolean)),
                ].join(', ')}
              </td>
              <td>{o.error}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <pre data-testid="dashboard-query-results" style={{ display: 'none' }}>
        {JSON.stringify(results)}
      </pre>
    </div>
  );
}

const page: HarnessPage = {
  id: 'dashboard-queries',
  title: 'Bundled dashboards: every query through the tenant wrapper',
  render: ({ params, prometheusPath }) => <DashboardQueries params={params} prometheusPath={prometheusPath} />,
};

export default page;
