/**
 * Proxy configuration and its command line. The flag names mirror prom-label-proxy's `main.go`
 * (https://github.com/prometheus-community/prom-label-proxy) so a deployment switches by changing
 * the image only; both `-flag` and `--flag`, and `--flag=value` / `--flag value` are accepted,
 * as Go's `flag` package does.
 */
import { parsePolicy } from '../src/policy';
import { parseUpstreamVersionFlag } from './upstreamVersion';

/**
 * Where a request's tenant values come from: exactly one source, always named (issue #14: no
 * implicit query-parameter fallback). Each kind is one module of proxy/identity/.
 */
export type TenantSource =
  | {
      kind: 'static';
      values: readonly string[];
      /** `--rule` (repeatable): a label policy instead of values (then `values` is empty). */
      rules?: readonly string[];
    }
  | { kind: 'header'; name: string; listSyntax: boolean }
  | { kind: 'queryParam'; name: string }
  | { kind: 'tokens'; file: string }
  | {
      kind: 'grafanaIdToken';
      /** Grafana's root URL: the expected `iss`, base of /api/signing-keys/keys and the team API. */
      grafanaUrl: string;
      teamMappingFile: string;
      /** Service account token file; null = environment variable GRAFANA_TOKEN. */
      grafanaTokenFile: string | null;
      /** Team membership index refresh period (staleness bound: this + the Grafana timeout). */
      teamRefreshMs: number;
    };

/** The flags that name a tenant source, for messages. */
export const TENANT_SOURCE_FLAGS = [
  '--label-value',
  '--header-name',
  '--query-param',
  '--tenant-tokens-file',
  '--grafana-id-token',
  '--rule',
] as const;

/** What the upstream is; each kind has its own route table (proxy/routes/…). */
export type UpstreamKind = 'prometheus' | 'alertmanager' | 'loki';
const UPSTREAM_KINDS: readonly UpstreamKind[] = ['prometheus', 'alertmanager', 'loki'];

export interface ProxyOptions {
  /** Base URL of the Prometheus (or Alertmanager) to protect, e.g. `http://prometheus:9090`. */
  upstream: string;
  /** `--upstream-kind`: which API the proxy serves and enforces (default prometheus). */
  upstreamKind: UpstreamKind;
  /** `HOST:PORT` for the enforced API; port 0 picks a free port. */
  listenAddress: string;
  /** `HOST:PORT` for /healthz and /metrics; null = not served. */
  internalListenAddress: string | null;
  /** The enforced label, e.g. `tenant` or `namespace`. */
  label: string;
  tenant: TenantSource;
  errorOnReplace: boolean;
  enableLabelApis: boolean;
  regexMatch: boolean;
  /** prom-label-proxy `-rules-with-active-alerts`. */
  rulesWithActiveAlerts: boolean;
  /** prom-label-proxy `-enable-label-matchers-for-rules-api`. */
  labelMatchersForRulesApi: boolean;
  /** Paths forwarded untouched without a tenant (exact path or anything below it). */
  passthroughPaths: readonly string[];
  upstreamTimeoutMs: number;
  maxBodyBytes: number;
  /** Time close() waits for in-flight requests before cutting connections. */
  shutdownGraceMs: number;
  /**
   * `--loki-org-id`: the X-Scope-OrgID sent on every request to Loki (--upstream-kind=loki), always
   * from configuration: a client's own X-Scope-OrgID is refused.
   */
  lokiOrgId?: string | null;
  /**
   * `--upstream-version`: the upstream's Prometheus release (`3.5.0`) or `thanos` / `mimir`;
   * absent = read from its /api/v1/status/buildinfo (upstreamVersion.ts).
   */
  upstreamVersion?: string;
  /**
   * `--accept-lbac-header`: read Grafana LBAC's X-Prom-Label-Policy (unsigned; only behind a
   * trusted Grafana) as the request's policy, inside the token's. Default off: the header is refused.
   */
  acceptLbacHeader?: boolean;
  /** One JSON line per request on the logger (accessLog.ts); `--no-access-log` turns it off. Default on. */
  accessLog?: boolean;
}

