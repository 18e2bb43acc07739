/** @jest-environment node */
import { existsSync, readFileSync } from 'fs';
import path from 'path';
import { parse } from 'yaml';

import { parseProxyArgs, validateOptions } from '../../proxy/options';
import { DEFAULT_PROXY_URL } from '../../src/constants';
import { parseTenantSpec } from '../../src/tenancy';
import { parseCliArgs } from '../../src/tenancy/cli/args';
import { runAmtool } from '../support/alertmanager';
import { runPromtool } from '../support/prometheus';
import {
  bindMounts,
  compose,
  flag,
  flags,
  hostMounts,
  mountedFile,
  readYaml,
  ROOT,
  services,
  type Service,
} from './composeFile';
import { loadPrometheusConfig, PROMETHEUS_CONFIG_DIR, type PrometheusConfig } from './prometheusConfigs';

/**
 * docker-compose.yaml validated offline (no Docker here) against the repository and the provisioning
 * files it mounts: pinned images, existing paths, and every host:port / URL pointing at a service
 * that listens there. The logs services have their own file, composeLogs.test.ts.
 */

const readJson = (rel: string) => JSON.parse(readFileSync(path.join(ROOT, rel), 'utf8'));

const APP_ID: string = readJson('src/plugin.json').id;
const WRAPPER_ID: string = readJson('src/datasource/plugin.json').id;
const GRAFANA_DEPENDENCY: string = readJson('src/plugin.json').dependencies.grafanaDependency;

const isPrometheus = (svc: Service) => svc.image?.startsWith('prom/prometheus:') ?? false;
const isAgent = (svc: Service) => isPrometheus(svc) && flag(svc, 'enable-feature') === 'agent';
const isReceiver = (svc: Service) => isPrometheus(svc) && flags(svc).has('web.enable-remote-write-receiver');
const isProxyBuild = (svc: Service) => svc.build?.dockerfile === 'proxy/Dockerfile';
/** Enforcing proxies in front of Prometheus (the default --upstream-kind) and in front of Alertmanager. */
const isProxy = (svc: Service) => isProxyBuild(svc) && (flag(svc, 'upstream-kind') ?? 'prometheus') === 'prometheus';
const isAlertmanagerProxy = (svc: Service) => isProxyBuild(svc) && flag(svc, 'upstream-kind') === 'alertmanager';
const isAlertmanager = (svc: Service) => svc.image?.startsWith('prom/alertmanager:') ?? false;
/** cAdvisor images: ghcr.io from v0.53.0 on, gcr.io before (cadvisor docs/running.md). */
const isCadvisor = (svc: Service) => /^(ghcr\.io\/google\/cadvisor|gcr\.io\/cadvisor\/cadvisor):/.test(svc.image ?? '');

/** Default listen ports of the exporters' images (node-exporter --web.listen-address, cAdvisor --port). */
const IMAGE_PORTS: ReadonlyArray<[(svc: Service) => boolean, number]> = [
  [isPrometheus, 9090],
  [(svc) => svc.image?.startsWith('prom/node-exporter:') ?? false, 9100],
  [(svc) => svc.image?.startsWith('grafana/grafana:') ?? false, 3000],
  [isCadvisor, 8080],
];

/** The port a service listens on inside the compose network. */
function listenPort(svc: Service): number {
  const address = flag(svc, 'insecure-listen-address') ?? flag(svc, 'web.listen-address');
  if (address) {
    return Number(address.split(':').pop());
  }
  if (isCadvisor(svc) && flag(svc, 'port')) {
    return Number(flag(svc, 'port'));
  }
  const known = IMAGE_PORTS.find(([matches]) => matches(svc));
  if (known) {
    return known[1];
  }
  throw new Error(`no known listen port for service image ${svc.image ?? svc.build?.dockerfile}`);
}

/** The Prometheus config a Prometheus service runs, read from the provisioning file it mounts. */
function mountedPrometheusConfig(name: string, svc: Service): { file: string; config: PrometheusConfig } {
  const configPath = flag(svc, 'config.file');
  const mount = bindMounts(svc).find((m) => m.container === configPath);
  if (!mount) {
    throw new Error(`service ${name} runs --config.file=${configPath} but mounts nothing there`);
  }
  const file = path.relative(PROMETHEUS_CONFIG_DIR, path.resolve(ROOT, mount.host));
  return { file, config: loadPrometheusConfig(file) };
}

