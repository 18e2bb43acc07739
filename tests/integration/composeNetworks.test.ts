/** @jest-environment node */
/**
 * Who can reach whom in docker-compose.yaml, offline. Compose puts a service on the networks it names
 * (`default` when it names none, none with `network_mode: none`), and a service reaches another by
 * name only over a network both are on. In Grafana OSS an org Admin can add a data source with any URL
 * Grafana can reach, so whatever is on Grafana's networks is readable around the enforcing proxies:
 * the upstreams (central, alertmanager, loki), the agents writing to them and the exporters must be out
 * of Grafana's reach, and the proxies that verify who is asking within it. Every connection the stack's
 * own configuration makes (proxy commands, Prometheus, Alertmanager and Alloy configs, Grafana's data
 * sources from the sample spec) is checked to run over a shared network, so no isolation here breaks
 * the stack.
 */
import path from 'path';

import { parseTenantSpec } from '../../src/tenancy';
import { parseAlloyConfig } from '../support/alloyConfig';
import {
  compose,
  flag,
  flags,
  mountedFile,
  networksOf,
  reachableFrom,
  readText,
  readYaml,
  ROOT,
  services,
  type Service,
} from './composeFile';
import { loadPrometheusConfig, PROMETHEUS_CONFIG_DIR } from './prometheusConfigs';

/**
 * The services each service reaches by name, written out: a change of networks in docker-compose.yaml
 * has to change this table on purpose. Grafana's row is the deployment rule of the README.
 */
const EXPECTED_REACH: Record<string, string[]> = {
  // Grafana, the one-shot jobs and the proxies that verify who is asking (token, Grafana ID token).
  grafana: [
    'plugin-build',
    'tenancy-apply',
    'tenancy-proxy',
    'tenancy-proxy-logs',
    'tenancy-proxy-logs-shared',
    'tenancy-proxy-shared',
  ],
  'plugin-build': [
    'grafana',
    'tenancy-apply',
    'tenancy-proxy',
    'tenancy-proxy-logs',
    'tenancy-proxy-logs-shared',
    'tenancy-proxy-shared',
  ],
  'tenancy-apply': [
    'grafana',
    'plugin-build',
    'tenancy-proxy',
    'tenancy-proxy-logs',
    'tenancy-proxy-logs-shared',
    'tenancy-proxy-shared',
  ],
  // Metrics proxies: Grafana's network and metrics-backend.
  'tenancy-proxy': [
    'agent-a',
    'agent-b',
    'cadvisor',
    'central',
    'grafana',
    'node-exporter',
    'plugin-build',
    'tenancy-apply',
    'tenancy-proxy-logs',
    'tenancy-proxy-logs-shared',
    'tenancy-proxy-shared',
  ],
  'tenancy-proxy-shared': [
    'agent-a',
    'agent-b',
    'cadvisor',
    'central',
    'grafana',
    'node-exporter',
    'plugin-build',
    'tenancy-apply',
    'tenancy-proxy',
    'tenancy-proxy-logs',
    'tenancy-proxy-logs-shared',
  ],
  // metrics-backend only.
  central: ['agent-a', 'agent-b', 'cadvisor', 'node-exporter', 'tenancy-proxy', 'tenancy-proxy-shared'],
  'agent-a': ['agent-b', 'cadvisor', 'central', 'node-exporter', 'tenancy-proxy', 'tenancy-proxy-shared'],
  'agent-b': ['agent-a', 'cadvisor', 'central', 'node-exporter', 'tenancy-proxy', 'tenancy-proxy-shared'],
  'node-exporter': ['agent-a', 'agent-b', 'cadvisor', 'central', 'tenancy-proxy', 'tenancy-proxy-shared'],
  cadvisor: ['agent-a', 'agent-b', 'central', 'node-exporter', 'tenancy-proxy', 'tenancy-proxy-shared'],
  // alerting-backend only: nothing outside it reaches the fixed-tenant Alertmanager proxies.
  alertmanager: ['alert-sink', 'am-proxy-a', 'am-proxy-b'],
  'alert-sink': ['alertmanager', 'am-proxy-a', 'am-proxy-b'],
  'am-proxy-a': ['alert-sink', 'alertmanager', 'am-proxy-b'],
  'am-proxy-b': ['alert-sink', 'alertmanager', 'am-proxy-a'],
  // logs-backend only, and the Loki proxies on Grafana's network as well.
  loki: ['log-agent-a', 'log-agent-b', 'tenancy-proxy-logs', 'tenancy-proxy-logs-shared'],
  'log-agent-a': ['log-agent-b', 'loki', 'tenancy-proxy-logs', 'tenancy-proxy-logs-shared'],
  'log-agent-b': ['log-agent-a', 'loki', 'tenancy-proxy-logs', 'tenancy-proxy-logs-shared'],
  'tenancy-proxy-logs': [
    'grafana',
    'log-agent-a',
    'log-agent-b',
    'loki',
    'plugin-build',
    'tenancy-apply',
    'tenancy-proxy',
    'tenancy-proxy-logs-shared',
    'tenancy-proxy-shared',
  ],
  'tenancy-proxy-logs-shared': [
    'grafana',
    'log-agent-a',
    'log-agent-b',
    'loki',
    'plugin-build',
    'tenancy-apply',
    'tenancy-proxy',
    'tenancy-proxy-logs',
    'tenancy-proxy-shared',
  ],
  // The workloads have no network at all.
  'logs-app-a': [],
  'logs-app-b': [],
};

