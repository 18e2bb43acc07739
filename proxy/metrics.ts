import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The proxy's own metrics, on a private registry so several proxies can live in one process (tests). */
export interface ProxyMetrics {
  registry: Registry;
  requests: Counter<'route' | 'code'>;
  rejections: Counter<'reason'>;
  upstreamLatency: Histogram<'route'>;
}

export function createProxyMetrics(opts: { processMetrics: boolean }): ProxyMetrics {
  const registry = new Registry();
  if (opts.processMetrics) {
    collectDefaultMetrics({ register: registry });
  }
  return {
    registry,
    requests: new Counter({
      name: 'tenancy_proxy_requests_total',
      help: 'Requests answered, by route and HTTP status code.',
      labelNames: ['route', 'code'],
      registers: [registry],
    }),
    rejections: new Counter({
      name: 'tenancy_proxy_rejections_total',
      help: 'Requests the proxy refused or could not complete, by reason.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    upstreamLatency: new Histogram({
      name: 'tenancy_proxy_upstream_duration_seconds',
      help: 'Time until the upstream answered with headers, by route.',
      labelNames: ['route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
  };
}
