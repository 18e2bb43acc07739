/** @jest-environment node */
/**
 * Security review of the enforcing proxy (proxy/): hostile HTTP requests against an in-process
 * proxy in front of a recording fake Prometheus. Every request that reaches the upstream is read
 * the way Prometheus would read it (Go ParseForm: body + URL) and every `query` / `match[]` value
 * is walked with the independent audit; paths that are not enforced APIs must never arrive.
 */
import { rawRequest, type RawResponse, type Seen } from './support/recordingUpstream';
import { auditEnforced, expectedTenantMatcher, type ExpectedMatcher } from './support/selectorAudit';
import { proxyOverRecordingUpstream } from './support/suiteProxy';

const QUERY_PATHS = new Set([
  '/api/v1/query',
  '/api/v1/query_range',
  '/api/v1/query_exemplars',
  '/api/v1/format_query',
  '/api/v1/parse_query',
]);
const MATCH_PATHS = new Set(['/api/v1/series', '/api/v1/labels', '/federate']);
const FILTERED_PATHS = new Set(['/api/v1/metadata', '/api/v1/rules', '/api/v1/alerts']);
/** Forwarded without any client parameter. */
const NO_PARAMETER_PATHS = new Set(['/api/v1/status/buildinfo']);

/** What is wrong with one request as the upstream received it (empty = enforced). */
function forwardedProblems(s: Seen, expected: ExpectedMatcher, tenantHeader = 'x-tenant'): string[] {
  const problems: string[] = [];
  if (s.headers[tenantHeader] !== undefined) {
    problems.push(`tenant header ${tenantHeader} forwarded: ${String(s.headers[tenantHeader])}`);
  }
  if (s.method !== 'POST' && s.body !== '') {
    problems.push(`${s.method} with a body forwarded`);
  }
  if (QUERY_PATHS.has(s.path)) {
    const queries = s.form.get('query') ?? [];
    if (queries.length === 0) {
      problems.push(`${s.path} forwarded without query`);
    }
    // An empty value is harmless: Prometheus answers "no expression found" (and reads only the first).
    for (const q of queries.filter((v) => v !== '')) {
      problems.push(...auditEnforced(q, expected).map((p) => `query ${JSON.stringify(q)}: ${p}`));
    }
  } else if (MATCH_PATHS.has(s.path) || /^\/api\/v1\/label\/[^/]+\/values$/.test(s.path)) {
    const matches = s.form.get('match[]') ?? [];
    if (matches.length === 0) {
      problems.push(`${s.path} forwarded without match[]`);
    }
    for (const m of matches) {
      // match[] keeps the client's matchers and ANDs the tenant (only narrows): extra tenant matchers are fine.
      const found = auditEnforced(m, expected).filter((p) => !p.includes('want exactly one'));
      problems.push(...found.map((p) => `match[] ${JSON.stringify(m)}: ${p}`));
    }
  } else if (NO_PARAMETER_PATHS.has(s.path)) {
    if (s.rawUrl.includes('?') || s.body !== '') {
      problems.push(`${s.path} forwarded with client parameters (${s.rawUrl})`);
    }
  } else if (!FILTERED_PATHS.has(s.path)) {
    problems.push(`unexpected upstream path ${s.path} (${s.rawUrl})`);
  }
  return problems;
}

interface Attack {
  name: string;
  method?: string;
  path: string;
  body?: string;
  headers?: Record<string, string | string[]>;
  /** 'refused': a 4xx and nothing upstream; 'forwarded': something reached the upstream. */
  expect?: 'refused' | 'forwarded';
}

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const q = (expr: string) => encodeURIComponent(expr);