const isProxy = (svc: Service) => svc.build?.dockerfile === 'proxy/Dockerfile';
/** The tenant comes from the proxy's flags or from the request: whoever reaches it picks or is that tenant. */
const NETWORK_TRUSTED = ['label-value', 'header-name', 'query-param'];
const trustsNetwork = (svc: Service) => NETWORK_TRUSTED.some((f) => flags(svc).has(f));
const verifiesIdentity = (svc: Service) => flags(svc).has('tenant-tokens-file') || flags(svc).has('grafana-id-token');

interface Connection {
  from: string;
  to: string;
  /** What makes the connection, e.g. `--upstream` or `remote_write`. */
  via: string;
}

/** The service a URL or host:port names, or undefined when it is not a compose service (external). */
function serviceOf(hostOrUrl: string): string | undefined {
  const host = hostOrUrl.includes('://') ? new URL(hostOrUrl).hostname : hostOrUrl.split(':')[0];
  return compose.services[host] ? host : undefined;
}

const LOCAL = new Set(['localhost', '127.0.0.1']);

function connect(out: Connection[], from: string, hostOrUrl: string, via: string, externalAllowed = false) {
  const host = hostOrUrl.includes('://') ? new URL(hostOrUrl).hostname : hostOrUrl.split(':')[0];
  if (LOCAL.has(host)) {
    return;
  }
  const to = serviceOf(hostOrUrl);
  if (to === undefined && externalAllowed) {
    return;
  }
  out.push({ from, to: to ?? `no service "${host}"`, via });
}

/** Every connection between services that the stack's own configuration makes. */
function stackConnections(): Connection[] {
  const out: Connection[] = [];
  for (const [name, svc] of services) {
    if (isProxy(svc) || name === 'tenancy-apply') {
      for (const key of ['upstream', 'grafana-url']) {
        for (const url of flags(svc).get(key) ?? []) {
          connect(out, name, url, `--${key}`);
        }
      }
    }
    if (svc.image?.startsWith('prom/prometheus:')) {
      const host = mountedFile(svc, flag(svc, 'config.file')!)!;
      const config = loadPrometheusConfig(path.relative(PROMETHEUS_CONFIG_DIR, path.resolve(ROOT, host)));
      for (const job of config.scrape_configs ?? []) {
        for (const target of job.static_configs?.flatMap((sc) => sc.targets) ?? []) {
          connect(out, name, target, `scrape ${job.job_name}`);
        }
      }
      for (const rw of config.remote_write ?? []) {
        connect(out, name, rw.url, 'remote_write');
      }
    }
    if (svc.image?.startsWith('prom/alertmanager:')) {
      const config = readYaml(mountedFile(svc, flag(svc, 'config.file')!)!) as {
        receivers: Array<{ name: string; webhook_configs?: Array<{ url: string }> }>;
      };
      for (const receiver of config.receivers) {
        for (const { url } of receiver.webhook_configs ?? []) {
          connect(out, name, url, `receiver ${receiver.name}`);
        }
      }
    }
    if (svc.image?.startsWith('grafana/alloy:')) {
      const blocks = parseAlloyConfig(readText(mountedFile(svc, (svc.command ?? [])[1])!));
      for (const write of blocks.filter((b) => b.name === 'loki.write')) {
        for (const endpoint of write.blocks.filter((b) => b.name === 'endpoint')) {
          connect(out, name, String(endpoint.attributes.url), 'loki.write');
        }
      }
    }
  }
  for (const [url, via] of grafanaUrls()) {
    connect(out, 'grafana', url, via, via.startsWith('contact point'));
  }
  return out;
}

