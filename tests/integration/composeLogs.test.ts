/** @jest-environment node */
/**
 * The logs part of docker-compose.yaml, offline (no Docker daemon, no Loki and no Alloy binary here:
 * neither has a Debian package and binary downloads are not allowed): the Loki config keys the stack
 * relies on, every log agent's Alloy pipeline followed from its sources to Loki with the tenant
 * forced last, the agents' isolation (one workload volume each), the Loki proxies' commands through
 * the proxy's own option parser, and the network that keeps Grafana away from Loki.
 * The proxy with these very flags runs against a fake Loki in composeLogsProxy.test.ts.
 */
import { existsSync } from 'fs';
import path from 'path';

import { parseProxyArgs } from '../../proxy/options';
import {
  componentId,
  forwardTargets,
  parseAlloyConfig,
  type AlloyBlock,
  type AlloyValue,
} from '../support/alloyConfig';
import {
  compose,
  flag,
  flags,
  mountedFile,
  networksOf,
  readText,
  readYaml,
  ROOT,
  services,
  volumeMounts,
  type Service,
} from './composeFile';
import { loadPrometheusConfig, PROMETHEUS_CONFIG_DIR } from './prometheusConfigs';

/** What the logs-provisioning side of the sample spec points tenants' Loki data sources at. */
const LOGS_PROXY_URL = 'http://tenancy-proxy-logs:8080';
const LOGS_SHARED_PROXY_URL = 'http://tenancy-proxy-logs-shared:8080';

const isLoki = (svc: Service) => svc.image?.startsWith('grafana/loki:') ?? false;
const isAlloy = (svc: Service) => svc.image?.startsWith('grafana/alloy:') ?? false;
const isLokiProxy = (svc: Service) =>
  svc.build?.dockerfile === 'proxy/Dockerfile' && flag(svc, 'upstream-kind') === 'loki';
const isWorkload = (svc: Service) => (svc.command ?? []).includes('/app/log-generator.mjs');

/** Loki's single-dash flags (`-config.file=…`). */
const lokiFlag = (svc: Service, name: string) =>
  (svc.command ?? []).find((a) => a.startsWith(`-${name}=`))?.slice(name.length + 2);

interface LokiConfig {
  auth_enabled: boolean;
  server: { http_listen_port: number };
  common: {
    path_prefix: string;
    replication_factor: number;
    storage: { filesystem: { chunks_directory: string; rules_directory: string } };
    ring: { kvstore: { store: string } };
  };
  schema_config: {
    configs: Array<{
      from: string;
      store: string;
      object_store: string;
      schema: string;
      index: { prefix: string; period: string };
    }>;
  };
  compactor: { working_directory: string; retention_enabled: boolean; delete_request_store: string };
  limits_config: { retention_period: string; volume_enabled: boolean };
  pattern_ingester: { enabled: boolean };
  analytics: { reporting_enabled: boolean };
}

const lokis = services.filter(([, s]) => isLoki(s));
const [lokiName, loki] = lokis[0] ?? ['loki', {} as Service];
const lokiConfigFile = mountedFile(loki, lokiFlag(loki, 'config.file') ?? '') ?? '';
const lokiConfig = (existsSync(path.join(ROOT, lokiConfigFile)) ? readYaml(lokiConfigFile) : {}) as LokiConfig;
const lokiPort = lokiConfig.server?.http_listen_port;

/** Hours of a Prometheus-style duration made of h/d/w parts (`168h`, `7d`). */
function hours(duration: string): number {
  const parts = [...duration.matchAll(/(\d+)([hdw])/g)];
  if (parts.map((m) => m[0]).join('') !== duration) {
    throw new Error(`duration "${duration}" is not of the form 168h / 7d / 1w`);
  }
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * { h: 1, d: 24, w: 168 }[unit as 'h' | 'd' | 'w'], 0);
}

