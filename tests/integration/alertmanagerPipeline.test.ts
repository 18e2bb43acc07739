/** @jest-environment node */
/**
 * The compose stack's alerting path with real processes: Alertmanager 0.25 on
 * provisioning/alertmanager/alertmanager.yml (webhook URLs pointed at a local docker/alert-sink.mjs,
 * timings shortened), and the enforcing proxies of docker-compose.yaml's am-proxy-a / am-proxy-b
 * (their flags, upstream rewritten) in front of it. Alerts of tenants a and b and an untenanted one
 * are posted straight to Alertmanager, as Prometheus or Grafana would.
 *
 * - each tenant's notifications reach only its own webhook and carry only its alerts;
 * - through its proxy a tenant sees only its alerts, and a silence it creates there mutes its own
 *   alert but not the other tenant's alert of the same name.
 */
import { readFileSync } from 'fs';
import path from 'path';
import { parse, stringify } from 'yaml';
import { createProxy, parseProxyArgs, type Proxy } from '../../proxy';
import { silentLogger } from '../../proxy/log';
import {
  postAlerts,
  startAlertSink,
  startAlertmanager,
  type RunningAlertSink,
  type RunningAlertmanager,
  type WebhookPayload,
} from '../support/alertmanager';

const ROOT = path.resolve(__dirname, '..', '..');
const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yaml'), 'utf8')) as {
  services: Record<string, { command?: string[] }>;
};

let sink: RunningAlertSink;
let am: RunningAlertmanager;
const proxies: Record<string, { proxy: Proxy; url: string }> = {};

/** The provisioning config with the sink's address and timings a test can wait for. */
function configForTest(sinkUrl: string): string {
  const config = parse(readFileSync(path.join(ROOT, 'provisioning/alertmanager/alertmanager.yml'), 'utf8'));
  Object.assign(config.route, { group_wait: '1s', group_interval: '1s', repeat_interval: '1h' });
  for (const receiver of config.receivers as Array<{ webhook_configs?: Array<{ url: string }> }>) {
    for (const webhook of receiver.webhook_configs ?? []) {
      const url = new URL(webhook.url);
      webhook.url = `${sinkUrl}${url.pathname}`;
    }
  }
  return stringify(config);
}

/** A compose proxy service's flags, with the upstream and listen address of this test. */
function proxyArgs(service: string, upstream: string): string[] {
  const command = compose.services[service]?.command;
  if (!command) {
    throw new Error(`docker-compose.yaml has no service ${service} with a command`);
  }
  return command
    .filter((arg) => !/^--(upstream|insecure-listen-address|internal-listen-address)=/.test(arg))
    .concat([`--upstream=${upstream}`, '--insecure-listen-address=127.0.0.1:0']);
}

beforeAll(async () => {
  sink = await startAlertSink();
  am = await startAlertmanager({ config: configForTest(sink.url) });
  for (const tenant of ['a', 'b']) {
    const proxy = createProxy(parseProxyArgs(proxyArgs(`am-proxy-${tenant}`, am.url)), { logger: silentLogger });
    proxies[tenant] = { proxy, url: (await proxy.listen()).url };
  }
  await postAlerts(am.url, [
    { labels: { alertname: 'TargetDown', tenant: 'a', job: 'api' } },
    { labels: { alertname: 'TargetDown', tenant: 'b', job: 'api' } },
    { labels: { alertname: 'Watchdog' } },
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(proxies).map((p) => p.proxy.close()));
  await am?.stop();
  await sink?.stop();
});

async function notificationsUntil(
  done: (received: Array<{ path: string; payload: WebhookPayload }>) => boolean,
  timeoutMs = 20_000
): Promise<Array<{ path: string; payload: WebhookPayload }>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const received = await sink.received();
    if (done(received) || Date.now() > deadline) {
      return received;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const alertsAt = (received: Array<{ path: string; payload: WebhookPayload }>, sinkPath: string) =>
  received.filter((r) => r.path === sinkPath).flatMap((r) => r.payload.alerts);

it("sends each tenant's notifications to its own webhook with only its alerts, and the rest to the operator", async () => {
  const received = await notificationsUntil((r) =>
    ['/tenant/a', '/tenant/b', '/operator'].every((p) => r.some((n) => n.path === p))
  );
  expect(alertsAt(received, '/tenant/a').map((a) => a.labels)).toEqual([
    { alertname: 'TargetDown', tenant: 'a', job: 'api' },
  ]);
  expect(alertsAt(received, '/tenant/b').map((a) => a.labels)).toEqual([
    { alertname: 'TargetDown', tenant: 'b', job: 'api' },
  ]);
  expect(alertsAt(received, '/operator').map((a) => a.labels)).toEqual([{ alertname: 'Watchdog' }]);
});

it.each(['a', 'b'])('tenant %s sees only its alerts and alert groups through its proxy', async (tenant) => {
  const res = await fetch(`${proxies[tenant].url}/api/v2/alerts`);
  const alerts = (await res.json()) as Array<{ labels: Record<string, string> }>;
  expect(alerts.map((a) => a.labels)).toEqual([{ alertname: 'TargetDown', tenant, job: 'api' }]);
  // Groups are keyed by tenant here (group_by): no group of another tenant, not even an empty one
  // (its labels and receiver would name the other tenant).
  const groups = (await (await fetch(`${proxies[tenant].url}/api/v2/alerts/groups`)).json()) as Array<{
    labels: Record<string, string>;
    receiver: { name: string };
    alerts: unknown[];
  }>;
  expect(groups.map((g) => [g.labels, g.receiver.name, g.alerts.length])).toEqual([
    [{ alertname: 'TargetDown', tenant }, `tenant-${tenant}`, 1],
  ]);
});

it("a silence tenant a creates through its proxy mutes a's alert, not b's alert of the same name", async () => {
  const now = Date.now();
  const res = await fetch(`${proxies.a.url}/api/v2/silences`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      // No tenant matcher: without the proxy this would mute every tenant's Flapping alerts.
      matchers: [{ name: 'alertname', value: 'Flapping', isRegex: false }],
      startsAt: new Date(now - 1000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
      createdBy: 'tenant a',
      comment: 'maintenance',
    }),
  });
  expect(res.status).toBe(200);
  const { silenceID } = (await res.json()) as { silenceID: string };
  await postAlerts(am.url, [
    { labels: { alertname: 'Flapping', tenant: 'a' } },
    { labels: { alertname: 'Flapping', tenant: 'b' } },
  ]);
  const flapping = (r: Array<{ path: string; payload: WebhookPayload }>, p: string) =>
    alertsAt(r, p).filter((a) => a.labels.alertname === 'Flapping');
  const received = await notificationsUntil((r) => flapping(r, '/tenant/b').length > 0);
  expect(flapping(received, '/tenant/b').map((a) => a.labels.tenant)).toEqual(['b']);
  // b's group was flushed after group_wait; a's would have been flushed in the same round.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  expect(flapping(await sink.received(), '/tenant/a')).toEqual([]);
  // And Alertmanager itself says which alert the silence holds back.
  const states = await fetch(`${am.url}/api/v2/alerts?filter=${encodeURIComponent('alertname="Flapping"')}`);
  const alerts = (await states.json()) as Array<{ labels: Record<string, string>; status: { silencedBy: string[] } }>;
  expect(Object.fromEntries(alerts.map((a) => [a.labels.tenant, a.status.silencedBy]))).toEqual({
    a: [silenceID],
    b: [],
  });
});
