import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { parse, stringify } from 'yaml';

/**
 * The Prometheus configs of the stack live once, in provisioning/prometheus/, and docker-compose.yaml
 * mounts them. Tests run those very files, rewriting only what cannot be the same outside Docker:
 * host:port of scrape targets and remote-write URLs (compose service names → 127.0.0.1 free ports)
 * and, to keep the tests fast, the intervals.
 */

export const PROMETHEUS_CONFIG_DIR = path.resolve(__dirname, '..', '..', 'provisioning', 'prometheus');

export interface StaticConfig {
  targets: string[];
  labels?: Record<string, string>;
}
export interface RelabelConfig {
  source_labels?: string[];
  regex?: string;
  target_label?: string;
  replacement?: string;
  action?: string;
}
export interface RemoteWriteConfig {
  url: string;
  name?: string;
  write_relabel_configs?: RelabelConfig[];
  queue_config?: Record<string, unknown>;
}
export interface PrometheusConfig {
  global?: { scrape_interval?: string; evaluation_interval?: string; external_labels?: Record<string, string> };
  scrape_configs?: Array<{
    job_name: string;
    static_configs?: StaticConfig[];
    scrape_interval?: string;
    metric_relabel_configs?: RelabelConfig[];
  }>;
  remote_write?: RemoteWriteConfig[];
}

export function loadPrometheusConfig(file: string): PrometheusConfig {
  const full = path.join(PROMETHEUS_CONFIG_DIR, file);
  return parse(readFileSync(full, 'utf8')) as PrometheusConfig;
}

export interface TestRewrite {
  /** Compose `host:port` → test `host:port`, e.g. `{ 'central:9090': '127.0.0.1:41234' }`. Every address must be listed. */
  hosts: Record<string, string>;
  /** Scrape interval for tests (the files use 15s). */
  scrapeInterval?: string;
  /** Remote-write batch deadline for tests (Prometheus' default is 5s). */
  batchSendDeadline?: string;
}

function mapHost(hostPort: string, rewrite: TestRewrite, where: string): string {
  const mapped = rewrite.hosts[hostPort];
  if (!mapped) {
    throw new Error(
      `${where} names ${hostPort}, which the test does not map; add it to the test's hosts map ` +
        `(known: ${Object.keys(rewrite.hosts).join(', ') || 'none'}).`
    );
  }
  return mapped;
}

/** A copy of `config` with addresses mapped for the test; throws on any unmapped address. */
export function rewriteForTest(config: PrometheusConfig, rewrite: TestRewrite): PrometheusConfig {
  const copy = structuredClone(config);
  if (rewrite.scrapeInterval) {
    copy.global = { ...copy.global, scrape_interval: rewrite.scrapeInterval };
  }
  for (const job of copy.scrape_configs ?? []) {
    for (const sc of job.static_configs ?? []) {
      sc.targets = sc.targets.map((t) => mapHost(t, rewrite, `scrape job ${job.job_name}`));
    }
  }
  for (const rw of copy.remote_write ?? []) {
    const url = new URL(rw.url);
    url.host = mapHost(url.host, rewrite, `remote_write ${rw.name ?? rw.url}`);
    rw.url = url.toString();
    if (rewrite.batchSendDeadline) {
      rw.queue_config = { ...rw.queue_config, batch_send_deadline: rewrite.batchSendDeadline };
    }
  }
  return copy;
}

/** Writes configs into a fresh temp dir; `remove()` deletes it. */
export function writeTempConfigs(configs: Record<string, PrometheusConfig>): {
  paths: Record<string, string>;
  remove: () => void;
} {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'prom-test-config-'));
  const paths: Record<string, string> = {};
  for (const [name, config] of Object.entries(configs)) {
    paths[name] = path.join(dir, name);
    writeFileSync(paths[name], stringify(config));
  }
  return { paths, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