const ATTACKS: Attack[] = [
  { name: 'plain query', path: `/api/v1/query?query=${q('secret')}`, expect: 'forwarded' },
  {
    name: 'aggregation parameter oracle',
    path: `/api/v1/query?query=${q('topk(scalar(sum(secret) > bool 1000), up)')}`,
    expect: 'forwarded',
  },
  { name: 'query twice in URL', path: `/api/v1/query?query=up&query=secret` },
  {
    name: 'query in URL and body',
    method: 'POST',
    path: `/api/v1/query?query=${q('secret')}`,
    headers: FORM,
    body: `query=${q('up')}`,
    expect: 'forwarded',
  },
  { name: 'query twice in body', method: 'POST', path: '/api/v1/query', headers: FORM, body: 'query=up&query=secret' },
  {
    name: 'empty URL query, body query',
    method: 'POST',
    path: '/api/v1/query?query=',
    headers: FORM,
    body: `query=${q('secret')}`,
  },
  {
    name: 'URL query, empty body query',
    method: 'POST',
    path: `/api/v1/query?query=${q('secret')}`,
    headers: FORM,
    body: 'query=',
  },
  { name: 'mixed-case parameter name', path: `/api/v1/query?Query=${q('secret')}&query=up` },
  { name: 'percent-encoded parameter name', path: `/api/v1/query?%71uery=${q('secret')}` },
  { name: 'percent-encoded match[]', path: `/api/v1/series?match%5B%5D=${q('secret')}` },
  { name: 'semicolon separator', path: `/api/v1/query?query=up;query=secret` },
  { name: 'semicolon in body', method: 'POST', path: '/api/v1/query', headers: FORM, body: 'x=1;query=secret' },
  { name: 'plus and %20 in query', path: `/api/v1/query?query=sum+by+(tenant)+(secret)%20`, expect: 'forwarded' },
  { name: 'invalid UTF-8 in query', path: '/api/v1/query?query=secret%FF', expect: 'refused' },
  { name: 'bad percent escape', path: '/api/v1/query?query=secret%G1', expect: 'refused' },
  { name: 'NUL in query', path: '/api/v1/query?query=up%00or%20secret', expect: 'refused' },
  { name: 'CR in comment hides an or', path: `/api/v1/query?query=${q('up # x\r or secret')}` },
  // Paths.
  { name: 'double slash', path: `//api/v1/query?query=${q('secret')}` },
  { name: 'inner double slash', path: `/api//v1/query?query=${q('secret')}` },
  { name: 'dot-dot segment', path: `/api/v1/../v1/query?query=${q('secret')}` },
  { name: 'encoded dot-dot', path: `/api/v1/%2e%2e/v1/query?query=${q('secret')}` },
  { name: 'dot segment', path: `/./api/v1/query?query=${q('secret')}` },
  { name: 'trailing slash', path: `/api/v1/query/?query=${q('secret')}` },
  { name: 'trailing %2F', path: `/api/v1/query%2F?query=${q('secret')}` },
  { name: 'encoded path char', path: `/api/v1/%71uery?query=${q('secret')}` },
  { name: 'upper-case path', path: `/API/V1/QUERY?query=${q('secret')}`, expect: 'refused' },
  { name: 'backslashes', path: `/api\\v1\\query?query=${q('secret')}` },
  { name: 'path parameter', path: `/api/v1/query;x=1?query=${q('secret')}` },
  { name: 'encoded slash in label name', path: '/api/v1/label/..%2F..%2Fadmin/values', expect: 'refused' },
  { name: 'absolute-form request target', path: `http://evil.invalid/api/v1/query?query=${q('secret')}` },
  // Content types.
  {
    name: 'multipart body',
    method: 'POST',
    path: '/api/v1/query',
    headers: { 'Content-Type': 'multipart/form-data; boundary=X' },
    body: '--X\r\nContent-Disposition: form-data; name="query"\r\n\r\nsecret\r\n--X--\r\n',
    expect: 'refused',
  },
  {
    name: 'JSON body',
    method: 'POST',
    path: '/api/v1/query',
    headers: { 'Content-Type': 'application/json' },
    body: '{"query":"secret"}',
    expect: 'refused',
  },
  {
    name: 'form with charset',
    method: 'POST',
    path: '/api/v1/query',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: `query=${q('secret')}`,
    expect: 'forwarded',
  },
  {
    name: 'form type in capitals',
    method: 'POST',
    path: '/api/v1/query',
    headers: { 'Content-Type': 'APPLICATION/X-WWW-FORM-URLENCODED' },
    body: `query=${q('secret')}`,
    expect: 'forwarded',
  },
  {
    name: 'no content type with body',
    method: 'POST',
    path: '/api/v1/query',
    body: `query=${q('secret')}`,
    expect: 'refused',
  },
  {
    name: 'GET with a form body',
    method: 'GET',
    path: '/api/v1/query?query=up',
    headers: FORM,
    body: `query=${q('secret')}`,
  },
  {
    name: 'chunked POST body',
    method: 'POST',
    path: '/api/v1/query',
    headers: { ...FORM, 'Transfer-Encoding': 'chunked' },
    body: `query=${q('secret')}`,
    expect: 'forwarded',
  },
  {
    name: 'Content-Length and chunked together (smuggling)',
    method: 'POST',
    path: '/api/v1/query',
    headers: { ...FORM, 'Transfer-Encoding': 'chunked', 'Content-Length': '5' },
    body: `query=${q('secret')}`,
    expect: 'refused',
  },
  {
    name: 'labels POST with match[] only in body',
    method: 'POST',
    path: '/api/v1/labels',
    headers: FORM,
    body: `match[]=${q('secret')}&match[]=${q('{job="x"}')}`,
    expect: 'forwarded',
  },
  {
    name: 'query_range POST',
    method: 'POST',
    path: '/api/v1/query_range',
    headers: FORM,
    body: `query=${q('rate(secret[5m])')}&start=1&end=2&step=1`,
    expect: 'forwarded',
  },
  // Methods and headers.
  {
    name: 'method override header',
    method: 'POST',
    path: '/api/v1/admin/tsdb/delete_series?match[]=secret',
    headers: { 'X-HTTP-Method-Override': 'PUT' },
    expect: 'refused',
  },
  { name: 'PUT query', method: 'PUT', path: `/api/v1/query?query=${q('secret')}`, expect: 'refused' },
  { name: 'HEAD query', method: 'HEAD', path: `/api/v1/query?query=${q('secret')}` },
  {
    name: 'websocket upgrade',
    path: `/api/v1/query?query=${q('secret')}`,
    headers: {
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    },
  },
  { name: 'tenant also in query string', path: `/api/v1/query?query=${q('secret')}&tenant=b`, expect: 'forwarded' },
  // Endpoints without match[] and non-enforced endpoints.
  { name: 'series without match[]', path: '/api/v1/series', expect: 'forwarded' },
  { name: 'labels without match[]', path: '/api/v1/labels', expect: 'forwarded' },
  { name: 'label values without match[]', path: '/api/v1/label/tenant/values', expect: 'forwarded' },
  { name: 'label values of __name__', path: '/api/v1/label/__name__/values', expect: 'forwarded' },
  { name: 'federate without match[]', path: '/federate', expect: 'forwarded' },
  { name: 'federate POST', method: 'POST', path: '/federate', headers: FORM, body: 'match[]=secret' },
  {
    name: 'series POST match in URL and body',
    method: 'POST',
    path: `/api/v1/series?match[]=${q('secret')}`,
    headers: FORM,
    body: `match[]=${q('{tenant=~".+"}')}`,
    expect: 'forwarded',
  },
  { name: 'series match[] not a selector', path: `/api/v1/series?match[]=${q('up or secret')}`, expect: 'refused' },
  { name: 'series empty match[]', path: '/api/v1/series?match[]=', expect: 'refused' },
  {
    name: 'labels match[] with tenant regex',
    path: `/api/v1/labels?match[]=${q('{tenant=~".+"}')}`,
    expect: 'forwarded',
  },
  { name: 'query_exemplars', path: `/api/v1/query_exemplars?query=${q('secret')}`, expect: 'forwarded' },
  { name: 'metadata', path: '/api/v1/metadata', expect: 'forwarded' },
  { name: 'metadata for a foreign metric', path: '/api/v1/metadata?metric=secret_of_b', expect: 'forwarded' },
  // Served from Prometheus 2.38 (the test proxy is pinned to 2.42), the query enforced first.
  { name: 'format_query', path: `/api/v1/format_query?query=${q('secret')}`, expect: 'forwarded' },
  { name: 'buildinfo with parameters', path: `/api/v1/status/buildinfo?query=${q('secret')}`, expect: 'forwarded' },
  ...[
    // Served from Prometheus 3.0 only.
    '/api/v1/parse_query?query=secret',
    '/api/v1/status/tsdb?limit=10',
    '/api/v1/status/tsdb/blocks',
    '/api/v1/features',
    '/api/v1/status/config',
    '/api/v1/status/tsdb',
    '/api/v1/status/flags',
    '/api/v1/targets',
    '/api/v1/targets/metadata',
    '/api/v1/alertmanagers',
    '/api/v1/admin/tsdb/snapshot',
    '/api/v1/write',
    '/api/v1/read',
    '/api/v1/otlp/v1/metrics',
    '/metrics',
    '/graph',
    '/',
  ].map((path): Attack => ({ name: `not enforced: ${path}`, path, expect: 'refused' })),
  {
    name: 'admin delete POST',
    method: 'POST',
    path: '/api/v1/admin/tsdb/delete_series',
    headers: FORM,
    body: 'match[]=secret',
    expect: 'refused',
  },
  {
    name: 'remote write POST',
    method: 'POST',
    path: '/api/v1/write',
    headers: { 'Content-Type': 'application/x-protobuf' },
    body: 'x',
    expect: 'refused',
  },
];

