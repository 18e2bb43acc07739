/**
 * `?page=dashboard-queries&from=<unix s>&to=<unix s>[&tenant=a][&cluster=b-1]`: runs every query of
 * the bundled dashboards (panel targets, annotations, query variables) through the tenant wrapper
 * data source, as a dashboard in a shared org would, for the signed-in user of the session. The
 * variables take the given values — `tenant=b` is what a URL with `var-tenant=b` does. The wrappers
 * are configured by their rows in GET /api/datasources: the PromQL dashboards use uid
 * `tenant-wrapper`, forwarding to the `prom` target (the Prometheus behind the harness' `/prom`
 * proxy); the LogQL dashboard uses uid `tenant-wrapper-loki`, forwarding to the `loki` target (the
 * Loki behind `/loki`, whose label calls go through the harness' Loki resource route). Results are
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
import tenantLogsOverview from '../../../../src/dashboards/tenant-logs-overview.json';
import tenantOverview from '../../../../src/dashboards/tenant-overview.json';
import { BrowserLokiTarget } from '../../../dashboards/support/browserLokiTarget';
import { BrowserPrometheusTarget } from '../../../dashboards/support/browserPrometheusTarget';
import { DashboardTemplateSrv } from '../../../dashboards/support/dashboardTemplateSrv';
import { dashboardQueries, dataSourceTypeOf, type Dashboard } from '../../../dashboards/support/dashboardModel';
import { registerHarnessDataSource } from '../harnessDataSourceSrv';
import type { HarnessPage } from '../types';

/** Keep in step with src/dashboards (the browser test fails when a bundled dashboard is missing here). */
const DASHBOARDS = [tenantOverview, agentRemoteWrite, resourceOverview, tenantLogsOverview] as unknown as Dashboard[];
type Language = 'prometheus' | 'loki';
/** Per query language: the wrapper a shared-org copy of the dashboard lists, and its target. */
const WRAPPERS: Record<Language, { wrapperUid: string; targetUid: string }> = {
  prometheus: { wrapperUid: 'tenant-wrapper', targetUid: 'prom' },
  loki: { wrapperUid: 'tenant-wrapper-loki', targetUid: 'loki' },
};

export interface QueryOutcome {
  where: string;
  kind: 'panel' | 'variable' | 'annotation';
  dashboard: string;
  /** The language of the dashboard's data source variable. */
  language: Language;
  /** Label sets of the returned series (panels, annotations) and how many points each had. */
  series?: Array<{ labels: Record<string, string>; points: number }>;
  /** Log lines of the returned streams (logs panels). */
  lines?: string[];
  /** Variable options. */
  values?: string[];
  error?: string;
}

export interface PageResults {
  dashboards: string[];
  outcomes: QueryOutcome[];
  /** The PromQL the target sent to Prometheus (after enforcement and macro expansion). */
  sent: string[];
  /** The LogQL the Loki target's queries carried (after enforcement and its own variable pass). */
  sentLoki: string[];
}

function seriesOf(frames: DataFrame[]): QueryOutcome['series'] {
  return frames.map((f) => {
    const value = f.fields.find((x) => x.name !== 'Time');
    return { labels: { ...(value?.labels ?? {}) }, points: f.length };
  });
}

function linesOf(frames: DataFrame[]): string[] | undefined {
  const lines = frames.flatMap((f) => f.fields.filter((x) => x.name === 'Line').flatMap((x) => [...x.values]));
  return lines.length > 0 ? lines.map(String) : undefined;
}

function languageOf(d: Dashboard): Language {
  const type = dataSourceTypeOf(d);
  if (type !== 'prometheus' && type !== 'loki') {
    throw new Error(
      `dashboard-queries: dashboard ${d.uid} lists data sources of type "${type}"; add a wrapper for it.`
    );
  }
  return type;
}

function wrapperOf(language: Language): TenantWrapperDataSource {
  const uid = WRAPPERS[language].wrapperUid;
  const settings = getDataSourceSrv().getInstanceSettings(uid) as
    DataSourceInstanceSettings<WrapperOptions> | undefined;
  if (!settings) {
    throw new Error(
      `dashboard-queries: no data source with uid "${uid}" in GET /api/datasources; create it in the fake Grafana first.`
    );
  }
  return new TenantWrapperDataSource(settings);
}

async function run(params: URLSearchParams, prometheusPath: string, lokiPath: string): Promise<PageResults> {
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
  const prometheus = new BrowserPrometheusTarget(prometheusPath, WRAPPERS.prometheus.targetUid);
  registerHarnessDataSource(WRAPPERS.prometheus.targetUid, prometheus as unknown as DataSourceApi);
  const loki = new BrowserLokiTarget(lokiPath, WRAPPERS.loki.targetUid);
  registerHarnessDataSource(WRAPPERS.loki.targetUid, loki as unknown as DataSourceApi);
  const languages = [...new Set(DASHBOARDS.map(languageOf))];
  const wrappers = new Map(languages.map((l) => [l, wrapperOf(l)] as const));
  const outcomes: QueryOutcome[] = [];
  for (const d of DASHBOARDS) {
    const language = languageOf(d);
    const wrapper = wrappers.get(language)!;
    setTemplateSrv(new DashboardTemplateSrv(d, selection));
    for (const q of dashboardQueries(d)) {
      const outcome: QueryOutcome = { where: q.where, kind: q.kind, dashboard: d.uid, language };
      try {
        if (q.kind === 'variable') {
          // Loki's variable editor stores a model ({ type, label, stream }), Prometheus' a text.
          const query = q.variableQuery ?? { query: q.expr, refId: 'V' };
          outcome.values = (await wrapper.metricFindQuery(query, { range, scopedVars: {} })).map((v) => String(v.text));
        } else {
          const target =
            language === 'loki'
              ? { refId: 'A', expr: q.expr, queryType: q.instant ? 'instant' : 'range' }
              : { refId: 'A', expr: q.expr, instant: q.instant, range: !q.instant };
          const request = {
            requestId: q.where,
            app: 'dashboard',
            interval: '60s',
            intervalMs: 60_000,
            range,
            scopedVars: {},
            timezone: 'utc',
            startTime: Date.now(),
            targets: [target],
          } as DataQueryRequest<WrapperQuery>;
          const response = await lastValueFrom(wrapper.query(request));
          if (response.errors?.length || response.error) {
            outcome.error = (response.errors ?? [response.error!]).map((e) => e.message).join('; ');
          } else {
            outcome.series = seriesOf(response.data as DataFrame[]);
            outcome.lines = linesOf(response.data as DataFrame[]);
          }
        }
      } catch (e) {
        outcome.error = e instanceof Error ? e.message : String(e);
      }
      outcomes.push(outcome);
    }
  }
  return {
    dashboards: DASHBOARDS.map((d) => d.uid),
    outcomes,
    sent: prometheus.sent,
    sentLoki: loki.requests.flatMap((r) => r.targets.map((t) => t.expr)),
  };
}

function DashboardQueries({
  params,
  prometheusPath,
  lokiPath,
}: {
  params: URLSearchParams;
  prometheusPath: string;
  lokiPath: string;
}) {
  const [results, setResults] = useState<PageResults | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  useEffect(() => {
    run(params, prometheusPath, lokiPath).then(setResults, (e: Error) => setFailure(e.message));
  }, [params, prometheusPath, lokiPath]);
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
  render: ({ params, prometheusPath, lokiPath }) => (
    <DashboardQueries params={params} prometheusPath={prometheusPath} lokiPath={lokiPath} />
  ),
};

export default page;