/** Fails unless `host:port` is a service listening on that port (or the service itself via localhost). */
function expectReachable(hostPort: string, self: string, where: string): string {
  const [host, port] = hostPort.split(':');
  const target = host === 'localhost' ? self : host;
  const svc = compose.services[target];
  expect({ where, hostPort, service: svc ? target : 'missing' }).toEqual({ where, hostPort, service: target });
  expect({ where, hostPort, port: Number(port) }).toEqual({ where, hostPort, port: listenPort(svc) });
  return target;
}

/** `>=X.Y.Z` (the only form plugin.json uses) checked against an image version. */
function satisfiesMinimum(version: string, range: string): boolean {
  const m = /^>=(\d+)\.(\d+)\.(\d+)$/.exec(range);
  if (!m) {
    throw new Error(`grafanaDependency "${range}" is not of the form >=X.Y.Z; extend satisfiesMinimum`);
  }
  const want = m.slice(1).map(Number);
  const have = version.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if (have[i] !== want[i]) {
      return have[i] > want[i];
    }
  }
  return true;
}

describe('docker-compose.yaml', () => {
  it.each(services.filter(([, s]) => s.image))('%s pins its image to a version', (_name, svc) => {
    // A version, optionally with the image's variant (node:22.14.0-bookworm-slim), or a digest.
    expect(svc.image).toMatch(/^[\w./-]+:v?\d+\.\d+\.\d+(-[a-z][\w.-]*)?$|@sha256:[0-9a-f]{64}$/);
  });

  it.each(services.filter(([, s]) => s.build))('%s builds from a Dockerfile in the repository', (_name, svc) => {
    const dockerfile = path.join(ROOT, svc.build!.context, svc.build!.dockerfile ?? 'Dockerfile');
    expect(existsSync(dockerfile) ? dockerfile : `missing: ${dockerfile}`).toBe(dockerfile);
  });

  it.each(services.filter(([, s]) => s.build))('%s builds FROM versioned base images', (_name, svc) => {
    const text = readFileSync(path.join(ROOT, svc.build!.context, svc.build!.dockerfile ?? 'Dockerfile'), 'utf8');
    const stages = new Set([...text.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((m) => m[1]));
    // A stage built on an earlier stage (`FROM build AS tenancy-cli`) inherits that stage's pinned base.
    const bases = [...text.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]).filter((b) => !stages.has(b));
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) {
      expect(base).toMatch(/^[\w./-]+:\d[\w.-]*$|@sha256:[0-9a-f]{64}$/);
    }
  });

  it.each(services)('%s mounts only paths that exist and volumes that are declared', (_name, svc) => {
    for (const { host } of bindMounts(svc)) {
      expect(existsSync(path.resolve(ROOT, host)) ? host : `missing: ${host}`).toBe(host);
    }
    // The Docker host's own paths (they exist there, not in the repository) are only ever read.
    for (const mount of hostMounts(svc)) {
      expect(mount).toMatch(/^\/[^:]*:\/[^:]*:ro$/);
    }
    const named = (svc.volumes ?? [])
      .map((v) => v.split(':')[0])
      .filter((h) => !h.startsWith('.') && !h.startsWith('/'));
    for (const volume of named) {
      expect(Object.keys(compose.volumes ?? {})).toContain(volume);
    }
  });

  // One-shot jobs (the plugin build, the tenancy apply) run to completion instead of being healthy.
  it.each(services.filter(([name, svc]) => name !== 'plugin-build' && svc.restart !== 'no'))(
    '%s has a healthcheck and depends on existing services',
    (_name, svc) => {
      expect(svc.healthcheck?.test.length).toBeGreaterThan(0);
      for (const dep of Object.keys(svc.depends_on ?? {})) {
        expect(Object.keys(compose.services)).toContain(dep);
      }
    }
  );

  it('runs one receiving central Prometheus and agents in agent mode with the provisioning configs', async () => {
    const prometheus = services.filter(([, s]) => isPrometheus(s));
    expect(prometheus.filter(([, s]) => isReceiver(s)).map(([n]) => n)).toEqual(['central']);
    expect(
      prometheus
        .filter(([, s]) => isAgent(s))
        .map(([n]) => n)
        .sort()
    ).toEqual(['agent-a', 'agent-b']);
    for (const [name, svc] of prometheus) {
      // Agent mode refuses the server's storage flag and vice versa.
      expect([name, flags(svc).has(isAgent(svc) ? 'storage.agent.path' : 'storage.tsdb.path')]).toEqual([name, true]);
      const { file } = mountedPrometheusConfig(name, svc);
      await runPromtool(['check', 'config', path.join(PROMETHEUS_CONFIG_DIR, file)]);
    }
  });

  it.each(services.filter(([, s]) => isAgent(s)))('%s scrapes and writes to services that exist', (name, svc) => {
    const { config } = mountedPrometheusConfig(name, svc);
    for (const job of config.scrape_configs ?? []) {
      for (const target of job.static_configs?.flatMap((sc) => sc.targets) ?? []) {
        expectReachable(target, name, `${name} scrape job ${job.job_name}`);
      }
    }
    expect(config.remote_write?.length).toBeGreaterThan(0);
    for (const rw of config.remote_write ?? []) {
      const url = new URL(rw.url);
      expect(url.pathname).toBe('/api/v1/write');
      expect(isReceiver(compose.services[expectReachable(url.host, name, `${name} remote_write`)])).toBe(true);
    }
  });
});

