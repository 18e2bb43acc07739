/** @jest-environment node */
/**
 * Every `scope: "prometheus"` vector of prom-label-proxy's HTTP tests
 * (../shared/conformance/prom-label-proxy/routes-vectors.json) against the real proxy over real
 * HTTP on 127.0.0.1, with a recording fake upstream answering from routes-fixtures.json.
 * Status, forwarding, upstream path and parameters and response bodies are compared as the
 * conformance README prescribes (PromQL and match[] semantically, the rest exactly).
 */
import type http from 'http';
import { silentLogger } from './log';
import { createProxy } from './server';
import { startFakeUpstream, type FakeUpstream, type RecordedRequest } from './testing/fakeUpstream';
import { queryDifference, selectorListDifference } from './testing/promqlCompare';
import {
  proxyOptionsFor,
  routeFixtures as fixtures,
  routeVectors as allVectors,
  namesTenantMoreThanOnce,
  withIssue14Expectation,
  sendVector as send,
  writeFixtureAnswer,
  type ParamMap,
  type RouteVector as Vector,
} from './testing/routeVectors';

const prometheusVectors = allVectors.filter((v) => v.scope === 'prometheus');
const duplicateTenantVectors = prometheusVectors.filter(namesTenantMoreThanOnce);
const vectors = prometheusVectors.map(withIssue14Expectation);
// Passthrough routing cases; the one that probes an Alertmanager route (/api/v2/...) runs in
// alertmanagerConformance.test.ts.
const routingVectors = allVectors.filter((v) => v.scope === 'routing' && !v.path.startsWith('/api/v2/'));

let upstream: FakeUpstream;
const failures: string[] = [];
const routingFailures: string[] = [];

beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(async () => {
  await upstream.stop();
  console.log(
    `prom-label-proxy conformance: ${vectors.length - failures.length}/${vectors.length} "prometheus" vectors passed, ` +
      `${routingVectors.length - routingFailures.length}/${routingVectors.length} passthrough "routing" vectors passed ` +
      `(the alertmanager vectors run in alertmanagerConformance.test.ts; ` +
      `${duplicateTenantVectors.length} name the tenant more than once and expect 400 here, issue #14)` +
      (failures.length + routingFailures.length ? `\n${[...failures, ...routingFailures].join('\n')}` : '')
  );
});

function upstreamAnswer(v: Vector) {
  return (req: RecordedRequest, res: http.ServerResponse) => {
    if (!v.upstream) {
      res.writeHead(200);
      res.end('ok');
      return;
    }
    if (v.upstream.sequence) {
      throw new Error(`${v.id}: upstream sequences are Alertmanager vectors, not run here`);
    }
    const { respond, assertForm, onAssertFail } = v.upstream;
    if (assertForm) {
      // Go's r.Form: form body values first, then URL values; the mock compares in order.
      const merged = new URLSearchParams([...(req.form ?? new URLSearchParams()), ...req.query]);
      for (const [name, want] of Object.entries(assertForm)) {
        if (JSON.stringify(merged.getAll(name)) !== JSON.stringify(want)) {
          res.writeHead(onAssertFail?.status ?? 500);
          res.end(`assertForm failed for ${name}`);
          return;
        }
      }
    }
    writeFixtureAnswer(respond, res);
  };
}

/** Compares listed parameters: values as multisets, query/match[] semantically. */
function paramsDifference(where: string, actual: URLSearchParams | null, expected: ParamMap): string | null {
  for (const [name, want] of Object.entries(expected)) {
    const got = actual?.getAll(name) ?? [];
    let diff: string | null;
    if (name === 'match[]') {
      diff = selectorListDifference(got, want);
    } else if (name === 'query' && got.length === want.length && got.length === 1 && want[0] !== '') {
      diff = queryDifference(got[0], want[0]);
    } else {
      diff =
        JSON.stringify([...got].sort()) === JSON.stringify([...want].sort())
          ? null
          : `${JSON.stringify(got)} vs ${JSON.stringify(want)}`;
    }
    if (diff) {
      return `${where} ${name}: ${diff}`;
    }
  }
  return null;
}

/** Key order and Go's added keepFiringFor do not matter (conformance README). */
function stripKeepFiringFor(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(stripKeepFiringFor);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'keepFiringFor')
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, stripKeepFiringFor(v)])
    );
  }
  return value;
}

