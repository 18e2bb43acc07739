// A tenant's workload in the compose stack: writes JSON log lines (level, app, message, HTTP status,
// duration) to one file that only this tenant's log agent reads (a per-tenant volume). No
// dependencies: runs on any node image.
//
//   node log-generator.mjs --out=/logs/app.log --apps=checkout,payments --claim-tenant=b
//
// --claim-tenant=X makes about one line in ten carry `"tenant":"X"`: a workload claiming another
// tenant's label, which the agent must not believe (its write-side relabel stamps its own tenant).
// --interval-ms (default 1000) is the pause between batches of 1-3 lines; --max-bytes (default 5 MiB)
// rotates the file to <out>.1 so the volume stays small; --lines=N stops after N lines (tests).
import { appendFileSync, renameSync, statSync } from 'node:fs';

const LEVELS = [
  ['info', 70],
  ['debug', 12],
  ['warn', 12],
  ['error', 6],
];
const ROUTES = ['GET /cart', 'POST /cart/items', 'GET /products', 'POST /orders', 'GET /health'];

function option(name, fallback) {
  const prefix = `--${name}=`;
  const arg = process.argv.slice(2).find((a) => a.startsWith(prefix));
  return arg === undefined ? fallback : arg.slice(prefix.length);
}

function positiveInteger(name, fallback) {
  const raw = option(name, String(fallback));
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    process.stderr.write(`--${name} "${raw}" must be a positive integer\n`);
    process.exit(2);
  }
  return value;
}

const known = ['out', 'apps', 'claim-tenant', 'interval-ms', 'max-bytes', 'lines'];
for (const arg of process.argv.slice(2)) {
  const name = /^--([a-z-]+)=/.exec(arg)?.[1];
  if (!name || !known.includes(name)) {
    process.stderr.write(`unknown argument "${arg}"; flags: ${known.map((k) => `--${k}=…`).join(' ')}\n`);
    process.exit(2);
  }
}

const out = option('out', '/logs/app.log');
const apps = option('apps', 'web')
  .split(',')
  .map((a) => a.trim())
  .filter((a) => a !== '');
const claimTenant = option('claim-tenant', '');
const intervalMs = positiveInteger('interval-ms', 1000);
const maxBytes = positiveInteger('max-bytes', 5 * 1024 * 1024);
const maxLines = option('lines', '') === '' ? Infinity : positiveInteger('lines', 1);
if (apps.length === 0) {
  process.stderr.write('--apps must name at least one app, e.g. --apps=checkout,payments\n');
  process.exit(2);
}

const pick = (items) => items[Math.floor(Math.random() * items.length)];

function pickLevel() {
  let roll = Math.random() * 100;
  for (const [level, weight] of LEVELS) {
    roll -= weight;
    if (roll < 0) {
      return level;
    }
  }
  return 'info';
}

function line(n) {
  const level = pickLevel();
  const status = level === 'error' ? pick([500, 502, 503]) : level === 'warn' ? pick([404, 429]) : 200;
  const entry = {
    ts: new Date().toISOString(),
    level,
    app: pick(apps),
    msg: `${pick(ROUTES)} ${status}`,
    status,
    duration_ms: Math.round(5 + Math.random() * (level === 'error' ? 900 : 120)),
  };
  if (claimTenant !== '' && n % 10 === 3) {
    entry.tenant = claimTenant;
    entry.msg += ` (this line claims tenant ${claimTenant})`;
  }
  return JSON.stringify(entry) + '\n';
}

function rotateIfLarge() {
  try {
    if (statSync(out).size > maxBytes) {
      renameSync(out, `${out}.1`);
    }
  } catch (err) {
    if (err.code !== 'ENOENT') {
      throw err;
    }
  }
}

let written = 0;
function batch() {
  const count = Math.min(1 + Math.floor(Math.random() * 3), maxLines - written);
  let text = '';
  for (let i = 0; i < count; i++) {
    text += line(written++);
  }
  appendFileSync(out, text);
  rotateIfLarge();
  if (written >= maxLines) {
    process.exit(0);
  }
}

// Node as PID 1 in a container gets no default SIGTERM handling: stop at once on `docker compose stop`.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
batch();
setInterval(batch, intervalMs);
