import { lastValueFrom } from 'rxjs';

import { tenantProblems } from '../../tests/wrapper/support/tenantAssertions';
import { RecordingTarget } from '../../tests/wrapper/support/recordingTarget';
import {
  DEFAULT_JSON,
  matchParams,
  panelRequest,
  RANGE,
  wrapperHarness,
  type HarnessOptions,
} from '../../tests/wrapper/support/wrapperHarness';
import type { RecordedRequest } from '../../tests/wrapper/support/recordingBackendSrv';
import { TenantPrometheusClient } from './promqlClient';
import { USER_TEAMS_PATH } from './tenantResolver';

const LABELS = ['__name__', 'instance', 'job', 'tenant'];
const METADATA = {
  up: [{ type: 'gauge', help: 'up', unit: '' }],
  other_tenant_only: [{ type: 'counter', help: 'secret', unit: '' }],
};

/** Prometheus-shaped answers for the target's resource routes. */
function promResource(path: string): unknown {
  if (path === 'api/v1/labels') {
    return { status: 'success', data: LABELS };
  }
  if (path === 'api/v1/label/__name__/values') {
    return { status: 'success', data: ['up'] };
  }
  if (path.startsWith('api/v1/label/')) {
    return { status: 'success', data: ['v1', 'v2'] };
  }
  if (path === 'api/v1/series') {
    return { status: 'success', data: [{ __name__: 'up', job: 'node', tenant: 'a' }] };
  }
  if (path === 'api/v1/metadata') {
    return { status: 'success', data: METADATA };
  }
  return { status: 'error', error: `unexpected ${path}` };
}

function setup(over: Partial<HarnessOptions> = {}) {
  const target = new RecordingTarget('prom');
  const h = wrapperHarness({ teams: ['team-a'], targets: [target], resource: promResource, ...over });
  return { ...h, target };
}

/** Every request to the target's resource route carries match[] values limited to `values`. */
function expectResourceCallsEnforced(requests: RecordedRequest[], values: string[]) {
  const resource = requests.filter((r) => r.path !== USER_TEAMS_PATH);
  expect(resource.length).toBeGreaterThan(0);
  for (const r of resource) {
    const matches = matchParams(r);
    expect({ path: r.path, matches: matches.length }).toEqual({ path: r.path, matches: 1 });
    expect({ path: r.path, problems: tenantProblems(matches[0], 'tenant', values) }).toEqual({
      path: r.path,
      problems: [],
    });
  }
}

