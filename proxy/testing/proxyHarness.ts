import type { LogRecord } from '../log';
import { DEFAULTS, type ProxyOptions } from '../options';
import { createProxy, type Proxy, type ProxyRuntime } from '../server';

/** Options for a test proxy on a free 127.0.0.1 port, tenant from the X-Tenant header by default. */
export function testProxyOptions(upstream: string, overrides: Partial<ProxyOptions> = {}): ProxyOptions {
  return {
    upstream,
    upstreamKind: 'prometheus',
    listenAddress: '127.0.0.1:0',
    internalListenAddress: null,
    label: 'tenant',
    tenant: { kind: 'header', name: 'X-Tenant', listSyntax: false },
    errorOnReplace: false,
    enableLabelApis: true,
    regexMatch: false,
    rulesWithActiveAlerts: false,
    labelMatchersForRulesApi: false,
    passthroughPaths: [],
    upstreamTimeoutMs: 5000,
    maxBodyBytes: DEFAULTS.maxBodyBytes,
    shutdownGraceMs: 2000,
    // The seed's Prometheus; tests of version detection override it with undefined.
    upstreamVersion: '2.42.0',
    ...overrides,
  };
}

export interface StartedProxy {
  proxy: Proxy;
  url: string;
  internalUrl: string | null;
  logs: LogRecord[];
}

/** Starts a proxy in-process and collects its log records. Close it with `proxy.close()`. */
export async function startTestProxy(
  options: ProxyOptions,
  runtime: Omit<ProxyRuntime, 'logger'> = {}
): Promise<StartedProxy> {
  const logs: LogRecord[] = [];
  const proxy = createProxy(options, { ...runtime, logger: (r) => logs.push(r) });
  const { url, internalUrl } = await proxy.listen();
  return { proxy, url, internalUrl, logs };
}
