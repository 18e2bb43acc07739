import { lastValueFrom } from 'rxjs';
import { dateTime, type DataFrame } from '@grafana/data';

import { TenantPrometheusClient } from '../../src/datasource/promqlClient';
import { USER_TEAMS_PATH } from '../../src/datasource/tenantResolver';
import { fixtureSeries, startTenantFixture, type TenantFixture } from '../support/tenantFixture';
import { ForwardingPrometheusTarget, PrometheusHttp } from './support/forwardingTarget';
import { ensureFetch } from './support/nodeFetch';
import { panelRequest, PROXY_PREFIX, wrapperHarness } from './support/wrapperHarness';

jest.setTimeout(120_000);
ensureFetch();

let fixture: TenantFixture;
beforeAll(async () => {
  fixture = await startTenantFixture();
});
afterAll(async () => {
  await fixture?.stop();
});

/** What the fixture holds, computed from its source data (not from Prometheus). */
function expected(tenants: string[], name: string, label: string): string[] {
  const values = fixtureSeries()
    .filter((s) => s.name === name && tenants.includes(s.labels.tenant ?? ''))
    .map((s) => (label === '__name__' ? s.name : s.labels[label]))
    .filter((v): v is string => v !== undefined);
  return [...new Set(values)].sort();
}

function metricNamesOf(tenants: string[]): string[] {
  return [
    ...new Set(
      fixtureSeries()
        .filter((s) => tenants.includes(s.labels.tenant ?? ''))
        .map((s) => s.name)
    ),
  ].sort();
}

/** A wrapper for a user in `teams`, driving a target that forwards to the real Prometheus. */
function wrapperFor(teams: string[]) {
  const prom = new PrometheusHttp(fixture.url);
  const target = new ForwardingPrometheusTarget(prom);
  const h = wrapperHarness({
    teams,
    targets: [target],
    // Grafana's data source proxy forwards the path and query to the Prometheus URL (CONTRACT §7.2).
    resource: (path, req) => prom.get(`/${path}`, req.query),
  });
  const range = { from: dateTime(fixture.start * 1000), to: dateTime(fixture.end * 1000), raw: { from: '', to: '' } };
  const request = (exprs: string[], extra = {}) =>
    panelRequest(
      exprs.map((expr) => ({ expr })),
      { range, intervalMs: 60_000, interval: '1m', ...extra }
    );
  return { ...h, prom, target, range, request };
}

const tenantsOf = (frames: DataFrame[]) =>
  [...new Set(frames.map((f) => f.fields[1].labels?.tenant ?? '<none>'))].sort();
const texts = (xs: Array<{ text: string }>) => xs.map((x) => x.text).sort();