describe('query(): panel, Explore and annotation queries', () => {
  it('forwards every query with the tenant matcher, variables interpolated, macros kept', async () => {
    const { wrapper, target, backend } = setup({
      variables: { job: { value: 'node' }, inst: { value: ['i1', 'i2'], multi: true } },
    });
    const req = panelRequest([
      { expr: 'sum by (job) (rate(http_requests_total{job="$job"}[$__rate_interval]))', legendFormat: '{{job}}' },
      { expr: 'up{instance=~"$inst"} / on() group_left vector(1)' },
      { expr: 'up', hide: true },
      { expr: '   ' },
      { expr: 'increase(x[$__range]) or rate(y[$__interval])', instant: true, range: false },
    ]);
    const res = await lastValueFrom(wrapper.query(req));
    expect(res.errors ?? []).toEqual([]);
    expect(target.exprs).toEqual([
      'sum by (job) (rate(http_requests_total{job="node",tenant="a"}[$__rate_interval]))',
      'up{instance=~"(i1|i2)",tenant="a"} / on() group_left vector(1)',
      'increase(x{tenant="a"}[$__range]) or rate(y{tenant="a"}[$__interval])',
    ]);
    for (const expr of target.exprs) {
      expect(tenantProblems(expr, 'tenant', ['a'])).toEqual([]);
    }
    const sent = target.queries[0];
    expect(sent.targets.map((t) => t.datasource)).toEqual(Array(3).fill({ type: 'prometheus', uid: 'prom' }));
    expect(sent.targets[0].legendFormat).toBe('{{job}}');
    expect(sent.targets[2]).toMatchObject({ instant: true, range: false });
    expect(sent.scopedVars).toBe(req.scopedVars);
    expect(backend.requests.map((r) => r.path)).toEqual([USER_TEAMS_PATH]);
  });

  it('applies ad-hoc filters as matchers and does not forward them', async () => {
    const { wrapper, target } = setup();
    await lastValueFrom(
      wrapper.query(
        panelRequest([{ expr: 'rate(a[5m]) + b' }], {
          filters: [
            { key: 'job', operator: '=', value: 'node' },
            { key: 'mode', operator: '!~', value: 'idle' },
          ],
        })
      )
    );
    expect(target.exprs).toEqual([
      'rate(a{job="node", mode!~"idle",tenant="a"}[5m]) + b{job="node", mode!~"idle",tenant="a"}',
    ]);
    expect(target.queries[0].filters).toBeUndefined();
  });

  it('an ad-hoc filter cannot pick another tenant', async () => {
    const { wrapper, target } = setup();
    await lastValueFrom(
      wrapper.query(panelRequest([{ expr: 'up' }], { filters: [{ key: 'tenant', operator: '=', value: 'b' }] }))
    );
    expect(target.exprs.map((e) => tenantProblems(e, 'tenant', ['a']))).toEqual([[]]);
  });

  it('several mapped teams → a regex over their values', async () => {
    const { wrapper, target } = setup({ teams: ['team-a', 'team-b', 'unmapped'] });
    await lastValueFrom(wrapper.query(panelRequest([{ expr: 'up' }])));
    expect(target.exprs).toEqual(['up{tenant=~"a|b"}']);
  });

  it.each([
    ['no team at all', [] as string[]],
    ['only unmapped teams', ['ops']],
  ])('%s → error in the panel and NO request leaves', async (_n, teams) => {
    const { wrapper, target, backend } = setup({ teams });
    const res = await lastValueFrom(wrapper.query(panelRequest([{ expr: 'up' }])));
    expect(res.state).toBe('Error');
    expect(res.errors?.[0].message).toContain('Ask an admin to add you to a team mapped in data source "Tenant data"');
    expect(target.queries).toEqual([]);
    expect(backend.requests.map((r) => r.path)).toEqual([USER_TEAMS_PATH]);
  });

  it('team lookup failure → error, never all tenants', async () => {
    const { wrapper, target } = setup({ teamLookupFails: true });
    const res = await lastValueFrom(wrapper.query(panelRequest([{ expr: 'up' }])));
    expect(res.errors?.[0].message).toContain('Could not look up your teams: GET /api/user/teams answered 500');
    expect(target.queries).toEqual([]);
  });

  it.each([
    [
      'missing target uid',
      { ...DEFAULT_JSON, targetUid: 'gone' },
      'The target data source (uid "gone") of "Tenant data" was not found',
    ],
    [
      'no target configured',
      { ...DEFAULT_JSON, targetUid: '' },
      'has no target Prometheus or Loki data source configured',
    ],
  ])('%s → plain error with the fix', async (_n, jsonData, msg) => {
    const { wrapper, target } = setup({ jsonData });
    const res = await lastValueFrom(wrapper.query(panelRequest([{ expr: 'up' }])));
    expect(res.errors?.[0].message).toContain(msg);
    expect(res.errors?.[0].message).toContain('ask an admin to pick an existing Prometheus or Loki data source');
    expect(target.queries).toEqual([]);
  });

  it('a rejected query reports its position; the valid one still runs', async () => {
    const { wrapper, target } = setup();
    const res = await lastValueFrom(wrapper.query(panelRequest([{ expr: 'sum(rate(up[5m])' }, { expr: 'up' }])));
    expect(target.exprs).toEqual(['up{tenant="a"}']);
    expect(res.errors).toHaveLength(1);
    expect(res.errors?.[0]).toMatchObject({ refId: 'A' });
    expect(res.errors?.[0].message).toMatch(/^A: Query rejected: invalid PromQL at 1:\d+/);
  });

  it.each([
    [false, 'up{tenant="a"}'],
    [true, undefined],
  ])('errorOnReplace=%s with a query naming another tenant', async (errorOnReplace, forwarded) => {
    const { wrapper, target } = setup({ jsonData: { ...DEFAULT_JSON, errorOnReplace } });
    const res = await lastValueFrom(wrapper.query(panelRequest([{ expr: 'up{tenant="b"}' }])));
    expect(target.exprs).toEqual(forwarded ? [forwarded] : []);
    if (!forwarded) {
      expect(res.errors?.[0].message).toContain('remove the "tenant" matcher');
    }
  });

  it('legacy annotation (expr at top level) is enforced through query()', async () => {
    const { wrapper, target } = setup();
    const anno = wrapper.annotations!.prepareAnnotation!({
      name: 'deploys',
      enable: true,
      iconColor: 'red',
      expr: 'changes(build_info[5m]) > 0',
    } as never);
    const res = await lastValueFrom(wrapper.query(panelRequest([anno.target!])));
    expect(res.errors ?? []).toEqual([]);
    expect(target.exprs).toEqual(['changes(build_info{tenant="a"}[5m]) > 0']);
  });

  it('a 30-panel dashboard costs ONE team lookup and ONE target lookup (prefetch + single flight)', async () => {
    const { wrapper, backend, target, dataSources } = setup();
    // Started by the constructor, before any query.
    expect(backend.to(USER_TEAMS_PATH)).toHaveLength(1);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => lastValueFrom(wrapper.query(panelRequest([{ expr: `up{panel="${i}"}` }]))))
    );
    await lastValueFrom(wrapper.query(panelRequest([{ expr: 'up' }])));
    expect(backend.to(USER_TEAMS_PATH)).toHaveLength(1);
    expect(dataSources.lookups).toEqual(['prom']);
    expect(target.queries).toHaveLength(31);
    expect(target.exprs.every((e) => tenantProblems(e, 'tenant', ['a']).length === 0)).toBe(true);
  });

  it('a failed prefetch is retried at query time, not kept as "no tenant"', async () => {
    let calls = 0;
    const { wrapper, backend, target } = setup({
      teams: () => {
        if (calls++ === 0) {
          throw new Error('connection reset');
        }
        return ['team-a'];
      },
    });
    const res = await lastValueFrom(wrapper.query(panelRequest([{ expr: 'up' }])));
    expect(res.errors ?? []).toEqual([]);
    expect(target.exprs).toEqual(['up{tenant="a"}']);
    expect(backend.to(USER_TEAMS_PATH)).toHaveLength(2);
  });

  it('prefetch and retry both failing → error in every panel, nothing leaves', async () => {
    const { wrapper, backend, target } = setup({ teamLookupFails: true });
    const all = await Promise.all(
      Array.from({ length: 5 }, () => lastValueFrom(wrapper.query(panelRequest([{ expr: 'up' }]))))
    );
    for (const res of all) {
      expect(res.state).toBe('Error');
      expect(res.errors?.[0].message).toContain('Queries stay blocked until your teams are known');
    }
    expect(target.queries).toEqual([]);
    // The prefetch plus ONE shared retry, not one per panel.
    expect(backend.to(USER_TEAMS_PATH)).toHaveLength(2);
  });

  it('a target that appears after a failed lookup is found at query time (failure not kept)', async () => {
    const late = new RecordingTarget('late');
    const { wrapper, target, dataSources } = setup({ jsonData: { ...DEFAULT_JSON, targetUid: 'late' } });
    await new Promise((r) => setTimeout(r, 0)); // the constructor's lookup has failed by now
    const first = await lastValueFrom(wrapper.query(panelRequest([{ expr: 'up' }])));
    expect(first.errors?.[0].message).toContain('The target data source (uid "late") of "Tenant data" was not found');
    dataSources.add(late);
    const second = await lastValueFrom(wrapper.query(panelRequest([{ expr: 'up' }])));
    expect(second.errors ?? []).toEqual([]);
    expect(late.exprs).toEqual(['up{tenant="a"}']);
    expect(target.queries).toEqual([]);
  });
});

