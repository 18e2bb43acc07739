/** @jest-environment node */
/**
 * Upstream answers reach the client unchanged — status, header lines and body bytes — whether the
 * body came complete with the headers (relayed as one Buffer) or later (relayed as a stream); see
 * UpstreamExchange in upstream.ts. Hop-by-hop headers are the only ones dropped.
 */
import http, { type ServerResponse } from 'http';
import { proxyOverFakeUpstream } from './testing/suiteProxy';

interface RawAnswer {
  status: number;
  rawHeaders: string[];
  body: Buffer;
}

function get(url: string): Promise<RawAnswer> {
  // agent: false — Connection: close, so node adds no Keep-Alive header of its own.
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'x-tenant': 'a' }, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) })
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Header lines each HTTP hop sets for itself. */
const CONNECTION_LEVEL = new Set(['connection', 'transfer-encoding', 'date']);

function endToEndLines(rawHeaders: string[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!CONNECTION_LEVEL.has(rawHeaders[i].toLowerCase())) {
      lines.push(`${rawHeaders[i].toLowerCase()}: ${rawHeaders[i + 1]}`);
    }
  }
  return lines;
}

const p = proxyOverFakeUpstream();
const LARGE = Buffer.alloc(300 * 1024, 'abcdefghij');
const UTF8 = Buffer.from('{"status":"success","data":"é €"}');

const cases: Array<{
  name: string;
  respond: (res: ServerResponse) => void;
  status: number;
  body: Buffer;
  headers: string[];
}> = [
  {
    name: 'small answer with Content-Length (complete with the headers)',
    respond: (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': UTF8.length });
      res.end(UTF8);
    },
    status: 200,
    body: UTF8,
    headers: ['content-type: application/json', `content-length: ${UTF8.length}`],
  },
  {
    name: 'chunked answer complete in one write',
    respond: (res) => {
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end('{"status":"error"}');
    },
    status: 422,
    body: Buffer.from('{"status":"error"}'),
    headers: ['content-type: application/json'],
  },
  {
    name: 'repeated header lines and a latin1 header byte',
    respond: (res) => {
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.setHeader('x-note', 'caf\u00e9');
      res.end('ok');
    },
    status: 200,
    body: Buffer.from('ok'),
    // node's server sends the UTF-8 bytes C3 A9 and its client reads header bytes as latin1; the
    // proxy must relay the bytes, not re-encode a decoded text
    headers: ['set-cookie: a=1', 'set-cookie: b=2', 'x-note: caf\u00c3\u00a9', 'content-length: 2'],
  },
  {
    name: 'no body',
    respond: (res) => {
      res.writeHead(204, { 'x-empty': 'yes' });
      res.end();
    },
    status: 204,
    body: Buffer.alloc(0),
    headers: ['x-empty: yes'],
  },
  {
    name: 'body sent after a pause (streamed)',
    respond: (res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 10 });
      res.write('hello');
      setTimeout(() => res.end('world'), 30).unref();
    },
    status: 200,
    body: Buffer.from('helloworld'),
    headers: ['content-type: text/plain', 'content-length: 10'],
  },
  {
    name: 'large answer (streamed)',
    respond: (res) => {
      res.writeHead(200, { 'content-length': LARGE.length });
      res.end(LARGE);
    },
    status: 200,
    body: LARGE,
    headers: [`content-length: ${LARGE.length}`],
  },
];

describe('upstream answers are relayed unchanged', () => {
  it.each(cases)('$name', async ({ respond, status, body, headers }) => {
    p.upstream.respond((_req, res) => {
      res.setHeader('keep-alive', 'timeout=77'); // hop-by-hop: never relayed
      respond(res);
    });
    const direct = await get(`${p.upstream.url}/api/v1/query?query=up`);
    const answer = await get(`${p.url}/api/v1/query?query=up`);
    expect(answer.status).toBe(status);
    expect(endToEndLines(direct.rawHeaders).sort()).toEqual([...headers, 'keep-alive: timeout=77'].sort());
    expect(endToEndLines(answer.rawHeaders)).toEqual(
      endToEndLines(direct.rawHeaders).filter((l) => !l.startsWith('keep-alive'))
    );
    expect(answer.body.equals(body)).toBe(true);
  });
});