/** Fixed (was a BUG in ENGINE): `# …\r` hides the rest of the query from lezer but not from Prometheus. */
const KNOWN_BUGS = new Set(['CR in comment hides an or']);

describe('proxy attacks (tenant from X-Tenant header)', () => {
  const env = proxyOverRecordingUpstream();
  const expected = expectedTenantMatcher('tenant', ['a']);

  async function run(a: Attack, tenant: string | string[] = 'a'): Promise<{ res: RawResponse; seen: Seen[] }> {
    const before = env.upstream.seen.length;
    const res = await rawRequest(env.base, {
      method: a.method,
      path: a.path,
      body: a.body,
      headers: { 'X-Tenant': tenant, ...a.headers },
    });
    return { res, seen: env.upstream.seen.slice(before) };
  }

  async function check(a: Attack): Promise<void> {
    const { res, seen } = await run(a);
    const problems = seen.flatMap((s) => forwardedProblems(s, expected));
    expect({ status: res.status, problems }).toEqual({ status: res.status, problems: [] });
    if (a.expect === 'refused') {
      expect(seen).toHaveLength(0);
      expect(res.status === -1 || (res.status >= 400 && res.status < 500)).toBe(true);
    }
    if (a.expect === 'forwarded') {
      expect(res.status).toBe(200);
      expect(seen.length).toBeGreaterThan(0);
    }
    if (res.status === 200 && a.path.startsWith('/api/v1/metadata')) {
      expect(res.body).not.toContain('secret_of_b');
    }
  }

  test.each(ATTACKS.filter((a) => !KNOWN_BUGS.has(a.name)))('$name', (a) => check(a));

  // Fixed: `up # x\r or secret` was forwarded as is (Prometheus evaluated `or secret`); now refused.
  test.each(ATTACKS.filter((a) => KNOWN_BUGS.has(a.name)))('$name', (a) => check(a));

  test.each([
    ['missing header', undefined],
    ['empty header', ''],
    ['blank list', ['', '']],
  ])('%s: 400 and nothing upstream', async (_n, tenant) => {
    const before = env.upstream.seen.length;
    const res = await rawRequest(env.base, {
      path: `/api/v1/query?query=${q('secret')}`,
      headers: tenant === undefined ? {} : { 'X-Tenant': tenant },
    });
    expect(res.status).toBe(400);
    expect(env.upstream.seen.length).toBe(before);
  });

  test('"a,b" with list syntax off is one literal value, not two tenants', async () => {
    const { seen } = await run({ name: 'list', path: `/api/v1/query?query=${q('secret')}` }, 'a,b');
    expect(seen).toHaveLength(1);
    expect(forwardedProblems(seen[0], expectedTenantMatcher('tenant', ['a,b']))).toEqual([]);
  });

  test('a client cannot smuggle a second tenant next to the header as a regex', async () => {
    const { seen } = await run({ name: 'regex', path: `/api/v1/query?query=${q('secret')}` }, 'a|b');
    expect(seen).toHaveLength(1);
    // Without --regex-match the value is literal: tenant="a|b" selects nobody's series.
    expect(forwardedProblems(seen[0], expectedTenantMatcher('tenant', ['a|b']))).toEqual([]);
  });

  test('rules and alerts answers keep only the tenant', async () => {
    const alerts = await rawRequest(env.base, { path: '/api/v1/alerts', headers: { 'X-Tenant': 'a' } });
    expect(
      JSON.parse(alerts.body).data.alerts.map((x: { labels: { alertname: string } }) => x.labels.alertname)
    ).toEqual(['A']);
    const rules = await rawRequest(env.base, { path: '/api/v1/rules', headers: { 'X-Tenant': 'a' } });
    const names = JSON.parse(rules.body).data.groups.flatMap((g: { rules: Array<{ name: string }> }) =>
      g.rules.map((r) => r.name)
    );
    expect(names).toEqual(['ra']);
  });

  test('the audit can fail: an unenforced forwarded query is reported', () => {
    const fake: Seen = {
      method: 'GET',
      rawUrl: '/api/v1/query?query=secret',
      path: '/api/v1/query',
      headers: {},
      body: '',
      form: new Map([['query', ['up{tenant="a"} or secret']]]),
    };
    expect(forwardedProblems(fake, expected)).not.toEqual([]);
  });
});