describe('metricFindQuery(): variable queries enforced, then delegated to the target', () => {
  it.each([
    ['label_values(up{job="$job"}, instance)', 'label_values(up{job="node",tenant="a"}, instance)'],
    ['label_values(instance)', 'label_values({tenant="a"}, instance)'],
    ['label_names()', 'label_names({tenant="a"})'],
    ['metrics(node_.*)', 'label_values({__name__=~".*(?:node_.*).*",tenant="a"}, __name__)'],
    [
      'query_result(topk(5, sum by (job) (up{job="$job"})))',
      'query_result(topk(5, sum by (job) (up{job="node",tenant="a"})))',
    ],
    ['sum by (job) (up)', 'sum by (job) (up{tenant="a"})'],
  ])('%s', async (query, sent) => {
    const { wrapper, target } = setup({ variables: { job: { value: 'node' } } });
    const out = await wrapper.metricFindQuery(query, { range: RANGE });
    expect(out).toEqual([{ text: 'recorded' }]);
    expect(target.variableQueries.map((v) => v.query)).toEqual([sent]);
    expect(target.variableQueries[0].options?.range).toBe(RANGE);
  });

  it('object-shaped variable queries ({ query }) are handled the same way', async () => {
    const { wrapper, target } = setup();
    await wrapper.metricFindQuery({ refId: 'X', query: 'label_values(job)' });
    expect(target.variableQueries.map((v) => v.query)).toEqual(['label_values({tenant="a"}, job)']);
  });

  it('a variable query the engine cannot parse is refused before it leaves', async () => {
    const { wrapper, target } = setup();
    await expect(wrapper.metricFindQuery('label_values(up{, job)')).rejects.toMatchObject({ kind: 'rejected' });
    expect(target.variableQueries).toEqual([]);
  });

  it('no team → error and no request leaves', async () => {
    const { wrapper, target, backend } = setup({ teams: [] });
    await expect(wrapper.metricFindQuery('label_values(job)')).rejects.toMatchObject({ kind: 'no-tenant' });
    expect(target.variableQueries).toEqual([]);
    expect(backend.requests.map((r) => r.path)).toEqual([USER_TEAMS_PATH]);
  });
});

