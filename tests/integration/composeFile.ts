import { readFileSync } from 'fs';
import path from 'path';
import { parse } from 'yaml';

/**
 * docker-compose.yaml as the offline compose checks read it (compose.test.ts, composeLogs.test.ts,
 * composeNetworks.test.ts): its services, their `--flag=value` commands, the repository files they
 * mount and the networks they share.
 */

export const ROOT = path.resolve(__dirname, '..', '..');
export const readText = (rel: string) => readFileSync(path.join(ROOT, rel), 'utf8');
export const readYaml = (rel: string) => parse(readText(rel));

export interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string };
  command?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  privileged?: boolean;
  devices?: string[];
  restart?: string;
  profiles?: string[];
  /** List form only: the map form (aliases, static addresses) is refused by networksOf. */
  networks?: string[] | Record<string, unknown>;
  network_mode?: string;
  links?: string[];
  external_links?: string[];
  extra_hosts?: string[] | Record<string, string>;
}
export interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, { internal?: boolean; external?: boolean } | null>;
}

export const compose = readYaml('docker-compose.yaml') as Compose;
export const services = Object.entries(compose.services);

/** `--name=value` flags of a command (compose list form; cAdvisor's flags use underscores). */
export function flags(svc: Service): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const arg of svc.command ?? []) {
    const m = /^--([a-z._-]+)(?:=(.*))?$/.exec(arg);
    if (m) {
      out.set(m[1], [...(out.get(m[1]) ?? []), m[2] ?? 'true']);
    }
  }
  return out;
}
export const flag = (svc: Service, name: string) => flags(svc).get(name)?.[0];

/** host → container path of bind mounts of repository files (host paths relative to the repo). */
export function bindMounts(svc: Service): Array<{ host: string; container: string }> {
  return (svc.volumes ?? [])
    .map((v) => v.split(':'))
    .filter(([host]) => host.startsWith('.'))
    .map(([host, container]) => ({ host, container }));
}

/** Bind mounts of the Docker host's own paths (absolute), e.g. cAdvisor's `/sys:/sys:ro`. */
export function hostMounts(svc: Service): string[] {
  return (svc.volumes ?? []).filter((v) => v.startsWith('/'));
}

/** Named-volume mounts: volume → container path, and whether read-only. */
export function volumeMounts(svc: Service): Array<{ volume: string; container: string; readOnly: boolean }> {
  return (svc.volumes ?? [])
    .map((v) => v.split(':'))
    .filter(([source]) => !source.startsWith('.') && !source.startsWith('/'))
    .map(([volume, container, mode]) => ({ volume, container, readOnly: mode === 'ro' }));
}

/** The repository file a service reads at `containerPath` through a bind mount of a file or a directory. */
export function mountedFile(svc: Service, containerPath: string): string | undefined {
  for (const m of bindMounts(svc)) {
    if (containerPath === m.container || containerPath.startsWith(m.container + '/')) {
      return path.join(m.host, containerPath.slice(m.container.length));
    }
  }
  return undefined;
}

/**
 * Networks a service is attached to: the ones it names, compose's implicit `default` when it names
 * none, none with `network_mode: none`. Anything that would make names resolve otherwise (another
 * network_mode, the map form with aliases, links, extra_hosts) throws: the reachability checks must
 * not pass on a configuration they do not model.
 */
export function networksOf(svc: Service, name = '?'): string[] {
  for (const key of ['links', 'external_links', 'extra_hosts'] as const) {
    if (svc[key] !== undefined) {
      throw new Error(`service ${name} sets ${key}: composeFile.networksOf does not model it`);
    }
  }
  if (svc.network_mode !== undefined) {
    if (svc.network_mode !== 'none') {
      throw new Error(`service ${name} has network_mode ${svc.network_mode}: only "none" is modelled`);
    }
    return [];
  }
  if (svc.networks !== undefined && !Array.isArray(svc.networks)) {
    throw new Error(`service ${name} uses the map form of networks (aliases?): use the list form`);
  }
  return [...(svc.networks ?? ['default'])];
}

/** The other services a service can reach by name: those on at least one network it is on. */
export function reachableFrom(name: string): string[] {
  const own = networksOf(compose.services[name], name);
  return services
    .filter(([other, svc]) => other !== name && networksOf(svc, other).some((n) => own.includes(n)))
    .map(([other]) => other)
    .sort();
}
