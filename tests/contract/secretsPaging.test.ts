/** @jest-environment node */
/** CONTRACT §12: secrets (write-only, merged), proxy headers, pagination per endpoint. */
import { FakeGrafana, FakeResponse } from '../fakes/grafana-api';
import { call, mustConform, world } from './helpers';

const ok = mustConform;

describe('secrets', () => {
  it('data sources: secureJsonData never returned; PUT merges secrets and replaces jsonData', async () => {
    const { fake, orgId } = await world();
    const created = await ok(fake, 'POST', '/api/datasources', {
      org: orgId,
      body: {
        name: 'p',
        uid: 'p',
        type: 'prometheus',
        url: 'http://x',
        jsonData: { httpHeaderName1: 'A', keep: 1 },
        secureJsonData: { httpHeaderValue1: 'va', other: 's', empty: '' },
      },
    });
    expect(created.datasource.secureJsonFields).toEqual({ httpHeaderValue1: true, other: true });
    await ok(fake, 'PUT', '/api/datasources/uid/p', {
      org: orgId,
      body: {
        name: 'p',
        type: 'prometheus',
        url: 'http://x',
        jsonData: { httpHeaderName1: 'A', httpHeaderName2: 'B' },
        secureJsonData: { httpHeaderValue2: 'vb' },
      },
    });
    const got = await ok(fake, 'GET', '/api/datasources/uid/p', { org: orgId });
    expect(got.jsonData).toEqual({ httpHeaderName1: 'A', httpHeaderName2: 'B' });
    expect(got.secureJsonFields).toEqual({ httpHeaderValue1: true, httpHeaderValue2: true, other: true });
    const everything: FakeResponse[] = await Promise.all(
      ['/api/datasources', '/api/datasources/uid/p', '/api/datasources/name/p'].map((u) =>
        call(fake, 'GET', u, { org: orgId })
      )
    );
    expect(JSON.stringify(everything)).not.toMatch(/secureJsonData|"va"|"vb"/);
  });

  it('plugin settings: secrets merged, jsonData and flags replaced, never returned', async () => {
    const { fake, orgId } = await world();
    const url = '/api/plugins/mtlabs-tenancy-app/settings';
    await ok(fake, 'POST', url, {
      org: orgId,
      body: { enabled: true, pinned: true, jsonData: { a: 1 }, secureJsonData: { k1: 'one' } },
    });
    await ok(fake, 'POST', url, { org: orgId, body: { enabled: true, secureJsonData: { k2: 'two' } } });
    const got = await ok(fake, 'GET', url, { org: orgId });
    expect(got).toMatchObject({ enabled: true, pinned: false, secureJsonFields: { k1: true, k2: true } });
    expect(got.jsonData).toBeUndefined();
    expect(JSON.stringify(got)).not.toMatch(/one|two|secureJsonData/);
  });

  it('proxy: upstream headers from httpHeaderNameN/ValueN up to the first gap; X-DS-Authorization → Authorization', async () => {
    const seen: Array<{ url: string; headers: Record<string, string> }> = [];
    const fake = new FakeGrafana({
      upstream: async (r) => (seen.push(r), { status: 200, body: '{"status":"success"}' }),
    });
    await ok(fake, 'POST', '/api/datasources', {
      body: {
        name: 'p',
        uid: 'p',
        type: 'prometheus',
        url: 'http://prom:9090/base',
        jsonData: { httpHeaderName1: 'X-A', httpHeaderName2: 'X-B', httpHeaderName4: 'X-D' },
        secureJsonData: { httpHeaderValue1: 'a', httpHeaderValue4: 'd' },
      },
    });
    const res = await call(fake, 'GET', '/api/datasources/proxy/uid/p/api/v1/query?query=up', {
      headers: { 'X-DS-Authorization': 'Bearer t' },
    });
    expect(res.status).toBe(200);
    expect(seen[0]).toMatchObject({
      url: 'http://prom:9090/base/api/v1/query?query=up',
      headers: { 'X-A': 'a', Authorization: 'Bearer t' },
    });
    expect(Object.keys(seen[0].headers).sort()).toEqual(['Authorization', 'X-A']);
  });

  it('proxy: Prometheus POST to a non-route → 403; upstream 401 → 400', async () => {
    const fake = new FakeGrafana({ upstream: async () => ({ status: 401, body: 'no' }) });
    await ok(fake, 'POST', '/api/datasources', {
      body: { name: 'p', uid: 'p', type: 'prometheus', url: 'http://prom:9090' },
    });
    const post = await call(fake, 'POST', '/api/datasources/proxy/uid/p/api/v1/query', { body: 'query=up' });
    expect([post.status, post.body]).toEqual([
      403,
      { message: 'non allow-listed POSTs not allowed on proxied Prometheus datasource' },
    ]);
    const get = await call(fake, 'GET', '/api/datasources/proxy/uid/p/api/v1/query');
    expect([get.status, get.body]).toEqual([400, { message: 'Authentication to data source failed' }]);
  });
});

