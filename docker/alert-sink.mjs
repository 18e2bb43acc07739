// The compose stack's notification sink: Alertmanager's webhook receivers post here instead of
// sending mail. Each notification is logged as one JSON line (`docker compose logs alert-sink`) and
// the last 100 are served at GET /received; GET /healthz answers 200. No dependencies: runs on any
// node image.
//
//   node alert-sink.mjs --web.listen-address=0.0.0.0:8080
//
// Alertmanager's webhook payload (version "4"): { receiver, status, alerts: [{ status, labels, ... }],
// groupLabels, commonLabels, ... } — https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
import http from 'node:http';

const KEEP = 100;
const MAX_BODY_BYTES = 1024 * 1024;

const flag = process.argv.find((arg) => arg.startsWith('--web.listen-address='));
const address = flag ? flag.slice('--web.listen-address='.length) : '0.0.0.0:8080';
const separator = address.lastIndexOf(':');
const host = address.slice(0, separator) || '0.0.0.0';
const port = Number(address.slice(separator + 1));
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--web.listen-address "${address}" must be HOST:PORT, e.g. 0.0.0.0:8080\n`);
  process.exit(2);
}

/** @type {Array<{ time: string, path: string, payload: unknown }>} */
const received = [];

function answer(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/healthz') {
    return answer(res, 200, { ok: true });
  }
  if (req.method === 'GET' && path === '/received') {
    return answer(res, 200, received);
  }
  if (req.method !== 'POST') {
    return answer(res, 405, { error: 'POST Alertmanager webhook notifications; GET /received lists the last ones' });
  }
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      answer(res, 413, { error: `notifications above ${MAX_BODY_BYTES} bytes are refused` });
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    let payload;
    try {
      payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return answer(res, 400, { error: 'the body is not JSON; this sink takes Alertmanager webhook payloads' });
    }
    const entry = { time: new Date().toISOString(), path, payload };
    received.push(entry);
    if (received.length > KEEP) {
      received.shift();
    }
    const alerts = Array.isArray(payload?.alerts) ? payload.alerts : [];
    process.stdout.write(
      JSON.stringify({
        time: entry.time,
        path,
        receiver: payload?.receiver,
        status: payload?.status,
        alerts: alerts.map((a) => ({ status: a?.status, labels: a?.labels })),
      }) + '\n'
    );
    answer(res, 200, { ok: true });
  });
});

server.listen(port, host, () => {
  process.stdout.write(
    JSON.stringify({ msg: 'alert sink listening', address: `${host}:${server.address().port}` }) + '\n'
  );
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
