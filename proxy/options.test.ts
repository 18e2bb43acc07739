/** @jest-environment node */
import { parseProxyArgs } from './options';

const BASE = ['--upstream', 'http://prometheus:9090', '--label', 'tenant'];
/** BASE with a tenant source, for cases about other flags. */
const HEADER = [...BASE, '--header-name', 'X-Tenant'];

describe('parseProxyArgs: prom-label-proxy flags', () => {
  it.each<[string, string[], object]>([
    [
      'fixed values, repeatable',
      ['--label-value', 'a', '--label-value=b'],
      { tenant: { kind: 'static', values: ['a', 'b'] } },
    ],
    [
      'header with list syntax',
      ['--header-name=X-Tenant', '--header-uses-list-syntax'],
      { tenant: { kind: 'header', name: 'X-Tenant', listSyntax: true } },
    ],
    ['query parameter', ['-query-param', 'ns'], { tenant: { kind: 'queryParam', name: 'ns' } }],
    ['tokens file', ['--tenant-tokens-file', '/etc/t.yaml'], { tenant: { kind: 'tokens', file: '/etc/t.yaml' } }],
    [
      'Grafana ID token',
      ['--grafana-id-token', '--grafana-url=http://grafana:3000', '--team-mapping-file', '/m.yaml'],
      {
        tenant: {
          kind: 'grafanaIdToken',
          grafanaUrl: 'http://grafana:3000',
          teamMappingFile: '/m.yaml',
          grafanaTokenFile: null,
          teamRefreshMs: 30_000,
        },
      },
    ],
    [
      'Grafana ID token with a token file and a refresh interval',
      [
        '--grafana-id-token',
        '--grafana-url=http://grafana:3000/sub/',
        '--team-mapping-file=/m.yaml',
        '--grafana-token-file=/sa',
        '--team-refresh-interval=10s',
      ],
      { tenant: { grafanaTokenFile: '/sa', teamRefreshMs: 10_000 } },
    ],
    [
      'single-dash Go style and booleans',
      ['--label-value=a', '-error-on-replace', '-enable-label-apis', '-regex-match=false'],
      { errorOnReplace: true, enableLabelApis: true, regexMatch: false },
    ],
    [
      'addresses',
      ['--header-name=X-Tenant', '--insecure-listen-address', '0.0.0.0:8080', '--internal-listen-address=:8081'],
      { listenAddress: '0.0.0.0:8080', internalListenAddress: ':8081' },
    ],
    [
      'passthrough list',
      ['--header-name=X-Tenant', '--unsafe-passthrough-paths', '/api/v1/status/buildinfo,/-/ready'],
      { passthroughPaths: ['/api/v1/status/buildinfo', '/-/ready'] },
    ],
    [
      'timeout and body limit',
      ['--header-name=X-Tenant', '--upstream-timeout', '1m30s', '--max-body-bytes', '2Mi'],
      { upstreamTimeoutMs: 90_000, maxBodyBytes: 2 * 1024 * 1024 },
    ],
    ['Prometheus upstream by default', ['--header-name=X-Tenant'], { upstreamKind: 'prometheus' }],
    [
      'Alertmanager upstream',
      ['--header-name=X-Tenant', '--upstream-kind=alertmanager'],
      { upstreamKind: 'alertmanager' },
    ],
    ['upstream version read by default, access log on', ['--header-name=X-Tenant'], { accessLog: true }],
    [
      'upstream version pinned, access log off',
      ['--header-name=X-Tenant', '--upstream-version=3.5.0', '--no-access-log'],
      { upstreamVersion: '3.5.0', accessLog: false },
    ],
  ])('%s', (_name, extra, expected) => {
    expect(parseProxyArgs([...BASE, ...extra])).toMatchObject(expected);
  });

  it.each<[string, string[], RegExp]>([
    [
      'upstream version not a release',
      [...BASE, '--header-name=X-Tenant', '--upstream-version=latest'],
      /--upstream-version "latest" is not a Prometheus release like 3.5.0/,
    ],
    [
      'two tenant sources',
      [...BASE, '--label-value', 'a', '--header-name', 'X-Tenant'],
      /name exactly one tenant source: --label-value, --header-name, --query-param, --tenant-tokens-file, --grafana-id-token, --rule \(got --label-value and --header-name\)/,
    ],
    [
      'no tenant source (prom-label-proxy would take ?tenant= from any client)',
      BASE,
      /name exactly one tenant source: .*\(none given; the proxy no longer falls back to a query parameter/,
    ],
    [
      'tokens file and Grafana ID token',
      [...BASE, '--tenant-tokens-file=/t', '--grafana-id-token'],
      /got --tenant-tokens-file and --grafana-id-token/,
    ],
    [
      'Grafana ID token without --grafana-url',
      [...BASE, '--grafana-id-token', '--team-mapping-file=/m'],
      /needs --grafana-url/,
    ],
    [
      'Grafana ID token without a mapping file',
      [...BASE, '--grafana-id-token', '--grafana-url=http://g:3000'],
      /needs --team-mapping-file/,
    ],
    [
      'Grafana flags without the mode',
      [...HEADER, '--grafana-url=http://g:3000'],
      /--grafana-url only applies with --grafana-id-token/,
    ],
    [
      'team refresh below a second',
      [
        ...BASE,
        '--grafana-id-token',
        '--grafana-url=http://g:3000',
        '--team-mapping-file=/m',
        '--team-refresh-interval=10ms',
      ],
      /at least 1s/,
    ],
    ['no label', ['--upstream', 'http://p:9090', '--label-value', 'a'], /--label is required/],
    ['no upstream', ['--label', 'tenant', '--label-value=a'], /--upstream is required/],
    [
      'upstream with a query',
      [...BASE.slice(0, 1), 'http://p:9090/?x=1', '--label', 't', '--label-value=a'],
      /must not carry a query string/,
    ],
    ['empty fixed value', [...BASE, '--label-value', ''], /must not be empty/],
    [
      'regex that matches everything',
      [...BASE, '--label-value', '.*', '--regex-match'],
      /regex should not match empty string/,
    ],
    [
      'two regexes',
      [...BASE, '--label-value', 'a', '--label-value', 'b', '--regex-match'],
      /only one label value allowed/,
    ],
    [
      'passthrough of an enforced route',
      [...HEADER, '--unsafe-passthrough-paths', '/federate/some'],
      /overlaps the enforced route \/federate/,
    ],
    ['passthrough of /', [...HEADER, '--unsafe-passthrough-paths', '/'], /would pass every request/],
    ['relative passthrough', [...HEADER, '--unsafe-passthrough-paths', 'api4'], /absolute path/],
    ['duplicate passthrough', [...HEADER, '--unsafe-passthrough-paths', '/api1,/api1/'], /listed twice/],
    ['passthrough with query', [...HEADER, '--unsafe-passthrough-paths', '/api1?args=1'], /query string/],
    ['unknown flag', [...HEADER, '--tls-cert', 'x'], /unknown flag --tls-cert/],
    ['bad duration', [...HEADER, '--upstream-timeout', 'soon'], /not a duration/],
    ['bad address', [...HEADER, '--insecure-listen-address', '8080'], /HOST:PORT/],
    [
      'list syntax without header',
      [...BASE, '--query-param=t', '--header-uses-list-syntax'],
      /only applies with --header-name/,
    ],
    ['unknown upstream kind', [...HEADER, '--upstream-kind', 'thanos'], /--upstream-kind "thanos" is not known/],
    [
      'passthrough of an Alertmanager route',
      [...HEADER, '--unsafe-passthrough-paths', '/api/v2'],
      /overlaps the enforced route \/api\/v2\/silences/,
    ],
  ])('rejects %s', (_name, argv, message) => {
    expect(() => parseProxyArgs(argv)).toThrow(message);
  });
});