describe('cAdvisor (the container panels of the resource overview)', () => {
  const cadvisors = services.filter(([, s]) => isCadvisor(s));
  const agents = services.filter(([, s]) => isAgent(s));

  it('runs one cAdvisor that every agent scrapes', () => {
    expect(cadvisors.map(([name]) => name)).toEqual(['cadvisor']);
    for (const [name, svc] of agents) {
      const targets = (mountedPrometheusConfig(name, svc).config.scrape_configs ?? []).flatMap(
        (job) => job.static_configs?.flatMap((sc) => sc.targets) ?? []
      );
      // Reachability of every target is checked above; here: one of them is the cAdvisor service.
      expect([name, targets.some((t) => isCadvisor(compose.services[t.split(':')[0]] ?? {}))]).toEqual([name, true]);
    }
  });

  it('watches the host read-only and exports only Docker containers’ CPU and memory', () => {
    const [, svc] = cadvisors[0];
    expect(hostMounts(svc).length).toBeGreaterThan(0);
    expect(hostMounts(svc).filter((m) => !m.endsWith(':ro'))).toEqual([]);
    expect(flag(svc, 'docker_only')).toBe('true');
    expect(flag(svc, 'housekeeping_interval')).toMatch(/^\d+s$/);
    // --enable_metrics is an allow-list (it overrides --disable_metrics): cpu and memory groups only.
    expect(flag(svc, 'enable_metrics')?.split(',').sort()).toEqual(['cpu', 'memory']);
    // Otherwise every Docker label and env var of every container becomes a metric label.
    expect(flag(svc, 'store_container_labels')).toBe('false');
  });
});

describe('agent configs (provisioning/prometheus)', () => {
  const agents = services
    .filter(([, s]) => isAgent(s))
    .map(([name, svc]) => ({ name, ...mountedPrometheusConfig(name, svc) }));

  it.each(agents)('$name drops go_* and forces its external tenant and cluster labels on every write', ({ config }) => {
    const external = config.global?.external_labels ?? {};
    expect(external.tenant).toBeTruthy();
    expect(external.cluster).toBeTruthy();
    for (const rw of config.remote_write ?? []) {
      const rules = rw.write_relabel_configs ?? [];
      expect(rules).toContainEqual({ source_labels: ['__name__'], regex: 'go_.*', action: 'drop' });
      for (const label of ['tenant', 'cluster']) {
        // A replace without source_labels sets the label whatever the series carried.
        expect(rules).toContainEqual({ target_label: label, replacement: external[label], action: 'replace' });
      }
    }
  });

  it('agent files differ only in their tenant and cluster values', () => {
    const [first, ...rest] = agents;
    const neutral = (a: (typeof agents)[number]) => {
      const { tenant, cluster } = a.config.global!.external_labels!;
      return JSON.parse(
        JSON.stringify(a.config, (_k, v) => (v === tenant ? '<tenant>' : v === cluster ? '<cluster>' : v))
      );
    };
    for (const other of rest) {
      expect(neutral(other)).toEqual(neutral(first));
    }
  });
});