describe.each([
  ['team a → tenant a', ['team-a'], ['a']],
  ['teams a and b → tenants a and b', ['team-a', 'team-b'], ['a', 'b']],
])('a user in %s', (_n, teams, tenants) => {
  it('panels (range + instant, macros expanded by the target)', async () => {
    const { wrapper, request } = wrapperFor(teams);
    const res = await lastValueFrom(
      wrapper.query(
        request(['up', 'sum by (tenant, cluster) (rate(node_cpu_seconds_total{mode="idle"}[$__rate_interval]))'])
      )
    );
    expect(res.errors ?? []).toEqual([]);
    const up = res.data.filter((f: DataFrame) => f.refId === 'A');
    expect(tenantsOf(res.data)).toEqual(tenants);
    expect(up).toHaveLength(
      fixtureSeries().filter((s) => s.name === 'up' && tenants.includes(s.labels.tenant ?? '')).length
    );
    const clusters = res.data
      .filter((f: DataFrame) => f.refId === 'B')
      .map((f: DataFrame) => f.fields[1].labels?.cluster)
      .sort();
    expect(clusters).toEqual(expected(tenants, 'node_cpu_seconds_total', 'cluster'));

    // count(up) would count every tenant's targets without enforcement.
    const count = await lastValueFrom(wrapper.query(request(['count(up)'])));
    expect(count.data[0].fields[1].values.at(-1)).toBe(up.length);
  });

  it('variables', async () => {
    const { wrapper, range } = wrapperFor(teams);
    const find = (q: string) => wrapper.metricFindQuery(q, { range });
    expect(texts(await find('label_values(tenant)'))).toEqual(tenants);
    expect(texts(await find('label_values(up, instance)'))).toEqual(expected(tenants, 'up', 'instance'));
    expect(texts(await find('label_values(up{job="node"}, cluster)'))).toEqual(expected(tenants, 'up', 'cluster'));
    expect(texts(await find('metrics(prometheus_.*)'))).toEqual(
      metricNamesOf(tenants).filter((n) => n.startsWith('prometheus_'))
    );
    const names = texts(await find('label_names()'));
    expect(names).toContain('tenant');
    const counted = await find('query_result(count by (tenant) (up))');
    expect(counted.map((v) => JSON.parse(v.text.split(' ')[0]).tenant).sort()).toEqual(tenants);
  });

  it('ad-hoc filter keys and values', async () => {
    const { wrapper, range } = wrapperFor(teams);
    expect(texts(await wrapper.getTagValues({ key: 'tenant', filters: [], timeRange: range }))).toEqual(tenants);
    expect(
      texts(
        await wrapper.getTagValues({
          key: 'instance',
          filters: [{ key: 'job', operator: '=', value: 'node' }],
          timeRange: range,
        })
      )
    ).toEqual(
      [
        ...new Set(
          fixtureSeries()
            .filter((s) => s.labels.job === 'node' && tenants.includes(s.labels.tenant ?? ''))
            .map((s) => s.labels.instance)
        ),
      ].sort()
    );
    const keys = texts(await wrapper.getTagKeys({ filters: [], timeRange: range }));
    expect(keys).toContain('cluster');
    // An ad-hoc filter applied to a panel narrows within the tenant.
    const { request } = wrapperFor(teams);
    const res = await lastValueFrom(
      wrapper.query(request(['up'], { filters: [{ key: 'job', operator: '=', value: 'api' }] }))
    );
    expect(res.data.map((f: DataFrame) => f.fields[1].labels?.job)).toEqual(
      Array(expected(tenants, 'up', 'cluster').length).fill('api')
    );
    expect(tenantsOf(res.data)).toEqual(tenants);
  });

  it('query-editor suggestions', async () => {
    const { wrapper, range } = wrapperFor(teams);
    const client = new TenantPrometheusClient(wrapper.metadata, range);
    expect((await client.metricNames()).sort()).toEqual(metricNamesOf(tenants));
    expect((await client.labelValues('tenant')).sort()).toEqual(tenants);
    expect((await client.labelValues('instance', 'up')).sort()).toEqual(expected(tenants, 'up', 'instance'));
    const series = await client.series('up');
    expect([...new Set(series.map((s) => s.get('__name__')))]).toEqual(['up']);
    expect(Object.keys(await client.metricMetadata()).every((n) => metricNamesOf(tenants).includes(n))).toBe(true);
  });
});

describe('a user in no mapped team', () => {
  it('gets errors everywhere and nothing reaches Prometheus', async () => {
    const { wrapper, prom, backend, request, range } = wrapperFor(['ops']);
    const res = await lastValueFrom(wrapper.query(request(['up'])));
    expect(res.data).toEqual([]);
    expect(res.errors?.[0].message).toContain('not in any team mapped');
    await expect(wrapper.metricFindQuery('label_values(tenant)', { range })).rejects.toMatchObject({
      kind: 'no-tenant',
    });
    await expect(wrapper.getTagKeys({ filters: [] })).rejects.toMatchObject({ kind: 'no-tenant' });
    await expect(wrapper.getTagValues({ key: 'tenant', filters: [] })).rejects.toMatchObject({ kind: 'no-tenant' });
    expect(await new TenantPrometheusClient(wrapper.metadata).metricNames()).toEqual([]);
    expect(prom.calls).toEqual([]);
    expect(
      backend.requests.filter((r) => r.path !== USER_TEAMS_PATH && r.path.startsWith(PROXY_PREFIX('prom')))
    ).toEqual([]);
  });
});