export const DEFAULTS = {
  upstreamTimeoutMs: 60_000,
  maxBodyBytes: 1024 * 1024,
  shutdownGraceMs: 10_000,
  teamRefreshMs: 30_000,
} as const;

export class OptionsError extends Error {}

const BOOLEAN_FLAGS = new Set([
  'error-on-replace',
  'enable-label-apis',
  'regex-match',
  'header-uses-list-syntax',
  'rules-with-active-alerts',
  'enable-label-matchers-for-rules-api',
  'grafana-id-token',
  'no-access-log',
  'accept-lbac-header',
]);
const VALUE_FLAGS = new Set([
  'upstream',
  'upstream-kind',
  'insecure-listen-address',
  'internal-listen-address',
  'label',
  'label-value',
  'rule',
  'header-name',
  'query-param',
  'unsafe-passthrough-paths',
  'upstream-timeout',
  'max-body-bytes',
  'shutdown-grace',
  'loki-org-id',
  'tenant-tokens-file',
  'grafana-url',
  'team-mapping-file',
  'grafana-token-file',
  'team-refresh-interval',
  'upstream-version',
]);

/** Parses argv (without node/script) into validated options; throws OptionsError naming the flag. */
export function parseProxyArgs(argv: readonly string[]): ProxyOptions {
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--?([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!m) {
      throw new OptionsError(
        `unexpected argument "${arg}": flags look like --label=tenant; run with --help for the list`
      );
    }
    const [, name, inline] = m;
    if (name === 'help') {
      throw new OptionsError(usage());
    }
    if (BOOLEAN_FLAGS.has(name)) {
      if (inline !== undefined && !['true', 'false'].includes(inline)) {
        throw new OptionsError(`--${name} takes no value or =true/=false, got "${inline}"`);
      }
      if (inline !== 'false') {
        flags.add(name);
      }
      continue;
    }
    if (!VALUE_FLAGS.has(name)) {
      throw new OptionsError(`unknown flag --${name}; run with --help for the list`);
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= argv.length) {
        throw new OptionsError(`--${name} needs a value`);
      }
      value = argv[++i];
    }
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  const single = (name: string): string | undefined => {
    const v = values.get(name);
    if (v && v.length > 1 && name !== 'label-value' && name !== 'rule') {
      throw new OptionsError(`--${name} given ${v.length} times; give it once`);
    }
    return v?.[0];
  };

  const label = single('label') ?? '';
  const tenant = tenantSourceFrom(values, flags, single);
  const options: ProxyOptions = {
    upstream: single('upstream') ?? '',
    upstreamKind: (single('upstream-kind') ?? 'prometheus') as UpstreamKind,
    listenAddress: single('insecure-listen-address') ?? '127.0.0.1:8080',
    internalListenAddress: single('internal-listen-address') ?? null,
    label,
    tenant,
    errorOnReplace: flags.has('error-on-replace'),
    enableLabelApis: flags.has('enable-label-apis'),
    regexMatch: flags.has('regex-match'),
    rulesWithActiveAlerts: flags.has('rules-with-active-alerts'),
    labelMatchersForRulesApi: flags.has('enable-label-matchers-for-rules-api'),
    passthroughPaths: (single('unsafe-passthrough-paths') ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== ''),
    upstreamTimeoutMs: parseDuration('upstream-timeout', single('upstream-timeout')) ?? DEFAULTS.upstreamTimeoutMs,
    maxBodyBytes: parseByteCount('max-body-bytes', single('max-body-bytes')) ?? DEFAULTS.maxBodyBytes,
    shutdownGraceMs: parseDuration('shutdown-grace', single('shutdown-grace')) ?? DEFAULTS.shutdownGraceMs,
    lokiOrgId: single('loki-org-id') ?? null,
    upstreamVersion: single('upstream-version'),
    accessLog: !flags.has('no-access-log'),
    acceptLbacHeader: flags.has('accept-lbac-header'),
  };
  validateOptions(options);
  return options;
}

