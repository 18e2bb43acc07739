/**
 * Cost of the verified identity modes of the proxy (proxy/identity/), each against header mode in
 * the same run, in front of real Prometheus 2.42 (the tenant fixture). Three proxy processes
 * (bundled like proxy/Dockerfile) get the same cheap query mix, one request at a time in turn
 * (header → tokens → ID token → header ...), so other load on the machine hits all three alike.
 *
 * - proxy.token_overhead_p99_ms: p99 latency in `--tenant-tokens-file` mode minus p99 in
 *   `--header-name` mode, per block of 500 interleaved rounds, median over the blocks (goal ≤ 0.5).
 * - proxy.idtoken_overhead_p99_ms: the same for `--grafana-id-token` (ES256 verification, team
 *   index lookup), requests spread over 50 users' tokens (goal ≤ 0.5).
 * - proxy.idtoken_grafana_calls_per_minute: calls the ID-token proxy made to Grafana (keys + team
 *   members) during IDTOKEN_CALLS_SECONDS of 500 req/s from 50 users, scaled to a minute, with the
 *   default 30 s team refresh and 2 mapped teams (goal ≤ 4). The fake Grafana counts the calls.
 * - proxy.identity_errors: non-2xx or failed requests in all phases (must be 0).
 */
import { startProxyProcess, type BenchServer } from '../proxy/testing/benchServers';
import { identityFileDir, newToken, tokensDoc } from '../proxy/identity/testing/identityFiles';
import { startSharedOrg, type SharedOrg } from '../proxy/identity/testing/sharedOrg';
import { startTenantFixture } from '../tests/support/tenantFixture';
import http from 'http';
import { load, loadPaced, median, percentile } from './proxy.bench';
import type { Report } from './report';

const ROUNDS = Number(process.env.IDENTITY_ROUNDS ?? 4000);
const BLOCK = 500;
const USERS = 50;
/** One minute, so the 30 s team refresh is seen as it runs in production. */
const IDTOKEN_CALLS_SECONDS = Number(process.env.IDTOKEN_CALLS_SECONDS ?? 60);

type Requests = Array<{ method: 'GET'; path: string; headers?: Record<string, string> }>;