/** URLs Grafana itself calls: provisioned data sources, the sample spec's data sources and contact points. */
function grafanaUrls(): Array<[string, string]> {
  const urls: Array<[string, string]> = [];
  const provisioned = (readYaml('provisioning/datasources/datasources.yaml').datasources ?? []) as Array<{
    name: string;
    url?: string;
  }>;
  for (const ds of provisioned.filter((d) => d.url)) {
    urls.push([ds.url!, `provisioned data source ${ds.name}`]);
  }
  const specText = readText('provisioning/tenants/tenants.yaml');
  const parsed = parseTenantSpec(specText);
  if (!parsed.ok) {
    throw new Error(`sample tenant spec invalid: ${JSON.stringify(parsed.errors)}`);
  }
  for (const tenant of parsed.spec.tenants) {
    urls.push([tenant.datasource.url, `tenant ${tenant.id} data source`]);
    for (const cp of tenant.alerting.contactPoints) {
      if (typeof cp.settings.url === 'string') {
        urls.push([cp.settings.url, `contact point ${cp.name} of tenant ${tenant.id}`]);
      }
    }
  }
  for (const org of parsed.spec.sharedOrgs) {
    urls.push([org.proxyUrl, `shared org ${org.id} data source`]);
  }
  // The logs side of the spec, as far as the sample carries it (read raw, as composeLogs.test.ts does).
  const raw = readYaml('provisioning/tenants/tenants.yaml') as {
    defaults?: { logs?: { url?: string } };
    tenants?: Array<{ id: string; logs?: { url?: string } }>;
    sharedOrgs?: Array<{ orgName: string; logsProxyUrl?: string }>;
  };
  const logsUrls: Array<[string | undefined, string]> = [
    [raw.defaults?.logs?.url, 'defaults.logs'],
    ...(raw.tenants ?? []).map((t): [string | undefined, string] => [t.logs?.url, `tenant ${t.id} logs`]),
    ...(raw.sharedOrgs ?? []).map((o): [string | undefined, string] => [o.logsProxyUrl, `${o.orgName} logs`]),
  ];
  for (const [url, via] of logsUrls) {
    if (url !== undefined) {
      urls.push([url, `${via} data source`]);
    }
  }
  const apps = readYaml('provisioning/plugins/apps.yaml').apps as Array<{ jsonData: { proxyUrlTemplate: string } }>;
  for (const app of apps) {
    for (const tenant of parsed.spec.tenants) {
      urls.push([
        app.jsonData.proxyUrlTemplate.replace('{tenant}', tenant.id),
        `app proxyUrlTemplate, tenant ${tenant.id}`,
      ]);
    }
  }
  return urls;
}

const connections = stackConnections();
/** Services something writes to or reads through a proxy: the stores every tenant's data is in. */
const upstreams = new Set(
  connections
    .filter((c) => c.via === '--upstream' || c.via === 'remote_write' || c.via === 'loki.write')
    .map((c) => c.to)
);
/** Services that write into an upstream, and the scrape targets they read. */
const writers = new Set(
  connections.filter((c) => c.via === 'remote_write' || c.via === 'loki.write').map((c) => c.from)
);
const scraped = new Set(connections.filter((c) => c.via.startsWith('scrape ')).map((c) => c.to));