/**
 * The one tenant source the flags name. None or several is an error naming all five: the
 * prom-label-proxy default (a query parameter named like --label when no source is given) let any
 * client pick its tenant on a proxy its operator believed fixed (issue #14).
 */
function tenantSourceFrom(
  values: ReadonlyMap<string, string[]>,
  flags: ReadonlySet<string>,
  single: (name: string) => string | undefined
): TenantSource {
  const labelValues = values.get('label-value') ?? [];
  const rules = values.get('rule') ?? [];
  const headerName = single('header-name');
  const queryParam = single('query-param');
  const tokensFile = single('tenant-tokens-file');
  const named = [
    labelValues.length > 0 && '--label-value',
    rules.length > 0 && '--rule',
    headerName !== undefined && '--header-name',
    queryParam !== undefined && '--query-param',
    tokensFile !== undefined && '--tenant-tokens-file',
    flags.has('grafana-id-token') && '--grafana-id-token',
  ].filter((x): x is string => typeof x === 'string');
  if (named.length !== 1) {
    throw new OptionsError(
      `name exactly one tenant source: ${TENANT_SOURCE_FLAGS.join(', ')} ` +
        (named.length === 0
          ? '(none given; the proxy no longer falls back to a query parameter named like --label, which let any client pick its tenant)'
          : `(got ${named.join(' and ')})`)
    );
  }
  const onlyWith = (flag: string, source: string, given: boolean) => {
    if (given && named[0] !== source) {
      throw new OptionsError(`--${flag} only applies with ${source}`);
    }
  };
  onlyWith('header-uses-list-syntax', '--header-name', flags.has('header-uses-list-syntax'));
  for (const flag of ['grafana-url', 'team-mapping-file', 'grafana-token-file', 'team-refresh-interval']) {
    onlyWith(flag, '--grafana-id-token', values.has(flag));
  }
  if (labelValues.length > 0) {
    return { kind: 'static', values: labelValues };
  }
  if (rules.length > 0) {
    return { kind: 'static', values: [], rules };
  }
  if (headerName !== undefined) {
    return { kind: 'header', name: headerName, listSyntax: flags.has('header-uses-list-syntax') };
  }
  if (queryParam !== undefined) {
    return { kind: 'queryParam', name: queryParam };
  }
  if (tokensFile !== undefined) {
    return { kind: 'tokens', file: tokensFile };
  }
  return {
    kind: 'grafanaIdToken',
    grafanaUrl: single('grafana-url') ?? '',
    teamMappingFile: single('team-mapping-file') ?? '',
    grafanaTokenFile: single('grafana-token-file') ?? null,
    teamRefreshMs: parseDuration('team-refresh-interval', single('team-refresh-interval')) ?? DEFAULTS.teamRefreshMs,
  };
}

/**
 * `--rule`: a policy parses (errors name the rule and matcher), and only where the routes enforce
 * policies: the Loki and Alertmanager kinds enforce --label values only, and silently dropping a
 * rule there would widen or narrow access behind the operator's back.
 */
function validateStaticRules(o: ProxyOptions, rules: readonly string[]): void {
  if (o.upstreamKind !== 'prometheus') {
    throw new OptionsError(
      `--rule is not supported with --upstream-kind=${o.upstreamKind}: that kind enforces one label's values only; use --label and --label-value`
    );
  }
  if (o.regexMatch) {
    throw new OptionsError(
      '--regex-match applies to --label-value only; write regex matchers in the --rule selectors (tenant=~"a.*")'
    );
  }
  try {
    parsePolicy(rules);
  } catch (err) {
    throw new OptionsError(`--rule: ${(err as Error).message}`);
  }
}

