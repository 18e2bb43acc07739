/**
 * The wrapper in front of a Loki data source, driven against a recording fake Loki HTTP server (no
 * Loki binary exists here): logs panels, metric LogQL, Explore, annotations, variable queries,
 * ad-hoc filters, the label browser's calls and log context. What reaches Loki is re-parsed with
 * lezer-logql and every stream selector checked pinned to the user's tenant values, independently
 * of the engine (tests/wrapper/support/lokiPinning.ts); the answers are checked against the
 * fixture, so anything left unpinned would show another tenant's lines.
 *
 * The wrapper is convenience and defense in depth: the wall is the enforcing proxy in front of
 * Loki (proxy/loki.test.ts), which a user can reach without the wrapper.
 */
import { lastValueFrom } from 'rxjs';
import {
  FieldType,
  LogRowContextQueryDirection,
  toDataFrame,
  type AdHocVariableFilter,
  type DataFrame,
  type LogRowModel,
} from '@grafana/data';

import { USER_TEAMS_PATH } from '../../src/datasource/tenantResolver';
import type { WrapperQuery } from '../../src/datasource/types';
import { fixtureStreams, startFakeLoki, type FakeLoki } from './support/fakeLoki';
import { ForwardingLokiTarget } from './support/forwardingLokiTarget';
import { httpGetJson } from './support/forwardingTarget';
import { lokiProblems } from './support/lokiPinning';
import { fetchError } from './support/recordingBackendSrv';
import { RecordingTarget } from './support/recordingTarget';
import { DEFAULT_JSON, panelRequest, RANGE, RESOURCE_PREFIX, wrapperHarness } from './support/wrapperHarness';
import type { FakeVariable } from './support/fakeTemplateSrv';

jest.setTimeout(30_000);

let loki: FakeLoki;
beforeAll(async () => {
  loki = await startFakeLoki();
});
afterAll(async () => {
  await loki?.stop();
});
beforeEach(() => {
  loki.requests.length = 0;
});

const LOKI_JSON = { ...DEFAULT_JSON, targetUid: 'loki' };

/** A wrapper for a user in `teams` whose target forwards to the fake Loki. */
function wrapperFor(teams: string[], variables: Record<string, FakeVariable> = {}) {
  const target = new ForwardingLokiTarget(loki.url);
  const h = wrapperHarness({
    teams,
    targets: [target],
    jsonData: LOKI_JSON,
    variables,
    // Grafana's Loki backend forwards its resource calls to <loki>/loki/api/v1/<path>?<query>.
    resource: async (path, req) => {
      const { status, body } = await httpGetJson<unknown>(`${loki.url}/loki/api/v1/${path}?${req.query}`);
      if (status !== 200) {
        throw fetchError(status, body);
      }
      return body;
    },
  });
  return { ...h, target };
}

/** Fixture facts, computed from the fixture (not from the fake's answers). */
const fixture = fixtureStreams();
const streamsOf = (tenants: string[], pred: (l: Record<string, string>) => boolean = () => true) =>
  fixture.filter((s) => tenants.includes(s.labels.tenant) && pred(s.labels));
const uniq = (xs: string[]) => [...new Set(xs)].sort();
const texts = (xs: Array<{ text: string }>) => xs.map((x) => x.text).sort();
const frameTenants = (frames: DataFrame[]) => uniq(frames.map((f) => f.fields[1].labels?.tenant ?? '<none>'));
const lines = (frames: DataFrame[]) => frames.flatMap((f) => f.fields[1].values as string[]);

function expectPinned(values: string[]) {
  expect(loki.requests.length).toBeGreaterThan(0);
  expect(lokiProblems(loki.requests, 'tenant', values)).toEqual([]);
}

function logRow(labels: Record<string, string>, labelTypes?: Record<string, string>): LogRowModel {
  const frame = toDataFrame({
    refId: 'A',
    fields: [
      { name: 'Time', type: FieldType.time, values: [RANGE.from.valueOf() + 120_000] },
      { name: 'Line', type: FieldType.string, values: ['x'], labels },
      ...(labelTypes ? [{ name: 'labelTypes', type: FieldType.other, values: [labelTypes] }] : []),
    ],
  });
  return {
    rowIndex: 0,
    entryFieldIndex: 1,
    dataFrame: frame,
    labels,
    timeEpochMs: RANGE.from.valueOf() + 120_000,
    uid: 'row-1',
  } as unknown as LogRowModel;
}