describe('Loki (provisioning/loki/loki.yaml)', () => {
  it('runs one Loki 3.x with the provisioning config, data on a named volume, no published port', () => {
    expect(lokis.map(([name]) => name)).toEqual(['loki']);
    expect(loki.image).toMatch(/^grafana\/loki:3\.\d+\.\d+$/);
    expect(lokiConfigFile).toBe('provisioning/loki/loki.yaml');
    expect(loki.ports ?? []).toEqual([]);
    expect(volumeMounts(loki)).toEqual([{ volume: 'loki-data', container: '/loki', readOnly: false }]);
  });

  it('keeps every tenant in one Loki tenant: auth disabled, the tenant label separates them', () => {
    // Loki docs (configuration.md, auth_enabled): "If false, the OrgID will always be set to 'fake'."
    expect(lokiConfig.auth_enabled).toBe(false);
  });

  it('stores on the filesystem under the volume, one instance, TSDB schema v13 with a 24h index', () => {
    const { common } = lokiConfig;
    const dataDir = volumeMounts(loki)[0].container;
    expect(common.path_prefix).toBe(dataDir);
    for (const dir of [
      common.storage.filesystem.chunks_directory,
      common.storage.filesystem.rules_directory,
      lokiConfig.compactor.working_directory,
    ]) {
      expect(dir.startsWith(dataDir + '/') ? dir : `outside ${dataDir}: ${dir}`).toBe(dir);
    }
    expect(common.replication_factor).toBe(1);
    expect(common.ring.kvstore.store).toBe('inmemory');
    const periods = lokiConfig.schema_config.configs;
    const current = periods[periods.length - 1];
    expect(current).toMatchObject({ store: 'tsdb', object_store: 'filesystem', schema: 'v13' });
    // Retention needs a 24h index period (Loki docs, operations/storage/retention.md).
    expect(current.index.period).toBe('24h');
    expect(new Date(current.from).getTime()).toBeLessThan(Date.now());
  });

  it('deletes logs after a bounded retention: compactor retention on, with the delete-request store it needs', () => {
    expect(lokiConfig.compactor.retention_enabled).toBe(true);
    // pkg/compactor/config.go Validate refuses retention without a delete-request store.
    expect(lokiConfig.compactor.delete_request_store).toBe(lokiConfig.schema_config.configs.at(-1)!.object_store);
    const retention = hours(lokiConfig.limits_config.retention_period);
    expect(retention).toBeGreaterThanOrEqual(24);
    expect(retention).toBeLessThanOrEqual(31 * 24);
  });

  it('serves the read routes the proxy enforces that are off by default: volume and patterns', () => {
    expect(lokiConfig.limits_config.volume_enabled).toBe(true);
    expect(lokiConfig.pattern_ingester.enabled).toBe(true);
    expect(lokiConfig.analytics.reporting_enabled).toBe(false);
  });

  it('is healthy when /ready answers on its HTTP port', () => {
    const test = loki.healthcheck?.test ?? [];
    const url = new URL(test[test.length - 1]);
    expect(test.slice(0, -1)).toEqual(['CMD', 'wget', '-qO-']);
    expect([url.hostname, Number(url.port), url.pathname]).toEqual(['127.0.0.1', lokiPort, '/ready']);
  });
});

/** The service a `host:port` names, checked to listen there (Loki, or a proxy's listen address). */
function reachable(hostPort: string, where: string): string {
  const [host, port] = hostPort.split(':');
  const svc = compose.services[host];
  expect({ where, service: svc ? host : `missing: ${host}` }).toEqual({ where, service: host });
  const listens = isLoki(svc) ? lokiPort : Number(flag(svc, 'insecure-listen-address')?.split(':').pop());
  expect({ where, port: Number(port) }).toEqual({ where, port: listens });
  return host;
}

