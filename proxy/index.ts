export { createProxy, type Proxy, type ProxyRuntime, type RunningProxy } from './server';
export {
  parseProxyArgs,
  validateOptions,
  OptionsError,
  DEFAULTS,
  type ProxyOptions,
  type TenantSource,
  type UpstreamKind,
} from './options';
export type { Logger, LogRecord } from './log';