describe.each([
  ['team a → tenant a', ['team-a'], ['a']],
  ['teams a and b → tenants a and b', ['team-a', 'team-b'], ['a', 'b']],
])('a user in %s', (_n, teams, tenants) => {
  it('logs panel: only the tenant’s streams and lines; every field but expr/datasource forwarded unchanged', async () => {
    const { wrapper, target } = wrapperFor(teams);
    const q: Partial<WrapperQuery> = {
      expr: '{app="api"} |= "level"',
      queryType: 'range',
      maxLines: 2,
      direction: 'forward',
      legendFormat: '{{pod}}',
      editorMode: 'code',
    };
    const res = await lastValueFrom(wrapper.query(panelRequest([q])));
    expect(res.errors ?? []).toEqual([]);
    expect(frameTenants(res.data)).toEqual(tenants);
    expect(res.data).toHaveLength(streamsOf(tenants, (l) => l.app === 'api').length);
    expect(lines(res.data).every((l) => tenants.some((t) => l.includes(`tenant=${t} `)))).toBe(true);
    expect(lines(res.data)).toHaveLength(2 * res.data.length); // maxLines reached Loki as limit
    const sent = target.requests[0].targets[0];
    expect({ ...sent, expr: undefined, datasource: undefined }).toEqual({
      ...q,
      refId: 'A',
      expr: undefined,
      datasource: undefined,
    });
    expect(sent.datasource).toEqual({ type: 'loki', uid: 'loki' });
    expect(loki.requests[0].query.get('direction')).toBe('forward');
    expectPinned(tenants);
  });

  it('metric LogQL and Explore instant queries, macros expanded by the target', async () => {
    const { wrapper } = wrapperFor(teams);
    const res = await lastValueFrom(
      wrapper.query(
        panelRequest([
          { expr: 'sum by (tenant, app) (count_over_time({env=~".+"} [$__auto]))', queryType: 'range' },
          {
            expr: 'count_over_time({app="api"} |= "error" [$__range]) / on() group_left() vector(1)',
            queryType: 'instant',
          },
        ])
      )
    );
    expect(res.errors ?? []).toEqual([]);
    expect(frameTenants(res.data)).toEqual(tenants);
    expect(res.data.filter((f: DataFrame) => f.refId === 'A')).toHaveLength(streamsOf(tenants).length);
    expect(loki.requests.map((r) => r.path)).toEqual(['/loki/api/v1/query_range', '/loki/api/v1/query']);
    expect(loki.requests[0].query.get('query')).toContain('[15s]'); // $__auto = the request's 15 s interval
    expectPinned(tenants);
  });

  it('annotations (legacy top-level expr) run enforced through query()', async () => {
    const { wrapper } = wrapperFor(teams);
    const anno = wrapper.annotations!.prepareAnnotation!({ expr: '{app="api"} |= "error"' } as never);
    expect(anno.target).toMatchObject({ queryType: 'range' });
    const res = await lastValueFrom(wrapper.query(panelRequest([anno.target as WrapperQuery])));
    expect(frameTenants(res.data)).toEqual(tenants);
    expectPinned(tenants);
  });

  it('variable queries: label names, label values, with a stream selector, text forms', async () => {
    const { wrapper } = wrapperFor(teams, { env: { value: 'prod' } });
    const find = (q: unknown) => wrapper.metricFindQuery(q, { range: RANGE });
    expect(texts(await find({ refId: 'V', type: 1, label: 'tenant' }))).toEqual(tenants);
    expect(texts(await find({ refId: 'V', type: 1, label: 'app' }))).toEqual(
      uniq(streamsOf(tenants).map((s) => s.labels.app))
    );
    const prodApps = uniq(streamsOf(tenants, (l) => l.env === 'prod').map((s) => s.labels.app));
    expect(texts(await find({ refId: 'V', type: 1, label: 'app', stream: '{env="$env"}' }))).toEqual(prodApps);
    expect(texts(await find('label_values({env="prod"}, app)'))).toEqual(prodApps);
    expect(texts(await find('label_values(pod)'))).toEqual(uniq(streamsOf(tenants).map((s) => s.labels.pod)));
    expect(texts(await find({ refId: 'V', type: 0 }))).toEqual(['app', 'env', 'pod', 'tenant']);
    expect(texts(await find('label_names()'))).toEqual(['app', 'env', 'pod', 'tenant']);
    expect(loki.requests.map((r) => r.path)).toEqual([
      ...Array(5)
        .fill('/loki/api/v1/label/')
        .map((p, i) => `${p}${['tenant', 'app', 'app', 'app', 'pod'][i]}/values`),
      '/loki/api/v1/labels',
      '/loki/api/v1/labels',
    ]);
    expectPinned(tenants);
  });

  it('ad-hoc filters: keys and values pinned; applied as stream matchers, or label filters after a parser', async () => {
    const { wrapper } = wrapperFor(teams);
    expect(texts(await wrapper.getTagKeys({ filters: [], timeRange: RANGE }))).toEqual(['app', 'env', 'pod', 'tenant']);
    expect(texts(await wrapper.getTagValues({ key: 'tenant', filters: [], timeRange: RANGE }))).toEqual(tenants);
    const prod: AdHocVariableFilter[] = [{ key: 'env', operator: '=', value: 'prod' }];
    expect(texts(await wrapper.getTagValues({ key: 'pod', filters: prod, timeRange: RANGE }))).toEqual(
      uniq(streamsOf(tenants, (l) => l.env === 'prod').map((s) => s.labels.pod))
    );
    loki.requests.length = 0;
    const res = await lastValueFrom(
      wrapper.query(panelRequest([{ expr: '{app=~".+"}' }, { expr: '{app=~".+"} | logfmt' }], { filters: prod }))
    );
    const sent = loki.requests.map((r) => r.query.get('query'));
    const pinned = tenants.length === 1 ? 'tenant="a"' : 'tenant=~"a|b"';
    expect(sent).toEqual([`{env="prod", app=~".+",${pinned}}`, `{app=~".+",${pinned}} | logfmt | env="prod"`]);
    expect(frameTenants(res.data.filter((f: DataFrame) => f.refId === 'A'))).toEqual(
      uniq(streamsOf(tenants, (l) => l.env === 'prod').map((s) => s.labels.tenant))
    );
    expectPinned(tenants);
  });

  it('label browser calls: label names, values and series pinned, answers from the tenant only', async () => {
    const { wrapper } = wrapperFor(teams);
    const api = wrapper.lokiMetadata;
    expect((await api.labelNames({ range: RANGE })).sort()).toEqual(['app', 'env', 'pod', 'tenant']);
    expect((await api.labelValues('pod', { stream: '{app="api"}', range: RANGE })).sort()).toEqual(
      uniq(streamsOf(tenants, (l) => l.app === 'api').map((s) => s.labels.pod))
    );
    const series = await api.series({ stream: '{env="prod"}', range: RANGE });
    expect(uniq(series.map((s) => s.tenant))).toEqual(
      uniq(streamsOf(tenants, (l) => l.env === 'prod').map((s) => s.labels.tenant))
    );
    expect(loki.requests.map((r) => r.path)).toEqual([
      '/loki/api/v1/labels',
      '/loki/api/v1/label/pod/values',
      '/loki/api/v1/series',
    ]);
    expect(loki.requests[0].query.get('start')).toBe(`${RANGE.from.valueOf()}000000`);
    expectPinned(tenants);
  });

  it('log context: built from the row’s indexed labels, pinned before it leaves, both directions', async () => {
    const { wrapper } = wrapperFor(teams);
    const row = logRow(
      { tenant: 'a', app: 'api', pod: 'p1', level: 'info' },
      { tenant: 'I', app: 'I', pod: 'I', level: 'P' }
    );
    const query = await wrapper.getLogRowContextQuery(row, {
      limit: 5,
      direction: LogRowContextQueryDirection.Backward,
    });
    const pinned = tenants.length === 1 ? 'tenant="a"' : 'tenant=~"a|b"';
    expect(query).toMatchObject({ expr: `{app="api", pod="p1",${pinned}}`, maxLines: 5, direction: 'backward' });
    const back = await wrapper.getLogRowContext(row, { limit: 5, direction: LogRowContextQueryDirection.Backward });
    const fwd = await wrapper.getLogRowContext(row, { limit: 2, direction: LogRowContextQueryDirection.Forward });
    expect(frameTenants(back.data)).toEqual(['a']);
    expect(lines(fwd.data)).toHaveLength(2);
    expect(loki.requests.map((r) => [r.query.get('direction'), r.query.get('limit')])).toEqual([
      ['backward', '5'],
      ['forward', '2'],
    ]);
    expectPinned(tenants);
  });
});