async function check(v: Vector): Promise<string[]> {
  const problems: string[] = [];
  upstream.reset();
  upstream.respond(upstreamAnswer(v));
  const proxy = createProxy(proxyOptionsFor(v, upstream.url, 'prometheus'), { logger: silentLogger });
  const { url } = await proxy.listen();
  try {
    const answer = await send(url, v);
    const forwarded = upstream.requests.find((r) => r.path === v.path);
    if (answer.status !== v.expectedStatus) {
      problems.push(`status ${answer.status}, expected ${v.expectedStatus} (body ${answer.body.slice(0, 200)})`);
    }
    if (v.expectedForwarded !== null && Boolean(forwarded) !== v.expectedForwarded) {
      problems.push(
        v.expectedForwarded ? 'the upstream was not called' : `the upstream was called (${forwarded?.path})`
      );
    }
    if (v.expectedForwarded === false && upstream.requests.length > 0) {
      problems.push(`the upstream got ${upstream.requests.length} request(s) although nothing may be forwarded`);
    }
    if (forwarded) {
      if (v.expectedUpstreamQuery) {
        problems.push(paramsDifference('URL', forwarded.query, v.expectedUpstreamQuery) ?? '');
      }
      if (v.expectedUpstreamForm) {
        problems.push(paramsDifference('form', forwarded.form, v.expectedUpstreamForm) ?? '');
      }
      if (v.expectedUpstreamBody !== null) {
        if (v.expectedUpstreamBody === '') {
          problems.push(forwarded.body === '' ? '' : `upstream body "${forwarded.body}", expected none`);
        } else {
          const want = new URLSearchParams(v.expectedUpstreamBody);
          const got = new URLSearchParams(forwarded.body);
          const keys = (p: URLSearchParams) => JSON.stringify([...new Set(p.keys())].sort());
          if (keys(want) !== keys(got)) {
            problems.push(`upstream body keys ${keys(got)}, expected ${keys(want)}`);
          } else {
            const expected: ParamMap = {};
            for (const key of new Set(want.keys())) {
              expected[key] = want.getAll(key);
            }
            problems.push(paramsDifference('body', got, expected) ?? '');
          }
        }
      }
      for (const name of v.expectedUpstreamAbsent?.query ?? []) {
        problems.push(forwarded.query.has(name) ? `URL parameter ${name} reached the upstream` : '');
      }
      for (const name of v.expectedUpstreamAbsent?.form ?? []) {
        problems.push(forwarded.form?.has(name) ? `form parameter ${name} reached the upstream` : '');
      }
    }
    const expectedBody = v.expectedResponseBody;
    if (typeof expectedBody === 'string') {
      problems.push(
        answer.body === expectedBody
          ? ''
          : `response body ${JSON.stringify(answer.body.slice(0, 200))}, expected ${JSON.stringify(expectedBody)}`
      );
    } else if (expectedBody) {
      const golden = fixtures.golden[expectedBody.goldenFixture];
      if (expectedBody.compare === 'exact') {
        problems.push(
          answer.body === golden
            ? ''
            : `response body ${JSON.stringify(answer.body.slice(0, 200))}, expected golden ${JSON.stringify(golden)}`
        );
      } else {
        let same = false;
        try {
          same =
            JSON.stringify(stripKeepFiringFor(JSON.parse(answer.body))) ===
            JSON.stringify(stripKeepFiringFor(JSON.parse(golden)));
        } catch {
          same = false;
        }
        problems.push(
          same ? '' : `response JSON differs from ${expectedBody.goldenFixture}: ${answer.body.slice(0, 300)}`
        );
      }
    }
  } finally {
    await proxy.close();
  }
  return problems.filter((p) => p !== '');
}

describe('prom-label-proxy conformance (scope "prometheus")', () => {
  it('covers the 224 prometheus vectors', () => {
    expect(vectors).toHaveLength(224);
  });

  it('changes the expectation of exactly the 76 vectors that name the tenant more than once (issue #14)', () => {
    expect(duplicateTenantVectors).toHaveLength(76);
    expect(duplicateTenantVectors.filter((v) => v.expectedStatus === 200)).toHaveLength(65);
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s', async (id, v) => {
    const problems = await check(v);
    if (problems.length > 0) {
      failures.push(`FAIL ${id}: ${problems.join('; ')}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('prom-label-proxy conformance (passthrough routing)', () => {
  it.each(routingVectors.map((v) => [v.id, v] as const))('%s', async (id, v) => {
    const problems = await check(v);
    if (problems.length > 0) {
      routingFailures.push(`FAIL ${id}: ${problems.join('; ')}`);
    }
    expect(problems).toEqual([]);
  });
});
