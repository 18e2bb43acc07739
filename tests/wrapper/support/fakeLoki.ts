import http, { type IncomingMessage, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

import { walkSelectors, type WalkedMatcher } from '../../../src/logql/testing/selectorWalk';

/** One log stream of the fixture: its labels and its lines (nanosecond timestamps as text). */
export interface FixtureStream {
  labels: Record<string, string>;
  lines: Array<[string, string]>;
}

/** One request as the fake Loki received it. */
export interface LokiRequest {
  path: string;
  query: URLSearchParams;
}

/** Loki's read paths the wrapper may use (anything else reaching the fake is a test failure). */
export const LOKI_READ_PATHS =
  /^\/loki\/api\/v1\/(query|query_range|labels|label\/[A-Za-z_][A-Za-z0-9_]*\/values|series)$/;

const T0_MS = 1_704_067_200_000; // 2024-01-01T00:00:00Z, inside the harness RANGE

function stream(labels: Record<string, string>, texts: string[]): FixtureStream {
  return { labels, lines: texts.map((t, i) => [`${T0_MS + 60_000 * (i + 1)}000000`, t]) };
}

/** Three tenants' streams; every line also names its tenant, so a leak is visible in the text. */
export function fixtureStreams(): FixtureStream[] {
  const lines = (tenant: string, app: string) => [
    `level=info app=${app} tenant=${tenant} msg="started"`,
    `level=error app=${app} tenant=${tenant} msg="failed"`,
    `level=info app=${app} tenant=${tenant} msg="done"`,
  ];
  return [
    stream({ tenant: 'a', app: 'api', env: 'prod', pod: 'p1' }, lines('a', 'api')),
    stream({ tenant: 'a', app: 'web', env: 'dev', pod: 'p2' }, lines('a', 'web')),
    stream({ tenant: 'b', app: 'api', env: 'prod', pod: 'p3' }, lines('b', 'api')),
    stream({ tenant: 'b', app: 'db', env: 'prod', pod: 'p4' }, lines('b', 'db')),
    stream({ tenant: 'c', app: 'api', env: 'staging', pod: 'p5' }, lines('c', 'api')),
  ];
}

/**
 * The same lines as streams per level: each stream split by the `level=` of its lines into streams
 * with a `level` label (as agents that label levels ship them), for dashboards that select by level.
 */
export function streamsByLevel(streams: readonly FixtureStream[] = fixtureStreams()): FixtureStream[] {
  return streams.flatMap((s) => {
    const levels = [...new Set(s.lines.map(([, line]) => /\blevel=(\w+)/.exec(line)?.[1] ?? 'unknown'))];
    return levels.map((level) => ({
      labels: { ...s.labels, level },
      lines: s.lines.filter(([, line]) => (/\blevel=(\w+)/.exec(line)?.[1] ?? 'unknown') === level),
    }));
  });
}

function matches(m: WalkedMatcher, labels: Record<string, string>): boolean {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return new RegExp(`^(?:${m.value})$`).test(v);
    case '!~':
      return !new RegExp(`^(?:${m.value})$`).test(v);
    default:
      throw new Error(`fake Loki: unknown matcher operator ${m.op}`);
  }
}

/**
 * The fixture streams selected by any stream selector of `logql` (read with the tests' own lezer
 * walk, not the engine). Pipelines are ignored: the fake answers for the streams a query selects,
 * which is what tenant pinning decides.
 */
export function selectStreams(logql: string, streams: readonly FixtureStream[]): FixtureStream[] {
  const walked = walkSelectors(logql);
  if (walked.hasErrorNode || walked.selectors.length === 0) {
    throw new Error(`fake Loki: parse error in ${JSON.stringify(logql)}`);
  }
  return streams.filter((s) => walked.selectors.some((sel) => sel.matchers.every((m) => matches(m, s.labels))));
}

function isLogQuery(logql: string): boolean {
  return logql.trim().startsWith('{');
}

export interface FakeLoki {
  url: string;
  requests: LokiRequest[];
  stop(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * An in-process HTTP server standing in for Loki (no Loki binary exists here): it records every
 * request and answers the read API from the fixture, selecting streams by the query's stream
 * selectors — so whatever the wrapper fails to pin shows up as another tenant's data.
 */
export async function startFakeLoki(streams: FixtureStream[] = fixtureStreams()): Promise<FakeLoki> {
  const requests: LokiRequest[] = [];
  const server = http.createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://loki.invalid');
    requests.push({ path: url.pathname, query: url.searchParams });
    const q = url.searchParams;
    try {
      if (!LOKI_READ_PATHS.test(url.pathname)) {
        send(res, 404, { status: 'error', error: `fake Loki: ${url.pathname} is not served` });
        return;
      }
      const selectorParam = url.pathname.endsWith('/series') ? q.get('match[]') : q.get('query');
      const selected = selectorParam === null ? streams : selectStreams(selectorParam, streams);
      if (url.pathname.endsWith('/labels')) {
        send(res, 200, {
          status: 'success',
          data: [...new Set(selected.flatMap((s) => Object.keys(s.labels)))].sort(),
        });
      } else if (url.pathname.endsWith('/values')) {
        const name = url.pathname.split('/')[5];
        const values = selected.map((s) => s.labels[name]).filter((v) => v !== undefined);
        send(res, 200, { status: 'success', data: [...new Set(values)].sort() });
      } else if (url.pathname.endsWith('/series')) {
        send(res, 200, { status: 'success', data: selected.map((s) => s.labels) });
      } else if (isLogQuery(selectorParam ?? '')) {
        const limit = Number(q.get('limit') ?? '100');
        const forward = q.get('direction') === 'forward';
        const result = selected.map((s) => ({
          stream: s.labels,
          values: (forward ? s.lines : [...s.lines].reverse()).slice(0, limit),
        }));
        send(res, 200, { status: 'success', data: { resultType: 'streams', result } });
      } else {
        // A metric query: one series per selected stream, valued by its line count.
        const at = Math.floor(T0_MS / 1000) + 600;
        const result = selected.map((s) =>
          url.pathname.endsWith('/query')
            ? { metric: s.labels, value: [at, String(s.lines.length)] }
            : { metric: s.labels, values: [[at, String(s.lines.length)]] }
        );
        const resultType = url.pathname.endsWith('/query') ? 'vector' : 'matrix';
        send(res, 200, { status: 'success', data: { resultType, result } });
      }
    } catch (err) {
      send(res, 400, { status: 'error', error: String(err) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