describe('ad-hoc filter keys and values', () => {
  it('getTagKeys and getTagValues call the target API with match[] carrying the tenant', async () => {
    const { wrapper, backend } = setup();
    const keys = await wrapper.getTagKeys({
      filters: [{ key: 'job', operator: '=', value: 'node' }],
      timeRange: RANGE,
    });
    expect(keys.map((k) => k.text)).toEqual(['instance', 'job', 'tenant']);
    const values = await wrapper.getTagValues({
      key: 'instance',
      filters: [
        { key: 'instance', operator: '=', value: 'x' },
        { key: 'job', operator: '=', value: 'node' },
      ],
    });
    expect(values.map((v) => v.text)).toEqual(['v1', 'v2']);
    const calls = backend.requests.filter((r) => r.path !== USER_TEAMS_PATH);
    expect(calls.map((r) => [r.path, matchParams(r)])).toEqual([
      ['/api/datasources/proxy/uid/prom/api/v1/labels', ['{job="node",tenant="a"}']],
      ['/api/datasources/proxy/uid/prom/api/v1/label/instance/values', ['{job="node",tenant="a"}']],
    ]);
    expect(calls[0].query.get('start')).toBe('1704067200');
    expectResourceCallsEnforced(backend.requests, ['a']);
  });

  it('no team → error, nothing sent to the target', async () => {
    const { wrapper, backend } = setup({ teams: ['nobody'] });
    await expect(wrapper.getTagKeys({ filters: [] })).rejects.toMatchObject({ kind: 'no-tenant' });
    await expect(wrapper.getTagValues({ key: 'job', filters: [] })).rejects.toMatchObject({ kind: 'no-tenant' });
    expect(backend.requests.every((r) => r.path === USER_TEAMS_PATH)).toBe(true);
  });
});

describe('query-editor suggestions (codemirror-promql PrometheusClient)', () => {
  it('labels, values, series, metric names and metadata all carry the tenant', async () => {
    const { wrapper, backend } = setup({ teams: ['team-a', 'team-b'] });
    const client = new TenantPrometheusClient(wrapper.metadata, RANGE);
    await client.labelNames();
    await client.labelNames('up');
    await client.labelValues('job', 'up', [{ type: 176, name: 'instance', value: 'x' } as never]);
    await client.series('up');
    expect(await client.metricNames()).toEqual(['up']);
    // Metadata of metrics the tenant has no series of is dropped.
    expect(Object.keys(await client.metricMetadata())).toEqual(['up']);
    expect(await client.flags()).toEqual({});
    expectResourceCallsEnforced(backend.requests, ['a', 'b']);
    expect(backend.requests.map((r) => r.path.replace('/api/datasources/proxy/uid/prom/', ''))).toEqual([
      USER_TEAMS_PATH,
      'api/v1/labels',
      'api/v1/labels',
      'api/v1/label/job/values',
      'api/v1/series',
      'api/v1/label/__name__/values',
      'api/v1/label/__name__/values',
      'api/v1/metadata',
    ]);
    expect(matchParams(backend.requests[3])).toEqual(['{__name__="up", instance="x",tenant=~"a|b"}']);
  });

  it('no team → no suggestions and no request to the target', async () => {
    const { wrapper, backend } = setup({ teams: [] });
    const client = new TenantPrometheusClient(wrapper.metadata);
    expect(await client.metricNames()).toEqual([]);
    expect(await client.labelNames()).toEqual([]);
    expect(backend.requests.every((r) => r.path === USER_TEAMS_PATH)).toBe(true);
  });
});

describe('testDatasource()', () => {
  it('success names the target and the tenant', async () => {
    const { wrapper } = setup({ teams: ['team-a', 'team-b'] });
    const res = await wrapper.testDatasource();
    expect(res.status).toBe('success');
    expect(res.message).toContain(
      'Target "Central Prometheus" found. Your queries are limited to tenant in "a", "b" (teams: team-a, team-b)'
    );
  });

  it.each([
    ['user in no team', { teams: [] }, 'not in any team mapped'],
    ['target missing', { jsonData: { ...DEFAULT_JSON, targetUid: 'nope' } }, 'was not found'],
  ])('%s → error', async (_n, over, msg) => {
    const { wrapper } = setup(over);
    const res = await wrapper.testDatasource();
    expect(res.status).toBe('error');
    expect(res.message).toContain(msg);
  });
});