/** Checks a complete option set (also used by createProxy for in-process callers). */
export function validateOptions(o: ProxyOptions): void {
  if (o.upstream === '') {
    throw new OptionsError(
      '--upstream is required: the base URL of the Prometheus to protect, e.g. --upstream=http://prometheus:9090'
    );
  }
  if (o.upstreamVersion !== undefined) {
    try {
      parseUpstreamVersionFlag(o.upstreamVersion);
    } catch (err) {
      throw new OptionsError((err as Error).message);
    }
  }
  let upstream: URL;
  try {
    upstream = new URL(o.upstream);
  } catch {
    throw new OptionsError(
      `--upstream "${o.upstream}" is not a URL; give the Prometheus base URL, e.g. http://prometheus:9090`
    );
  }
  if (!UPSTREAM_KINDS.includes(o.upstreamKind)) {
    throw new OptionsError(
      `--upstream-kind "${o.upstreamKind}" is not known; use one of ${UPSTREAM_KINDS.join(', ')} (default prometheus)`
    );
  }
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') {
    throw new OptionsError(`--upstream "${o.upstream}" must be http:// or https://`);
  }
  if (upstream.search !== '' || upstream.hash !== '') {
    throw new OptionsError(`--upstream "${o.upstream}" must not carry a query string or fragment`);
  }
  parseHostPort('insecure-listen-address', o.listenAddress);
  if (o.internalListenAddress !== null) {
    parseHostPort('internal-listen-address', o.internalListenAddress);
  }
  const staticRules = o.tenant.kind === 'static' ? o.tenant.rules : undefined;
  if (staticRules) {
    validateStaticRules(o, staticRules);
  } else if (o.label.trim() === '') {
    throw new OptionsError('--label is required: the label that separates tenants, e.g. --label=tenant');
  }
  if (o.tenant.kind === 'static' && !staticRules) {
    if (o.tenant.values.some((v) => v === '')) {
      throw new OptionsError('--label-value must not be empty: an empty value would select series without the label');
    }
    if (o.regexMatch) {
      // main.go performs the request-time regex checks once at start-up for fixed values.
      const problem = regexTenantProblem(o.tenant.values);
      if (problem) {
        throw new OptionsError(`--label-value with --regex-match: ${problem}`);
      }
    }
  }
  if (o.tenant.kind === 'header' && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(o.tenant.name)) {
    throw new OptionsError(`--header-name "${o.tenant.name}" is not a valid HTTP header name`);
  }
  if (o.tenant.kind === 'queryParam' && o.tenant.name === '') {
    throw new OptionsError('--query-param must not be empty');
  }
  validateLokiOrgId(o);
  if (o.acceptLbacHeader && (o.tenant.kind !== 'tokens' || o.upstreamKind !== 'prometheus')) {
    throw new OptionsError(
      "--accept-lbac-header needs --tenant-tokens-file and --upstream-kind=prometheus: the header's tenant part is checked against the token's tenant"
    );
  }
  if (o.tenant.kind === 'tokens' && o.tenant.file === '') {
    throw new OptionsError(
      '--tenant-tokens-file must name the tokens file (YAML or JSON of tenants and SHA-256 digests)'
    );
  }
  if (o.tenant.kind === 'grafanaIdToken') {
    validateGrafanaIdToken(o.tenant);
  }
  validatePassthroughPaths(o.passthroughPaths);
  if (!(o.upstreamTimeoutMs > 0) || !(o.maxBodyBytes > 0)) {
    throw new OptionsError('--upstream-timeout and --max-body-bytes must be positive');
  }
}

/**
 * Loki's tenant (X-Scope-OrgID) is configuration, never client input: required with
 * --upstream-kind=loki (Loki with auth_enabled: false takes any value, e.g. "fake"), refused otherwise.
 */