describe('networks of docker-compose.yaml: the model these checks rely on', () => {
  it.each(services)('%s: its networks are ones the reachability model reads, and declared', (name, svc) => {
    const declared = ['default', ...Object.keys(compose.networks ?? {})];
    expect(networksOf(svc, name).filter((n) => !declared.includes(n))).toEqual([]);
  });

  it('every declared network is internal (no route out), none external', () => {
    const declared = Object.entries(compose.networks ?? {});
    expect(declared.map(([n]) => n).sort()).toEqual(['alerting-backend', 'logs-backend', 'metrics-backend']);
    for (const [name, config] of declared) {
      expect([name, config]).toEqual([name, { internal: true }]);
    }
  });

  it('the table below covers every service of the file', () => {
    expect(services.map(([name]) => name).sort()).toEqual(Object.keys(EXPECTED_REACH).sort());
  });

  it('finds the connections of the stack (proxies, agents, Alertmanager, log agents, Grafana)', () => {
    const vias = new Set(connections.map((c) => c.via.split(' ')[0]));
    expect([...vias].sort()).toEqual(
      expect.arrayContaining(['--grafana-url', '--upstream', 'loki.write', 'receiver', 'remote_write', 'scrape'])
    );
    expect(connections.filter((c) => c.from === 'grafana').length).toBeGreaterThan(0);
    expect([...upstreams].sort()).toEqual(['alertmanager', 'central', 'loki']);
  });
});

describe('who reaches whom', () => {
  it.each(services.map(([name]) => name))('%s reaches exactly the services of the table', (name) => {
    expect(reachableFrom(name)).toEqual([...(EXPECTED_REACH[name] ?? [`${name} missing from the table`])].sort());
  });

  it.each(connections.map((c) => [`${c.from} → ${c.to} (${c.via})`, c] as const))(
    '%s runs over a network both are on',
    (_label, c) => {
      expect({ ...c, reachable: reachableFrom(c.from).includes(c.to) }).toEqual({ ...c, reachable: true });
    }
  );
});

describe('Grafana reaches the proxies, never what is behind them', () => {
  const grafanaReach = reachableFrom('grafana');

  it('cannot reach central, alertmanager, alert-sink, loki, the agents or the exporters', () => {
    const behind = [
      'central',
      'alertmanager',
      'alert-sink',
      'loki',
      'agent-a',
      'agent-b',
      'log-agent-a',
      'log-agent-b',
      'node-exporter',
      'cadvisor',
    ];
    expect(behind.filter((s) => compose.services[s] === undefined)).toEqual([]);
    expect(grafanaReach.filter((s) => behind.includes(s))).toEqual([]);
  });

  it('reaches no upstream, no agent writing into one and no scrape target (found from the configs)', () => {
    expect(upstreams.size).toBeGreaterThanOrEqual(3);
    expect(writers.size).toBeGreaterThanOrEqual(4);
    expect(scraped.size).toBeGreaterThanOrEqual(2);
    expect(grafanaReach.filter((s) => upstreams.has(s) || writers.has(s) || scraped.has(s))).toEqual([]);
  });

  it('reaches every proxy that verifies who is asking, and no proxy that takes the tenant from the network', () => {
    const proxies = services.filter(([, s]) => isProxy(s));
    const verifying = proxies.filter(([, s]) => verifiesIdentity(s) && !trustsNetwork(s)).map(([n]) => n);
    const trusting = proxies.filter(([, s]) => trustsNetwork(s)).map(([n]) => n);
    expect(verifying.sort()).toEqual([
      'tenancy-proxy',
      'tenancy-proxy-logs',
      'tenancy-proxy-logs-shared',
      'tenancy-proxy-shared',
    ]);
    expect(trusting.sort()).toEqual(['am-proxy-a', 'am-proxy-b']);
    expect(verifying.filter((p) => !grafanaReach.includes(p))).toEqual([]);
    expect(trusting.filter((p) => grafanaReach.includes(p))).toEqual([]);
  });

  it('every service Grafana reaches is a verifying proxy or a one-shot job that listens on nothing', () => {
    const allowed = ([name, svc]: [string, Service]) =>
      (isProxy(svc) && verifiesIdentity(svc) && !trustsNetwork(svc)) || name === 'plugin-build' || svc.restart === 'no';
    const reached = services.filter(([name]) => grafanaReach.includes(name));
    expect(reached.filter((entry) => !allowed(entry)).map(([name]) => name)).toEqual([]);
  });

  it('keeps every upstream on internal networks only', () => {
    for (const upstream of upstreams) {
      const nets = networksOf(compose.services[upstream], upstream);
      expect({ upstream, nets: nets.length > 0 }).toEqual({ upstream, nets: true });
      for (const net of nets) {
        expect({ upstream, net, internal: compose.networks?.[net]?.internal === true }).toEqual({
          upstream,
          net,
          internal: true,
        });
      }
    }
  });

  it('every proxy’s --upstream names a service on a network the proxy shares with it', () => {
    const proxies = services.filter(([, s]) => isProxy(s));
    expect(proxies.length).toBeGreaterThanOrEqual(6);
    for (const [name, svc] of proxies) {
      const upstream = serviceOf(flag(svc, 'upstream') ?? 'missing');
      expect([name, upstream !== undefined && upstreams.has(upstream)]).toEqual([name, true]);
      const shared = networksOf(svc, name).filter((n) => networksOf(compose.services[upstream!], upstream).includes(n));
      expect([name, shared.length]).toEqual([name, 1]);
      expect([name, compose.networks?.[shared[0]]?.internal]).toEqual([name, true]);
    }
  });

  it('every metrics agent’s remote_write reaches central', () => {
    const writes = connections.filter((c) => c.via === 'remote_write');
    expect(writes.map((c) => c.from).sort()).toEqual(['agent-a', 'agent-b']);
    for (const c of writes) {
      expect([c.from, c.to, reachableFrom(c.from).includes('central')]).toEqual([c.from, 'central', true]);
    }
  });
});