describe('pagination', () => {
  it('/api/teams/search: 1-based page, default 1000, totals, case-insensitive substring query', async () => {
    const { fake, orgId } = await world();
    for (const name of ['my team', 'SecondTeam', 'other', 'team4']) {
      await ok(fake, 'POST', '/api/teams', { org: orgId, body: { name } });
    }
    const page = async (q: string) => ok(fake, 'GET', `/api/teams/search?${q}`, { org: orgId });
    expect(await page('query=TEAM&perpage=2&page=1')).toMatchObject({
      totalCount: 3,
      page: 1,
      perPage: 2,
      teams: [{ name: 'my team' }, { name: 'SecondTeam' }],
    });
    expect((await page('query=team&perpage=2&page=2')).teams.map((t: { name: string }) => t.name)).toEqual(['team4']);
    expect(await page('page=0&perpage=0')).toMatchObject({ page: 1, perPage: 1000, totalCount: 4 });
    expect((await page('name=other')).teams.map((t: { name: string }) => t.name)).toEqual(['other']);
  });

  it('/api/orgs: 0-based page, prefix query, plain array', async () => {
    const fake = new FakeGrafana();
    for (const name of ['t-1', 't-2', 't-3', 'x-t']) {
      await ok(fake, 'POST', '/api/orgs', { body: { name } });
    }
    const names = async (q: string) =>
      ((await ok(fake, 'GET', `/api/orgs?${q}`)) as Array<{ name: string }>).map((o) => o.name);
    expect(await names('query=t-&perpage=2&page=0')).toEqual(['t-1', 't-2']);
    expect(await names('query=t-&perpage=2')).toEqual(['t-1', 't-2']);
    expect(await names('query=t-&perpage=2&page=1')).toEqual(['t-3']);
    expect(await names('name=x-t')).toEqual(['x-t']);
  });

  it('/api/search: 1-based page with limit, no total', async () => {
    const { fake, orgId } = await world();
    for (const title of ['a', 'b', 'c']) {
      await ok(fake, 'POST', '/api/dashboards/db', { org: orgId, body: { dashboard: { title } } });
    }
    const titles = async (q: string) =>
      ((await ok(fake, 'GET', `/api/search?${q}`, { org: orgId })) as Array<{ title: string }>).map((h) => h.title);
    expect(await titles('limit=2&page=1')).toEqual(['a', 'b']);
    expect(await titles('limit=2&page=2')).toEqual(['c']);
    expect(await titles('limit=2&page=0')).toEqual(['a', 'b']);
    expect(await titles('limit=0')).toEqual(['a', 'b', 'c']);
  });

  it('/api/serviceaccounts/search: 1-based with totals', async () => {
    const { fake, orgId } = await world();
    for (const name of ['s1', 's2', 's3']) {
      await ok(fake, 'POST', '/api/serviceaccounts', { org: orgId, body: { name, role: 'Viewer' } });
    }
    const r = await call(fake, 'GET', '/api/serviceaccounts/search?perpage=2&page=2', { org: orgId });
    expect(r.body).toMatchObject({ totalCount: 3, page: 2, perPage: 2, serviceAccounts: [{ name: 's3' }] });
  });
});