describe('proxy with the tenant from a query parameter', () => {
  const env = proxyOverRecordingUpstream({ tenant: { kind: 'queryParam', name: 'tenant' } });

  test.each([
    ['URL only', `/api/v1/query?tenant=a&query=${q('secret')}`, undefined, ['a']],
    ['Tenant (other case) is not the tenant', `/api/v1/query?tenant=a&Tenant=b&query=${q('secret')}`, undefined, ['a']],
  ])('%s', async (_n, path, body, values) => {
    const before = env.upstream.seen.length;
    const res = await rawRequest(env.base, {
      method: body === undefined ? 'GET' : 'POST',
      path,
      body,
      headers: body === undefined ? {} : FORM,
    });
    expect(res.status).toBe(200);
    const seen = env.upstream.seen.slice(before);
    expect(seen).toHaveLength(1);
    expect(forwardedProblems(seen[0], expectedTenantMatcher('tenant', values))).toEqual([]);
    // The tenant parameter itself never reaches Prometheus.
    expect(seen[0].form.get('tenant')).toBeUndefined();
  });

  // Issue #14: prom-label-proxy (Go's ParseForm) merges every value; Grafana's data source proxy
  // appends its configured parameter to the user's URL, so a user's extra one widened the tenant.
  test.each([
    ['twice in the URL', `/api/v1/query?tenant=a&tenant=b&query=${q('secret')}`, undefined],
    ['URL and form body', `/api/v1/query?tenant=a&query=${q('secret')}`, 'tenant=b'],
    ['twice in the form body', `/api/v1/query`, `tenant=a&tenant=b&query=${q('secret')}`],
    ['the same value twice', `/api/v1/query?tenant=a&tenant=a&query=${q('secret')}`, undefined],
    ['once empty, once set', `/api/v1/query?tenant=&tenant=b&query=${q('secret')}`, undefined],
  ])('the tenant parameter %s: 400, nothing upstream', async (_n, path, body) => {
    const before = env.upstream.seen.length;
    const res = await rawRequest(env.base, {
      method: body === undefined ? 'GET' : 'POST',
      path,
      body,
      headers: body === undefined ? {} : FORM,
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/\\"tenant\\" parameter appears 2 times/);
    expect(env.upstream.seen.length).toBe(before);
  });

  test('no tenant parameter: 400, nothing upstream', async () => {
    const before = env.upstream.seen.length;
    const res = await rawRequest(env.base, { path: `/api/v1/query?query=${q('secret')}&tenant=` });
    expect(res.status).toBe(400);
    expect(env.upstream.seen.length).toBe(before);
  });
});

describe('proxy with a fixed tenant (--label-value) and a passthrough path', () => {
  const env = proxyOverRecordingUpstream({
    tenant: { kind: 'static', values: ['a'] },
    passthroughPaths: ['/api/v1/status'],
  });
  const expected = expectedTenantMatcher('tenant', ['a']);

  test.each([
    ['tenant in query string', `/api/v1/query?query=${q('secret')}&tenant=b`, { 'X-Tenant': 'b' }],
    ['tenant header', `/api/v1/query?query=${q('secret')}`, { 'X-Tenant': 'b', 'X-Scope-OrgID': 'b' }],
  ])('%s cannot change the fixed tenant', async (_n, path, headers) => {
    const before = env.upstream.seen.length;
    const res = await rawRequest(env.base, { path, headers });
    expect(res.status).toBe(200);
    const seen = env.upstream.seen.slice(before);
    expect(seen).toHaveLength(1);
    expect(forwardedProblems(seen[0], expected, 'x-no-tenant-header')).toEqual([]);
  });

  test.each([
    `/api/v1/status/../query?query=${q('secret')}`,
    `/api/v1/status/%2e%2e/query?query=${q('secret')}`,
    `/api/v1/status%2F..%2Fquery?query=${q('secret')}`,
    `/api/v1/status/..%2Fquery?query=${q('secret')}`,
    `/api/v1/status/.%2E/query?query=${q('secret')}`,
    `/api/v1/status//../../v1/query?query=${q('secret')}`,
    `/api/v1/statusx/../query?query=${q('secret')}`,
    `/api/v1/status\\..\\query?query=${q('secret')}`,
  ])('passthrough prefix cannot be used to reach an enforced route unenforced: %s', async (path) => {
    const before = env.upstream.seen.length;
    await rawRequest(env.base, { path });
    for (const s of env.upstream.seen.slice(before)) {
      if (s.path === '/api/v1/status' || s.path.startsWith('/api/v1/status/')) {
        // Passed through untouched: must be a status page, not a dot-segment route to another API.
        expect(s.path).not.toMatch(/\.\.|%2e|%2f/i);
      } else {
        expect(forwardedProblems(s, expected, 'x-no-tenant-header')).toEqual([]);
      }
    }
  });
});

describe('proxy with --regex-match (the header value is a regex)', () => {
  const env = proxyOverRecordingUpstream({ regexMatch: true });

  test.each(['a"} or secret{x="', 'a`} or secret{x=`', 'a\\"} or secret', 'a|b'])(
    'a hostile regex header %j stays inside the matcher value',
    async (value) => {
      const before = env.upstream.seen.length;
      const res = await rawRequest(env.base, {
        path: `/api/v1/query?query=${q('secret')}`,
        headers: { 'X-Tenant': value },
      });
      const seen = env.upstream.seen.slice(before);
      if (res.status !== 200) {
        expect(seen).toHaveLength(0);
        return;
      }
      expect(seen).toHaveLength(1);
      expect(forwardedProblems(seen[0], { label: 'tenant', op: '=~', value })).toEqual([]);
    }
  );

  test.each(['.*', 'a|', '(', 'x{2,1}'])(
    'regex %j that matches empty or is invalid: 400, nothing upstream',
    async (value) => {
      const before = env.upstream.seen.length;
      const res = await rawRequest(env.base, {
        path: `/api/v1/query?query=${q('secret')}`,
        headers: { 'X-Tenant': value },
      });
      expect(res.status).toBe(400);
      expect(env.upstream.seen.length).toBe(before);
    }
  );
});

describe('proxy with --header-uses-list-syntax', () => {
  const env = proxyOverRecordingUpstream({ tenant: { kind: 'header', name: 'X-Tenant', listSyntax: true } });

  test.each([
    ['a, b', ['a', 'b']],
    ['a,,', ['a']],
    ['a|b', ['a|b']],
  ])('header %j → tenants %j', async (header, values) => {
    const before = env.upstream.seen.length;
    const res = await rawRequest(env.base, {
      path: `/api/v1/query?query=${q('secret')}`,
      headers: { 'X-Tenant': header },
    });
    expect(res.status).toBe(200);
    const seen = env.upstream.seen.slice(before);
    expect(seen).toHaveLength(1);
    expect(forwardedProblems(seen[0], expectedTenantMatcher('tenant', values))).toEqual([]);
  });

  test.each([[['a', 'b,c']], [['a', 'a']], [['', 'b']]])(
    'two header lines %j: 400, nothing upstream (one line in list syntax names several tenants)',
    async (lines) => {
      const before = env.upstream.seen.length;
      const res = await rawRequest(env.base, {
        path: `/api/v1/query?query=${q('secret')}`,
        headers: { 'X-Tenant': lines },
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatch(/X-Tenant header was sent 2 times/);
      expect(env.upstream.seen.length).toBe(before);
    }
  );

  test.each([',', ' , ', ''])('header %j: 400, nothing upstream', async (header) => {
    const before = env.upstream.seen.length;
    const res = await rawRequest(env.base, {
      path: `/api/v1/query?query=${q('secret')}`,
      headers: { 'X-Tenant': header },
    });
    expect(res.status).toBe(400);
    expect(env.upstream.seen.length).toBe(before);
  });
});
