/**
 * Tenant enforcement for PromQL: parse with lezer-promql, check like Prometheus' parser, splice the
 * tenant matcher into every selector. Pure TypeScript (runs in the browser, Node and the proxy).
 */
export { EnforceError } from './errors';
export type { EnforceErrorKind, TextPosition } from './errors';
export {
  createEnforcer,
  createMatcherEnforcer,
  enforceQuery,
  enforceSeriesSelector,
  enforceSeriesSelectorWith,
  enforceWithMatchers,
  tenantSelector,
} from './enforcer';
export type {
  EnforceOptions,
  Enforcer,
  MatcherEnforcer,
  MatcherEnforcerOptions,
  SeriesSelectorOptions,
} from './enforcer';
export type { LabelMatcher, MatchOp } from './matchers';
export { analyseQuery } from './analyse';
export type { ParserFeatures, ParsedQuery, ParsedSelector } from './analyse';
export { enforceGrafanaQuery } from './grafana/enforceGrafana';
export { createPolicyEnforcer, enforcePolicyQuery } from './policy/enforcePolicy';
export type { PolicyEnforcer } from './policy/enforcePolicy';
export { enforceGrafanaPolicyQuery } from './grafana/enforceGrafana';