describe('proxies, Grafana and its provisioning', () => {
  const proxies = services.filter(([, s]) => isProxy(s));
  const agentTenants = services
    .filter(([, s]) => isAgent(s))
    .map(([name, svc]) => mountedPrometheusConfig(name, svc).config.global!.external_labels!.tenant)
    .sort();
  const grafana = compose.services.grafana;

  const tokenProxies = proxies.filter(([, svc]) => flags(svc).has('tenant-tokens-file'));
  const idTokenProxies = proxies.filter(([, svc]) => flags(svc).has('grafana-id-token'));

  it('runs the tenant orgs’ proxy in token mode, in front of central, reading the tokens file tenancy apply writes', () => {
    expect(tokenProxies.map(([name]) => name)).toEqual(['tenancy-proxy']);
    for (const [name, svc] of proxies) {
      expect([name, flag(svc, 'label')]).toEqual([name, 'tenant']);
      const upstream = new URL(flag(svc, 'upstream')!);
      expect(isReceiver(compose.services[expectReachable(upstream.host, name, `${name} --upstream`)])).toBe(true);
      // No implicit or network-trusting tenant source in the stack.
      for (const weak of ['label-value', 'header-name', 'query-param']) {
        expect([name, weak, flags(svc).has(weak)]).toEqual([name, weak, false]);
      }
    }
    const [name, svc] = tokenProxies[0];
    const file = mountedFile(svc, flag(svc, 'tenant-tokens-file')!);
    expect([name, file]).toEqual([name, 'provisioning/proxy/proxy-tokens.yaml']);
    // The directory is mounted, not the file: the CLI's write-then-rename replaces the inode.
    expect(bindMounts(svc)).toContainEqual({ host: './provisioning/proxy', container: '/etc/tenancy' });
    // As committed it grants nothing: every request is refused until the first apply writes it.
    expect(readYaml(file!)).toEqual({ tenants: {} });
  });

  it('shows the shared org’s ID-token mode on its own proxy, started after the bootstrap (profile "shared")', () => {
    expect(idTokenProxies.map(([name]) => name)).toEqual(['tenancy-proxy-shared']);
    const [name, svc] = idTokenProxies[0];
    expect(svc.profiles).toEqual(['shared']);
    expect(expectReachable(new URL(flag(svc, 'grafana-url')!).host, name, `${name} --grafana-url`)).toBe('grafana');
    expect(mountedFile(svc, flag(svc, 'team-mapping-file')!)).toBe('provisioning/proxy/team-mapping-shared.yaml');
    expect(mountedFile(svc, flag(svc, 'grafana-token-file')!)).toBe('provisioning/proxy/grafana-sa-token');
    // Both are written during the bootstrap and must never be committed.
    const ignored = readFileSync(path.join(ROOT, 'provisioning/proxy/.gitignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['grafana-sa-token', 'team-mapping-*.yaml']));
  });

  it.each(proxies.map(([name]) => name))('%s: its command is accepted by the proxy’s own option parser', (name) => {
    const options = parseProxyArgs(compose.services[name].command ?? []);
    expect(() => validateOptions(options)).not.toThrow();
  });

  it('onboards the sample tenants on `up`: a one-shot apply once Grafana is healthy, writing the files tenancy-proxy reads', () => {
    const svc = compose.services['tenancy-apply'];
    expect(svc.depends_on?.grafana).toEqual({ condition: 'service_healthy' });
    // The image is the plugin build's CLI stage (same Node, same lockfile).
    expect(svc.build).toEqual({ context: '.', dockerfile: 'docker/plugin-build.Dockerfile', target: 'tenancy-cli' });
    const dockerfile = readFileSync(path.join(ROOT, 'docker/plugin-build.Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM build AS tenancy-cli$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \[.*"src\/tenancy\/cli\.ts"\]$/m);
    // Its command is one the CLI accepts, on the committed sample spec, against the compose Grafana.
    const args = parseCliArgs(svc.command ?? []);
    expect(args.command).toBe('apply');
    expect(mountedFile(svc, String(args.flags.spec))).toBe('provisioning/tenants/tenants.yaml');
    expect(expectReachable(new URL(String(args.flags['grafana-url'])).host, 'tenancy-apply', '--grafana-url')).toBe(
      'grafana'
    );
    expect(svc.environment?.GRAFANA_PASSWORD).toBe(grafana.environment!.GF_SECURITY_ADMIN_PASSWORD);
    // It writes exactly the files the proxies read.
    const [, tokenProxy] = tokenProxies[0];
    expect(mountedFile(svc, String(args.flags['tokens-out']))).toBe(
      mountedFile(tokenProxy, flag(tokenProxy, 'tenant-tokens-file')!)
    );
    const [, idProxy] = idTokenProxies[0];
    expect(mountedFile(svc, String(args.flags['mapping-out']).replace('{id}', 'shared'))).toBe(
      mountedFile(idProxy, flag(idProxy, 'team-mapping-file')!)
    );
  });

  it('the config page’s default proxy URL is the token proxy of this stack (what the README shows)', () => {
    const [name, svc] = tokenProxies[0];
    const url = new URL(DEFAULT_PROXY_URL);
    expect(url.hostname).toBe(name);
    expect(Number(url.port)).toBe(Number(flag(svc, 'insecure-listen-address')!.split(':').pop()));
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain(DEFAULT_PROXY_URL);
  });

  it('publishes no port but Grafana’s on the host (who reaches whom inside: composeNetworks.test.ts)', () => {
    const published = services.filter(([, svc]) => (svc.ports ?? []).length > 0).map(([name]) => name);
    expect(published).toEqual(['grafana']);
  });

  it('documents the bootstrap order next to the proxies', () => {
    const text = readFileSync(path.join(ROOT, 'docker-compose.yaml'), 'utf8');
    const order = ['docker compose up -d', '--tokens-out provisioning/proxy/proxy-tokens.yaml', '--profile shared up'];
    const at = order.map((step) => text.indexOf(step));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((x, y) => x - y)).toEqual(at);
  });

  it('runs Grafana OSS satisfying grafanaDependency with both unsigned plugins allowed and mounted', () => {
    const version = grafana.image!.split(':')[1];
    expect(grafana.image).toMatch(/^grafana\/grafana:/);
    expect([version, satisfiesMinimum(version, GRAFANA_DEPENDENCY)]).toEqual([version, true]);
    const allowed = grafana.environment!.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS.split(',');
    expect(allowed.sort()).toEqual([APP_ID, WRAPPER_ID].sort());
    expect(grafana.volumes).toContain(`plugin-dist:/var/lib/grafana/plugins/${APP_ID}:ro`);
    expect(compose.services['plugin-build'].volumes).toContain('plugin-dist:/out');
    expect(bindMounts(grafana)).toContainEqual({ host: './provisioning', container: '/etc/grafana/provisioning' });
  });

  it('provisions no data source in org 1 that bypasses a proxy, and deletes the legacy raw and team-name ones', () => {
    const file = readYaml('provisioning/datasources/datasources.yaml') as {
      datasources?: Array<{ name: string; type: string; url?: string; jsonData?: { teamMappings?: unknown } }>;
      deleteDatasources?: Array<{ name: string; orgId: number }>;
    };
    const isLoki = (svc: Service) => svc.image?.startsWith('grafana/loki:') ?? false;
    const upstreams = services.filter(([, s]) => isReceiver(s) || isAlertmanager(s) || isLoki(s)).map(([name]) => name);
    for (const ds of file.datasources ?? []) {
      // Anything provisioned must go through a proxy that verifies who is asking; there is no
      // "all tenants" identity (an operator view is a spec tenant of its own, README).
      const host = ds.url ? new URL(ds.url).hostname : undefined;
      expect([ds.name, host !== undefined && upstreams.includes(host)]).toEqual([ds.name, false]);
      expect([ds.name, ds.type === WRAPPER_ID && ds.jsonData?.teamMappings !== undefined]).toEqual([ds.name, false]);
      if (host !== undefined) {
        const svc = compose.services[expectReachable(new URL(ds.url!).host, 'grafana', `data source ${ds.name}`)];
        expect([ds.name, flags(svc).has('tenant-tokens-file') || flags(svc).has('grafana-id-token')]).toEqual([
          ds.name,
          true,
        ]);
      }
    }
    // Gone from a Grafana database provisioned before, too (a name not found is skipped).
    expect(file.deleteDatasources).toEqual([
      { name: 'Central Prometheus', orgId: 1 },
      { name: 'Tenant wrapper', orgId: 1 },
    ]);
  });

  const apps = readYaml('provisioning/plugins/apps.yaml').apps as Array<{
    type: string;
    disabled?: boolean;
    jsonData: { tenantSpec: string; proxyUrlTemplate: string; tenantLabel: string };
  }>;

  it('enables the app with the sample spec of provisioning/tenants, valid and pointing at the tenants’ proxies', () => {
    expect(apps.map((a) => [a.type, a.disabled ?? false])).toEqual([[APP_ID, false]]);
    const { jsonData } = apps[0];
    expect(parse(jsonData.tenantSpec)).toEqual(readYaml('provisioning/tenants/tenants.yaml'));
    const result = parseTenantSpec(jsonData.tenantSpec);
    if (!result.ok) {
      throw new Error(`sample tenant spec invalid: ${JSON.stringify(result.errors)}`);
    }
    expect(result.spec.label).toBe(jsonData.tenantLabel);
    expect(result.spec.tenants.flatMap((t) => t.labelValues).sort()).toEqual(agentTenants);
    for (const tenant of result.spec.tenants) {
      const url = new URL(tenant.datasource.url);
      expect(url.toString()).toBe(new URL(jsonData.proxyUrlTemplate.replace('{tenant}', tenant.id)).toString());
      const proxy = expectReachable(url.host, 'grafana', `tenant ${tenant.id} data source`);
      // Token mode on both sides: the spec's default, and a proxy reading the tokens file.
      const ds = tenant.datasource;
      expect([tenant.id, ds.mode === 'proxy' && ds.tenantVia]).toEqual([tenant.id, 'token']);
      expect([proxy, flags(compose.services[proxy]).has('tenant-tokens-file')]).toEqual([proxy, true]);
    }
    expect(result.spec.sharedOrgs.map((o) => o.orgName)).toEqual(['Shared']);
    for (const shared of result.spec.sharedOrgs) {
      const proxy = expectReachable(new URL(shared.proxyUrl).host, 'grafana', `shared org ${shared.id} data source`);
      expect([proxy, flags(compose.services[proxy]).has('grafana-id-token')]).toEqual([proxy, true]);
      expect(shared.teams.flatMap((t) => t.values).sort()).toEqual(agentTenants);
    }
  });
});

describe('alerting: Alertmanager behind enforcing proxies, mail-free', () => {
  const alertmanagers = services.filter(([, s]) => isAlertmanager(s));
  const agentTenants = services
    .filter(([, s]) => isAgent(s))
    .map(([name, svc]) => mountedPrometheusConfig(name, svc).config.global!.external_labels!.tenant)
    .sort();

  it('runs one Alertmanager without gossip, on the provisioning config, which amtool accepts', async () => {
    expect(alertmanagers.map(([name]) => name)).toEqual(['alertmanager']);
    const [, svc] = alertmanagers[0];
    expect(svc.command).toContain('--cluster.listen-address=');
    const mount = bindMounts(svc).find((m) => m.container === flag(svc, 'config.file'));
    expect(mount?.host).toBe('./provisioning/alertmanager/alertmanager.yml');
    await runAmtool(['check-config', path.join(ROOT, mount!.host)]);
  });

  it('sends every notification by webhook to a service that listens there, never by mail', () => {
    const config = readYaml('provisioning/alertmanager/alertmanager.yml') as {
      global?: Record<string, unknown>;
      receivers: Array<Record<string, unknown> & { name: string; webhook_configs?: Array<{ url: string }> }>;
    };
    expect(Object.keys(config.global ?? {}).filter((k) => k.startsWith('smtp'))).toEqual([]);
    for (const receiver of config.receivers) {
      const integrations = Object.keys(receiver).filter((k) => k.endsWith('_configs'));
      expect([receiver.name, integrations]).toEqual([receiver.name, ['webhook_configs']]);
      for (const { url } of receiver.webhook_configs ?? []) {
        expectReachable(new URL(url).host, 'alertmanager', `receiver ${receiver.name}`);
      }
    }
  });

  it('runs one Alertmanager proxy per agent tenant, in front of the Alertmanager, on the tenant label', () => {
    const proxies = services.filter(([, s]) => isAlertmanagerProxy(s));
    const enforced = proxies.map(([name, svc]) => {
      expect([name, flag(svc, 'label')]).toEqual([name, 'tenant']);
      const upstream = new URL(flag(svc, 'upstream')!);
      expect(isAlertmanager(compose.services[expectReachable(upstream.host, name, `${name} --upstream`)])).toBe(true);
      return flags(svc).get('label-value') ?? [];
    });
    expect(enforced.flat().sort()).toEqual(agentTenants);
    expect(enforced.every((values) => values.length === 1)).toBe(true);
  });
});
