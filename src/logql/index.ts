/**
 * Tenant enforcement for LogQL: parse with lezer-logql, check like Loki's parser, splice the tenant
 * matcher into every stream selector of log and metric queries. Pure TypeScript (browser, Node and
 * the proxy); shares its matcher core with the PromQL engine (../labelmatch).
 */
export { EnforceError } from '../labelmatch/errors';
export type { EnforceErrorKind, TextPosition } from '../labelmatch/errors';
export { createEnforcer, enforceQuery, enforceStreamSelector, formatLogQLMatcher, tenantSelector } from './enforcer';
export type { EnforceOptions, Enforcer, StreamSelectorOptions } from './enforcer';
export { analyseQuery } from './analyse';
export type { ParsedQuery, ParsedSelector } from './analyse';
export { enforceGrafanaQuery } from './grafana';