function validateLokiOrgId(o: ProxyOptions): void {
  const orgId = o.lokiOrgId ?? null;
  if (o.upstreamKind !== 'loki') {
    if (orgId !== null) {
      throw new OptionsError('--loki-org-id only applies with --upstream-kind=loki');
    }
    return;
  }
  if (orgId === null || orgId.trim() === '') {
    throw new OptionsError(
      '--upstream-kind=loki needs --loki-org-id ORG: the X-Scope-OrgID the proxy sends to Loki (use "fake" for a Loki with auth_enabled: false)'
    );
  }
  if (!/^[\x21-\x7e]+$/.test(orgId)) {
    throw new OptionsError(
      `--loki-org-id "${orgId}" must be printable ASCII without spaces (an X-Scope-OrgID header value)`
    );
  }
}

function validateGrafanaIdToken(t: Extract<TenantSource, { kind: 'grafanaIdToken' }>): void {
  let url: URL | null = null;
  try {
    url = new URL(t.grafanaUrl);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new OptionsError(
      `--grafana-id-token needs --grafana-url set to Grafana's root URL (its root_url, the tokens' issuer), e.g. https://grafana.example.com/; got "${t.grafanaUrl}"`
    );
  }
  if (t.teamMappingFile === '') {
    throw new OptionsError(
      "--grafana-id-token needs --team-mapping-file: the shared org's team → tenant mapping written by tenancy apply"
    );
  }
  if (!(t.teamRefreshMs >= 1000)) {
    throw new OptionsError('--team-refresh-interval must be at least 1s');
  }
}