describe('attacks: every one answered from the user’s tenant only, every request pinned', () => {
  const attackExprs = [
    ['a tenant!= matcher', '{app="api", tenant!="a"}'],
    ['a match-all tenant regex', '{app="api", tenant=~".*"}'],
    ['another tenant named outright', 'count_over_time({tenant="b"}[5m]) or count_over_time({tenant="c"}[5m])'],
    ['a label filter after a parser', '{app="api"} | logfmt | tenant="b"'],
    ['a metric query over every tenant', 'sum by (tenant) (count_over_time({tenant=~".+"}[5m]))'],
  ];

  it.each(attackExprs)('%s', async (_n, expr) => {
    const { wrapper } = wrapperFor(['team-a']);
    const res = await lastValueFrom(wrapper.query(panelRequest([{ expr }])));
    expect(res.errors ?? []).toEqual([]);
    expect(frameTenants(res.data).filter((t) => t !== 'a')).toEqual([]);
    expectPinned(['a']);
  });

  it('a variable whose value injects a stream selector (backticks survive string escaping)', async () => {
    const { wrapper } = wrapperFor(['team-a'], { sel: { value: '{tenant=~`.+`}' } });
    const res = await lastValueFrom(wrapper.query(panelRequest([{ expr: 'sum(count_over_time($sel [5m]))' }])));
    expect(res.errors ?? []).toEqual([]);
    expect(loki.requests[0].query.get('query')).toBe('sum(count_over_time({tenant="a"} [5m]))');
    expectPinned(['a']);
  });

  it('a variable whose value tries to close the string and open a selector stays one string value', async () => {
    const { wrapper } = wrapperFor(['team-a'], { app: { value: 'x"}, {tenant="b' } });
    const res = await lastValueFrom(wrapper.query(panelRequest([{ expr: '{app="$app"}' }])));
    expect(res.errors ?? []).toEqual([]);
    expect(loki.requests[0].query.get('query')).toBe('{app="x\\"}, {tenant=\\"b",tenant="a"}');
    expect(res.data).toEqual([]);
    expectPinned(['a']);
  });

  it('a bare match-all tenant selector is refused as Loki refuses it (no non-empty matcher left), nothing sent', async () => {
    const { wrapper } = wrapperFor(['team-a']);
    const res = await lastValueFrom(wrapper.query(panelRequest([{ expr: '{tenant=~".*"}' }])));
    expect(res.errors?.[0].message).toContain('at least one regexp or equality matcher');
    expect(loki.requests).toEqual([]);
  });

  it('a variable query stream selector naming another tenant keeps the user’s tenant (selects nothing of b)', async () => {
    const { wrapper } = wrapperFor(['team-a']);
    const found = await wrapper.metricFindQuery({ refId: 'V', type: 1, label: 'pod', stream: '{tenant="b"}' });
    expect(texts(found)).toEqual([]);
    expectPinned(['a']);
  });

  it('a log-context row whose labels claim tenant b gets tenant a’s context', async () => {
    const { wrapper } = wrapperFor(['team-a']);
    const row = logRow({ tenant: 'b', app: 'api' });
    const res = await wrapper.getLogRowContext(row, { limit: 10 });
    expect(frameTenants(res.data)).toEqual(['a']);
    expect(loki.requests[0].query.get('query')).toBe('{app="api",tenant="a"}');
    expectPinned(['a']);
  });

  it('an ad-hoc filter on the tenant label cannot widen or switch the tenant', async () => {
    const { wrapper } = wrapperFor(['team-a']);
    const filters: AdHocVariableFilter[] = [{ key: 'tenant', operator: '=~', value: '.*' }];
    const res = await lastValueFrom(wrapper.query(panelRequest([{ expr: '{app="api"}' }], { filters })));
    expect(frameTenants(res.data)).toEqual(['a']);
    expectPinned(['a']);
  });
});