const str = (v: AlloyValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

interface Agent {
  name: string;
  svc: Service;
  file: string;
  blocks: AlloyBlock[];
  components: Map<string, AlloyBlock>;
  tenant: string;
  cluster: string;
}

/** The forcing rules of a loki.relabel: its last two rules, `replace` without source labels. */
function forcedLabels(relabel: AlloyBlock): Record<string, string> {
  const rules = relabel.blocks.filter((b) => b.name === 'rule');
  const forced: Record<string, string> = {};
  for (const rule of rules.slice(-2)) {
    const { action, target_label, replacement, source_labels, regex } = rule.attributes;
    // action defaults to replace, regex to (.*) (rule-block-logs.md); spelled out here on purpose.
    if (action === 'replace' && source_labels === undefined && regex === undefined && str(target_label)) {
      forced[target_label as string] = String(replacement);
    }
  }
  return forced;
}

function readAgent(name: string, svc: Service): Agent {
  const [verb, configPath] = svc.command ?? [];
  expect([name, verb]).toEqual([name, 'run']);
  const file = mountedFile(svc, configPath) ?? `nothing mounted at ${configPath}`;
  expect(file).toMatch(/^provisioning\/alloy\/[\w-]+\.alloy$/);
  const blocks = parseAlloyConfig(readText(file));
  const components = new Map(blocks.map((b) => [componentId(b), b]));
  const writers = blocks.filter((b) => b.name === 'loki.relabel');
  const forced = writers.map(forcedLabels).find((f) => f.tenant !== undefined) ?? {};
  return { name, svc, file, blocks, components, tenant: forced.tenant, cluster: forced.cluster };
}

const agents = services.filter(([, s]) => isAlloy(s)).map(([name, svc]) => readAgent(name, svc));
const metricsAgents = services
  .filter(([, s]) => s.image?.startsWith('prom/prometheus:') && flag(s, 'enable-feature') === 'agent')
  .map(([, svc]) => {
    const host = mountedFile(svc, flag(svc, 'config.file')!)!;
    const config = loadPrometheusConfig(path.relative(PROMETHEUS_CONFIG_DIR, path.resolve(ROOT, host)));
    const { tenant, cluster } = config.global!.external_labels!;
    return { tenant, cluster };
  });

describe('log agents (provisioning/alloy): one per tenant, tenant forced on write', () => {
  it('runs one Alloy agent per metrics tenant, with the same tenant and cluster values', () => {
    const byTenant = (rows: Array<{ tenant: string; cluster: string }>) =>
      rows.map(({ tenant, cluster }) => ({ tenant, cluster })).sort((x, y) => x.tenant.localeCompare(y.tenant));
    expect(agents.length).toBeGreaterThanOrEqual(2);
    expect(byTenant(agents)).toEqual(byTenant(metricsAgents));
  });

  it.each(agents.map((a) => [a.name, a] as const))(
    '%s: every source reaches Loki only through the forcing relabel, as its last hop',
    (_name, agent) => {
      const sources = agent.blocks.filter((b) => b.name.startsWith('loki.source.'));
      expect(sources.length).toBeGreaterThan(0);
      const writes = agent.blocks.filter((b) => b.name === 'loki.write');
      expect(writes.length).toBe(1);
      const paths: string[][] = [];
      const walk = (id: string, trail: string[]) => {
        const block = agent.components.get(id);
        expect({ trail, id, exists: block !== undefined }).toEqual({ trail, id, exists: true });
        if (trail.includes(id)) {
          throw new Error(`${agent.file}: forwarding loop ${[...trail, id].join(' → ')}`);
        }
        const next = forwardTargets(block!);
        if (block!.name === 'loki.write') {
          paths.push([...trail, id]);
          return;
        }
        // Every processing component forwards somewhere: no entry is silently dropped by wiring.
        expect({ id, forwards: next.length > 0 }).toEqual({ id, forwards: true });
        next.forEach((n) => walk(n, [...trail, id]));
      };
      sources.forEach((s) => walk(componentId(s), []));
      expect(paths.length).toBeGreaterThan(0);
      for (const p of paths) {
        const lastHop = agent.components.get(p[p.length - 2])!;
        expect({ path: p.join(' → '), lastHop: lastHop.name }).toEqual({
          path: p.join(' → '),
          lastHop: 'loki.relabel',
        });
        expect(forcedLabels(lastHop)).toEqual({ tenant: agent.tenant, cluster: agent.cluster });
      }
    }
  );

  it.each(agents.map((a) => [a.name, a] as const))(
    '%s: its tenant is the only tenant value it can write, and it never picks a Loki tenant',
    (_name, agent) => {
      const written = new Set<string>();
      const visit = (block: AlloyBlock) => {
        if (block.name === 'rule' && block.attributes.target_label === 'tenant') {
          written.add(String(block.attributes.replacement));
        }
        if (['stage.static_labels', 'stage.labels'].includes(block.name)) {
          const values = block.attributes.values as Record<string, AlloyValue> | undefined;
          if (values && 'tenant' in values) {
            written.add(`${block.name} sets tenant from ${JSON.stringify(values.tenant)}`);
          }
        }
        // X-Scope-OrgID per entry (stage.tenant) or per endpoint (tenant_id, headers): the Loki
        // tenant is one for everyone; an agent choosing one would split or misfile streams.
        expect(block.name).not.toBe('stage.tenant');
        expect(Object.keys(block.attributes).filter((k) => k === 'tenant_id' || k === 'headers')).toEqual([]);
        block.blocks.forEach(visit);
      };
      agent.blocks.forEach(visit);
      expect([...written]).toEqual([agent.tenant]);
      expect(agent.tenant).toMatch(/^[a-z0-9-]+$/);
    }
  );

  it.each(agents.map((a) => [a.name, a] as const))(
    '%s: pushes to Loki’s push API on the internal network, never through a read proxy',
    (name, agent) => {
      const write = agent.blocks.find((b) => b.name === 'loki.write')!;
      const endpoints = write.blocks.filter((b) => b.name === 'endpoint');
      expect(endpoints.length).toBe(1);
      const url = new URL(String(endpoints[0].attributes.url));
      expect(url.pathname).toBe('/loki/api/v1/push');
      expect(isLoki(compose.services[reachable(url.host, `${name} loki.write`)])).toBe(true);
      expect(networksOf(agent.svc).filter((n) => networksOf(loki).includes(n)).length).toBeGreaterThan(0);
      expect(agent.svc.ports ?? []).toEqual([]);
    }
  );

  it.each(agents.map((a) => [a.name, a] as const))(
    '%s: reads only its own workload volume, read-only, written by one workload that no other agent reads',
    (name, agent) => {
      const targets = agent.blocks
        .filter((b) => b.name === 'local.file_match')
        .flatMap((b) => (b.attributes.path_targets as Array<Record<string, AlloyValue>>) ?? []);
      expect(targets.length).toBeGreaterThan(0);
      const mounts = volumeMounts(agent.svc);
      for (const target of targets) {
        const file = String(target.__path__);
        const mount = mounts.find((m) => file.startsWith(m.container + '/'));
        expect({ file, mount: mount?.readOnly }).toEqual({ file, mount: true });
        const writers = services.filter(([, s]) =>
          volumeMounts(s).some((m) => m.volume === mount!.volume && !m.readOnly)
        );
        expect(writers.length).toBe(1);
        const [writerName, writer] = writers[0];
        expect(isWorkload(writer)).toBe(true);
        // The workload writes exactly the file the agent tails.
        const out = flagOf(writer, 'out');
        const writerMount = volumeMounts(writer).find((m) => m.volume === mount!.volume)!;
        expect(path.posix.relative(writerMount.container, out)).toBe(path.posix.relative(mount!.container, file));
        const readers = agents.filter((a) => volumeMounts(a.svc).some((m) => m.volume === mount!.volume));
        expect(readers.map((a) => a.name)).toEqual([name]);
        // Its workload claims another tenant in some lines: the forcing relabel is exercised.
        const claim = flagOf(writer, 'claim-tenant');
        expect([writerName, claim !== agent.tenant && agents.some((a) => a.tenant === claim)]).toEqual([
          writerName,
          true,
        ]);
      }
    }
  );

  it('agent files differ only in their tenant and cluster values', () => {
    const neutral = (a: Agent) =>
      JSON.parse(
        JSON.stringify(a.blocks, (_k, v) => (v === a.tenant ? '<tenant>' : v === a.cluster ? '<cluster>' : v))
      );
    const [first, ...rest] = agents;
    for (const other of rest) {
      expect(neutral(other)).toEqual(neutral(first));
      expect(new Set(volumeMounts(other.svc).map((m) => m.volume))).not.toEqual(
        new Set(volumeMounts(first.svc).map((m) => m.volume))
      );
    }
  });

  it('workloads have no network at all and run the committed generator', () => {
    const workloads = services.filter(([, s]) => isWorkload(s));
    expect(workloads.length).toBe(agents.length);
    for (const [name, svc] of workloads) {
      expect([name, svc.network_mode]).toEqual([name, 'none']);
      expect(mountedFile(svc, '/app/log-generator.mjs')).toBe('docker/log-generator.mjs');
    }
  });
});

/** `--name=value` of a node script's argv (after the script path). */
function flagOf(svc: Service, name: string): string {
  const arg = (svc.command ?? []).find((a) => a.startsWith(`--${name}=`));
  if (arg === undefined) {
    throw new Error(`${svc.command?.join(' ')} has no --${name}=`);
  }
  return arg.slice(name.length + 3);
}

describe('Loki proxies: the only way from Grafana to Loki', () => {
  const lokiProxies = services.filter(([, s]) => isLokiProxy(s));
  const byName = (name: string) => compose.services[name];

  it.each(lokiProxies)('%s: its command is accepted by the proxy’s option parser, in front of Loki', (name, svc) => {
    const options = parseProxyArgs(svc.command ?? []);
    expect(options.upstreamKind).toBe('loki');
    expect(options.label).toBe('tenant');
    expect(isLoki(byName(reachable(new URL(options.upstream).host, `${name} --upstream`)))).toBe(true);
    // auth_enabled: false → Loki files everything under "fake"; the proxy must read that tenant.
    expect(options.lokiOrgId).toBe(lokiConfig.auth_enabled ? 'set-a-real-org' : 'fake');
    for (const weak of ['label-value', 'header-name', 'query-param', 'rule']) {
      expect([name, weak, flags(svc).has(weak)]).toEqual([name, weak, false]);
    }
    expect(networksOf(svc).sort()).toEqual(['default', 'logs-backend']);
  });

  it('tenancy-proxy-logs: token mode on the same tokens file as tenancy-proxy (apply lists metrics and logs hashes there)', () => {
    const svc = byName('tenancy-proxy-logs');
    const options = parseProxyArgs(svc.command ?? []);
    expect(options.tenant.kind).toBe('tokens');
    const metrics = byName('tenancy-proxy');
    const file = mountedFile(svc, flag(svc, 'tenant-tokens-file')!);
    expect(file).toBe(mountedFile(metrics, flag(metrics, 'tenant-tokens-file')!));
    expect(file).toBe('provisioning/proxy/proxy-tokens.yaml');
    // The directory, not the file, so that apply's write-and-rename is seen.
    expect(svc.volumes).toEqual(metrics.volumes);
    expect(svc.depends_on?.loki).toEqual({ condition: 'service_healthy' });
    expect(byName('grafana').depends_on?.['tenancy-proxy-logs']).toEqual({ condition: 'service_healthy' });
  });

  it('tenancy-proxy-logs-shared: the shared org’s ID-token mode with exactly tenancy-proxy-shared’s identity flags', () => {
    const svc = byName('tenancy-proxy-logs-shared');
    const metrics = byName('tenancy-proxy-shared');
    expect(svc.profiles).toEqual(['shared']);
    const identity = (s: Service) =>
      [...flags(s)].filter(([k]) => !['upstream', 'upstream-kind', 'loki-org-id', 'enable-label-apis'].includes(k));
    expect(identity(svc)).toEqual(identity(metrics));
    expect(parseProxyArgs(svc.command ?? []).tenant.kind).toBe('grafanaIdToken');
    expect(svc.volumes).toEqual(metrics.volumes);
  });

  it('listens at the URLs the sample spec gives tenants’ and the shared org’s Loki data sources', () => {
    for (const url of [LOGS_PROXY_URL, LOGS_SHARED_PROXY_URL]) {
      expect(isLokiProxy(byName(reachable(new URL(url).host, url)))).toBe(true);
    }
    const spec = readYaml('provisioning/tenants/tenants.yaml') as {
      defaults?: { logs?: { url?: string } };
      tenants?: Array<{ logs?: { url?: string } }>;
      sharedOrgs?: Array<{ logsProxyUrl?: string }>;
    };
    // Written by the logs-provisioning side; once there, tenant orgs must name the token proxy and
    // shared orgs the ID-token one.
    const tenantUrls = [spec.defaults?.logs?.url, ...(spec.tenants ?? []).map((t) => t.logs?.url)];
    for (const url of tenantUrls.filter((u) => u !== undefined)) {
      expect(url).toBe(LOGS_PROXY_URL);
    }
    for (const url of (spec.sharedOrgs ?? []).map((o) => o.logsProxyUrl).filter((u) => u !== undefined)) {
      expect(url).toBe(LOGS_SHARED_PROXY_URL);
    }
    expect(byName('tenancy-proxy-logs').profiles).toBeUndefined();
  });

  it('keeps Loki on an internal network that only the agents and the Loki proxies share, not Grafana', () => {
    expect(compose.networks?.['logs-backend']).toEqual({ internal: true });
    expect(networksOf(loki)).toEqual(['logs-backend']);
    const onBackend = services.filter(([, s]) => networksOf(s).includes('logs-backend')).map(([n]) => n);
    expect(onBackend.sort()).toEqual([lokiName, ...agents.map((a) => a.name), ...lokiProxies.map(([n]) => n)].sort());
    expect(networksOf(byName('grafana'))).not.toContain('logs-backend');
  });
});

describe('README: logs that cannot run here are documented for compose', () => {
  const readme = readText('README.md');

  it('says no Loki binary runs here and walks through the compose-only path', () => {
    expect(readme).toContain('No Loki binary is available in this environment');
    expect(readme).toContain('### Logs in the compose stack, step by step (compose-only)');
    expect(readme).toContain('### What runs here, and what only in compose');
    expect(readme).toContain(LOGS_PROXY_URL);
  });

  it('names every logs service of docker-compose.yaml', () => {
    const logsServices = services
      .filter(([, s]) => isLoki(s) || isAlloy(s) || isLokiProxy(s) || isWorkload(s))
      .map(([name]) => name);
    expect(logsServices.length).toBeGreaterThanOrEqual(7);
    expect(logsServices.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });
});