/** The regex checks prom-label-proxy applies with -regex-match (routes.go newLabelMatcher). */
export function regexTenantProblem(values: readonly string[]): string | null {
  if (values.length !== 1) {
    return 'only one label value allowed with regex match';
  }
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${values[0]})$`, 'u');
  } catch (err) {
    return `invalid regex: ${(err as Error).message}`;
  }
  if (re.test('')) {
    return 'regex should not match empty string';
  }
  return null;
}

/** Paths served by the enforcing routes; a passthrough path may not shadow them (routes.go NewRoutes). */
export const ENFORCED_PATH_PREFIXES = [
  '/federate',
  '/api/v1/query',
  '/api/v1/query_range',
  '/api/v1/query_exemplars',
  '/api/v1/series',
  '/api/v1/labels',
  '/api/v1/label',
  '/api/v1/metadata',
  '/api/v1/rules',
  '/api/v1/alerts',
  // Alertmanager (--upstream-kind=alertmanager); prom-label-proxy registers them in every mode.
  '/api/v2/silences',
  '/api/v2/silence',
  '/api/v2/alerts',
  // Loki (--upstream-kind=loki): every Loki API path, reads and writes alike.
  '/loki/api',
  '/api/prom',
  '/healthz',
];

function validatePassthroughPaths(paths: readonly string[]): void {
  const seen = new Set<string>();
  for (const raw of paths) {
    const bad = (why: string) => new OptionsError(`--unsafe-passthrough-paths entry "${raw}": ${why}`);
    if (!raw.startsWith('/')) {
      throw bad('must be an absolute path starting with /');
    }
    if (raw.includes('?') || raw.includes('#')) {
      throw bad('must not contain a query string');
    }
    const trimmed = raw.replace(/\/+$/, '');
    if (trimmed === '') {
      throw bad('"/" would pass every request through unenforced');
    }
    if (seen.has(trimmed)) {
      throw bad('listed twice');
    }
    seen.add(trimmed);
    for (const enforced of ENFORCED_PATH_PREFIXES) {
      if (trimmed === enforced || trimmed.startsWith(enforced + '/') || enforced.startsWith(trimmed + '/')) {
        throw bad(`overlaps the enforced route ${enforced}`);
      }
    }
  }
}

export function parseHostPort(flag: string, value: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]*):(\d+)$/.exec(value);
  if (!m || Number(m[2]) > 65535) {
    throw new OptionsError(`--${flag} "${value}" must be HOST:PORT, e.g. 0.0.0.0:8080`);
  }
  const host = m[1].replace(/^\[|\]$/g, '');
  return { host: host === '' ? '0.0.0.0' : host, port: Number(m[2]) };
}

/** Go-style durations as prom-label-proxy takes them: `30s`, `1m30s`, `500ms`. */
function parseDuration(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new OptionsError(`--${flag} "${text}" is not a duration; use e.g. 30s, 2m or 1m30s`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]], 0);
}

function parseByteCount(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const m = /^(\d+)(|k|ki|kb|m|mi|mb)$/i.exec(text);
  if (!m) {
    throw new OptionsError(`--${flag} "${text}" is not a byte count; use e.g. 1048576 or 1Mi`);
  }
  const unit = m[2].toLowerCase();
  const factor = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1;
  return Number(m[1]) * factor;
}

export function usage(): string {
  return [
    'usage: npm run -s proxy -- --upstream URL --label NAME (--label-value V... | --header-name H | --query-param P) [flags]',
    '  --upstream-kind prometheus|alertmanager|loki  the API served and enforced (default prometheus)',
    '  --loki-org-id ORG                     X-Scope-OrgID sent to Loki (required with --upstream-kind=loki)',
    'usage: npm run -s proxy -- --upstream URL --label NAME TENANT-SOURCE [flags]',
    'TENANT-SOURCE, exactly one of:',
    '  --label-value V (repeatable)          fixed tenant: every client is that tenant',
    '  --rule SELECTOR (repeatable)          fixed label policy, e.g. --rule \'{tenant="a",env="prod"}\'',
    '                                        (matchers AND, rules OR; --label not needed; prometheus kind only)',
    '  --header-name H                       tenant header (trusts the network path)',
    '  --query-param P                       tenant parameter (trusts the network path)',
    '  --tenant-tokens-file FILE             tenant of the Authorization: Bearer token (SHA-256 digests in FILE)',
    '  --grafana-id-token                    shared org: teams of the user in the signed X-Grafana-Id token, with',
    '      --grafana-url URL --team-mapping-file FILE [--grafana-token-file FILE (else env GRAFANA_TOKEN)]',
    '      [--team-refresh-interval 30s]',
    'flags:',
    '  --upstream-kind prometheus|alertmanager  the API served and enforced (default prometheus)',
    '  --insecure-listen-address HOST:PORT   enforced API (default 127.0.0.1:8080)',
    '  --internal-listen-address HOST:PORT   /healthz and /metrics',
    '  --header-uses-list-syntax             split the tenant header on commas',
    '  --error-on-replace                    400 instead of replacing a conflicting tenant matcher',
    '  --accept-lbac-header                  read Grafana LBAC X-Prom-Label-Policy (unsigned: only behind a trusted',
    "                                        Grafana; with --tenant-tokens-file; rules must narrow the token's)",
    '  --enable-label-apis                   serve /api/v1/labels and /api/v1/label/<name>/values',
    '  --regex-match                         the tenant value is a regex',
    '  --rules-with-active-alerts            keep alerting rules that have matching alerts',
    '  --enable-label-matchers-for-rules-api inject match[] into /api/v1/rules instead of filtering',
    '  --unsafe-passthrough-paths P1,P2      forwarded untouched, without a tenant',
    '  --upstream-timeout 60s                time for the upstream to answer (504 after)',
    '  --max-body-bytes 1Mi                  largest accepted request body (413 above)',
    '  --shutdown-grace 10s                  time to drain in-flight requests on SIGTERM',
    '  --no-access-log                       no JSON access-log line per request (rejections are still logged)',
    '  --upstream-version 3.5.0              the upstream Prometheus release (or thanos, mimir); default: read',
    '                                        from its /api/v1/status/buildinfo at start and after an outage',
  ].join('\n');
}