describe('healthchecks and start order still hold on separate networks', () => {
  it.each(services.filter(([, s]) => s.healthcheck))('%s: its healthcheck calls only itself', (name, svc) => {
    const text = (svc.healthcheck?.test ?? []).join(' ');
    const hosts = [...text.matchAll(/https?:\/\/([^:/'"\s]+)/g), ...text.matchAll(/\/dev\/tcp\/([^/]+)\//g)].map(
      (m) => m[1]
    );
    // The workloads (no network) check their log file instead; every other healthcheck calls a URL.
    expect(hosts.length > 0 || networksOf(svc, name).length === 0).toBe(true);
    expect(hosts.filter((h) => !LOCAL.has(h))).toEqual([]);
  });

  it('Grafana still waits for central (depends_on needs no shared network), and the proxies for theirs', () => {
    expect(compose.services.grafana.depends_on?.central).toEqual({ condition: 'service_healthy' });
    for (const [name, svc] of services.filter(([, s]) => isProxy(s))) {
      const upstream = serviceOf(flag(svc, 'upstream')!)!;
      expect([name, svc.depends_on?.[upstream]]).toEqual([name, { condition: 'service_healthy' }]);
    }
  });
});

describe('README: the deployment rule says what this file does', () => {
  const readme = readText('README.md').replace(/\s+/g, ' ');
  const rule = readme.slice(readme.indexOf('**Deployment rule'), readme.indexOf('Everything fails closed'));

  it('keeps the upstreams away from Grafana, names every internal network and this test', () => {
    expect(rule).toContain('never from Grafana');
    for (const upstream of ['central Prometheus', 'Alertmanager', 'Loki']) {
      expect(rule).toContain(upstream);
    }
    for (const network of Object.keys(compose.networks ?? {})) {
      expect(rule).toContain(`\`${network}\``);
    }
    expect(rule).toContain('tests/integration/composeNetworks.test.ts');
    // The old wording is exactly the hole: "reachable only from Grafana".
    expect(rule).not.toMatch(/central Prometheus are reachable \*\*only from Grafana/);
  });

  it('tells operators how to see every tenant without an implicit all-tenants identity', () => {
    expect(rule).toContain(`rules: ['{tenant=~".+"}']`);
  });
});