describe('fail closed: an error and no request', () => {
  it.each([
    ['unparsable LogQL', { expr: '{app="api"' }, 'rejected'],
    [
      'a construct the grammar lacks',
      { expr: 'variants(count_over_time({app="x"}[1m])) of ({app="x"}[1m])' },
      'not supported',
    ],
    ['an ad-hoc filter on unparsable text', { expr: '{app="api"} |=' }, 'not valid LogQL'],
  ])('%s', async (_n, q, word) => {
    const { wrapper } = wrapperFor(['team-a']);
    const filters = _n.includes('ad-hoc') ? [{ key: 'env', operator: '=', value: 'prod' }] : undefined;
    const res = await lastValueFrom(wrapper.query(panelRequest([q], { filters })));
    expect(res.data).toEqual([]);
    expect(res.errors?.[0].message).toContain(word);
    expect(loki.requests).toEqual([]);
  });

  it('a variable left unresolved after interpolation', async () => {
    const { wrapper } = wrapperFor(['team-a'], { a: { value: '$b' }, b: { value: 'x' } });
    const res = await lastValueFrom(wrapper.query(panelRequest([{ expr: '{app="$a"}' }])));
    expect(res.errors?.[0].message).toContain('still refers to a template variable');
    await expect(
      wrapper.metricFindQuery({ refId: 'V', type: 1, label: 'pod', stream: '{app="$a"}' })
    ).rejects.toMatchObject({ kind: 'rejected' });
    expect(loki.requests).toEqual([]);
  });

  it('a user in no mapped team: every path errors, nothing reaches Loki', async () => {
    const { wrapper, backend } = wrapperFor(['ops']);
    const res = await lastValueFrom(wrapper.query(panelRequest([{ expr: '{app="api"}' }])));
    expect(res.errors?.[0].message).toContain('not in any team mapped');
    await expect(wrapper.metricFindQuery({ refId: 'V', type: 0 })).rejects.toMatchObject({ kind: 'no-tenant' });
    await expect(wrapper.getTagKeys({ filters: [] })).rejects.toMatchObject({ kind: 'no-tenant' });
    await expect(wrapper.getTagValues({ key: 'app', filters: [] })).rejects.toMatchObject({ kind: 'no-tenant' });
    await expect(wrapper.lokiMetadata.series({ stream: '{app="api"}' })).rejects.toMatchObject({ kind: 'no-tenant' });
    await expect(wrapper.getLogRowContext(logRow({ app: 'api' }))).rejects.toThrow('not in any team mapped');
    expect(loki.requests).toEqual([]);
    expect(backend.requests.filter((r) => r.path.startsWith(RESOURCE_PREFIX('loki')))).toEqual([]);
    expect(backend.requests.every((r) => r.path === USER_TEAMS_PATH)).toBe(true);
  });

  it('a target of another type is refused with the fix; nothing is sent to it', async () => {
    const other = new RecordingTarget('es', 'Elastic');
    (other as { type: string }).type = 'elasticsearch';
    const h = wrapperHarness({ teams: ['team-a'], targets: [other], jsonData: { ...DEFAULT_JSON, targetUid: 'es' } });
    // The fake registry reports the instance's type, as Grafana's instance settings do.
    h.dataSources.getInstanceSettings = () => ({ uid: 'es', type: 'elasticsearch', name: 'Elastic' }) as never;
    const res = await lastValueFrom(h.wrapper.query(panelRequest([{ expr: '{app="api"}' }])));
    expect(res.errors?.[0].message).toContain('is of type "elasticsearch", not "prometheus" or "loki"');
    expect(res.errors?.[0].message).toContain('pick an existing Prometheus or Loki data source');
    await expect(h.wrapper.metricFindQuery('label_names()')).rejects.toMatchObject({ kind: 'config' });
    expect(other.queries).toEqual([]);
  });
});