export default async function bench(report: Report): Promise<void> {
  const fixture = await startTenantFixture();
  const files = identityFileDir();
  let org: SharedOrg | null = null;
  const servers: BenchServer[] = [];
  try {
    const tokenA = newToken();
    const tokensFile = files.write(
      'tokens.yaml',
      tokensDoc({ a: { values: ['a'], tokens: [tokenA] }, b: { values: ['b'], tokens: [newToken()] } })
    );
    const logins = Array.from({ length: USERS }, (_, i) => `user${i}`);
    org = await startSharedOrg({
      teams: { 'acme-ops': ['a'], 'beta-ops': ['b'] },
      members: Object.fromEntries(logins.map((login, i) => [login, [i % 2 === 0 ? 'acme-ops' : 'beta-ops']])),
    });
    const common = ['--label=tenant', '--enable-label-apis'];
    const header = await startProxyProcess(fixture.url, [...common, '--header-name=X-Tenant']);
    servers.push(header);
    const tokens = await startProxyProcess(fixture.url, [...common, `--tenant-tokens-file=${tokensFile}`]);
    servers.push(tokens);
    const idToken = await startProxyProcess(fixture.url, [
      ...common,
      '--grafana-id-token',
      `--grafana-url=${org.source.grafanaUrl}`,
      `--team-mapping-file=${org.source.teamMappingFile}`,
      `--grafana-token-file=${org.source.grafanaTokenFile}`,
    ]);
    servers.push(idToken);

    const queries = [
      'up',
      'count by (tenant) (up)',
      'sum by (cluster) (rate(http_requests_total[5m]))',
      'max(up) by (job)',
    ];
    const paths = queries.map((q) => `/api/v1/query?${new URLSearchParams({ query: q, time: String(fixture.time) })}`);
    const headerRequests: Requests = paths.map((path) => ({ method: 'GET', path, headers: { 'x-tenant': 'a' } }));
    const tokenRequests: Requests = paths.map((path) => ({
      method: 'GET',
      path,
      headers: { authorization: `Bearer ${tokenA}` },
    }));
    // Grafana reuses a user's ID token until 30 s before expiry, so one token per user for the run.
    const idTokens = await Promise.all(
      logins.map((login) => org!.grafana.issuer.mint({ sub: `user:${org!.users[login]}`, orgId: 1, username: login }))
    );
    const idRequests: Requests = idTokens.flatMap((token, i) => ({
      method: 'GET' as const,
      path: paths[i % paths.length],
      headers: { authorization: `Bearer ${org!.secret}`, 'x-grafana-id': token },
    }));

    let errors = 0;
    for (const [url, requests] of [
      [header.url, headerRequests],
      [tokens.url, tokenRequests],
      [idToken.url, idRequests],
    ] as const) {
      errors += (await load(url, [...requests], { seconds: 1, rate: 500 })).failures;
    }

    // Interleaved, one request at a time per mode: header, tokens, ID token, header, ... so that
    // every disturbance from other work on the machine hits the three modes alike, and nothing
    // queues (the figure is what identity adds to a request, not queueing under load).
    const latencies = await interleaved(
      [
        { url: header.url, requests: headerRequests },
        { url: tokens.url, requests: tokenRequests },
        { url: idToken.url, requests: idRequests },
      ],
      ROUNDS
    );
    errors += latencies.failures;
    // p99 per block of BLOCK rounds, then the median of the blocks' differences: a burst of other
    // work on the shared machine spoils one block, not the figure.
    const blocks = Math.floor(ROUNDS / BLOCK);
    const diffs = (mode: number) =>
      Array.from({ length: blocks }, (_, b) => {
        const slice = (l: number[]) => l.slice(b * BLOCK, (b + 1) * BLOCK);
        return percentile(slice(latencies.byServer[mode]), 0.99) - percentile(slice(latencies.byServer[0]), 0.99);
      });
    const [tokenDiffs, idDiffs] = [diffs(1), diffs(2)];
    const pooled = latencies.byServer.map(
      (l) => `p50 ${percentile(l, 0.5).toFixed(3)} p99 ${percentile(l, 0.99).toFixed(3)}`
    );
    console.log(
      `${ROUNDS} interleaved rounds, ms: header ${pooled[0]}; tokens ${pooled[1]}; ID token ${pooled[2]}\n` +
        `per-block p99 differences: tokens ${tokenDiffs.map((d) => d.toFixed(2)).join(' ')}; ID token ${idDiffs.map((d) => d.toFixed(2)).join(' ')}`
    );
    report({
      name: 'proxy.token_overhead_p99_ms',
      value: median(tokenDiffs),
      unit: 'ms',
      goal: '<= 0.5 (vs header mode)',
    });
    report({
      name: 'proxy.idtoken_overhead_p99_ms',
      value: median(idDiffs),
      unit: 'ms',
      goal: '<= 0.5 (vs header mode)',
    });

    const before = org.grafana.totalCalls();
    const steady = await loadPaced(idToken.url, idRequests, IDTOKEN_CALLS_SECONDS);
    errors += steady.failures;
    const calls = org.grafana.totalCalls() - before;
    console.log(
      `ID-token steady state: ${steady.answered} requests in ${IDTOKEN_CALLS_SECONDS} s from ${USERS} users, ${calls} Grafana calls (` +
        [...org.grafana.calls].map(([path, n]) => `${path} ${n}`).join(', ') +
        ' since start)'
    );
    report({
      name: 'proxy.idtoken_grafana_calls_per_minute',
      value: (calls * 60) / IDTOKEN_CALLS_SECONDS,
      unit: 'calls/min',
      goal: '<= 4 (500 req/s, 50 users, 2 mapped teams)',
    });
    report({ name: 'proxy.identity_errors', value: errors, unit: 'requests', goal: '= 0' });
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await org?.stop();
    await fixture.stop();
    files.remove();
  }
}

/** Round-robin over the servers, one request in flight at a time, keep-alive; latencies in ms. */
async function interleaved(
  servers: Array<{ url: string; requests: Requests }>,
  rounds: number
): Promise<{ byServer: number[][]; failures: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const byServer: number[][] = servers.map(() => []);
  let failures = 0;
  const once = (url: string, r: Requests[number]) =>
    new Promise<number>((resolve) => {
      const req = http.request(`${url}${r.path}`, { headers: r.headers, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(-1));
      req.end();
    });
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < servers.length; i++) {
      const { url, requests } = servers[i];
      const started = performance.now();
      const status = await once(url, requests[round % requests.length]);
      byServer[i].push(performance.now() - started);
      if (status !== 200) {
        failures++;
      }
    }
  }
  agent.destroy();
  return { byServer, failures };
}
