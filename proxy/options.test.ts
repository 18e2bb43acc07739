/** @jest-environment node */
import { parseProxyArgs } from './options';

const BASE = ['--upstream', 'http://prometheus:9090', '--label', 'tenant'];

describe('parseProxyArgs: prom-label-proxy flags', () => {
  it.each<[string, string[], object]>([
    ['query parameter named like the label by default', [], { tenant: { kind: 'queryParam', name: 'tenant' } }],
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
    [
      'single-dash Go style and booleans',
      ['-error-on-replace', '-enable-label-apis', '-regex-match=false'],
      { errorOnReplace: true, enableLabelApis: true, regexMatch: false },
    ],
    [
      'addresses',
      ['--insecure-listen-address', '0.0.0.0:8080', '--internal-listen-address=:8081'],
      { listenAddress: '0.0.0.0:8080', internalListenAddress: ':8081' },
    ],
    [
      'passthrough list',
      ['--unsafe-passthrough-paths', '/api/v1/status/buildinfo,/-/ready'],
      { passthroughPaths: ['/api/v1/status/buildinfo', '/-/ready'] },
    ],
    [
      'timeout and body limit',
      ['--upstream-timeout', '1m30s', '--max-body-bytes', '2Mi'],
      { upstreamTimeoutMs: 90_000, maxBodyBytes: 2 * 1024 * 1024 },
    ],
    ['Prometheus upstream by default', [], { upstreamKind: 'prometheus' }],
    ['Alertmanager upstream', ['--upstream-kind=alertmanager'], { upstreamKind: 'alertmanager' }],
  ])('%s', (_name, extra, expected) => {
    expect(parseProxyArgs([...BASE, ...extra])).toMatchObject(expected);
  });

  it.each<[string, string[], RegExp]>([
    [
      'two tenant sources',
      [...BASE, '--label-value', 'a', '--header-name', 'X-Tenant'],
      /only one of --label-value, --header-name and --query-param/,
    ],
    ['no label', ['--upstream', 'http://p:9090', '--label-value', 'a'], /--label is required/],
    ['no upstream', ['--label', 'tenant'], /--upstream "" is not a URL/],
    [
      'upstream with a query',
      [...BASE.slice(0, 1), 'http://p:9090/?x=1', '--label', 't'],
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
      [...BASE, '--unsafe-passthrough-paths', '/federate/some'],
      /overlaps the enforced route \/federate/,
    ],
    ['passthrough of /', [...BASE, '--unsafe-passthrough-paths', '/'], /would pass every request/],
    ['relative passthrough', [...BASE, '--unsafe-passthrough-paths', 'api4'], /absolute path/],
    ['duplicate passthrough', [...BASE, '--unsafe-passthrough-paths', '/api1,/api1/'], /listed twice/],
    ['passthrough with query', [...BASE, '--unsafe-passthrough-paths', '/api1?args=1'], /query string/],
    ['unknown flag', [...BASE, '--tls-cert', 'x'], /unknown flag --tls-cert/],
    ['bad duration', [...BASE, '--upstream-timeout', 'soon'], /not a duration/],
    ['bad address', [...BASE, '--insecure-listen-address', '8080'], /HOST:PORT/],
    ['list syntax without header', [...BASE, '--header-uses-list-syntax'], /only applies with --header-name/],
    ['unknown upstream kind', [...BASE, '--upstream-kind', 'thanos'], /--upstream-kind "thanos" is not known/],
    [
      'passthrough of an Alertmanager route',
      [...BASE, '--unsafe-passthrough-paths', '/api/v2'],
      /overlaps the enforced route \/api\/v2\/silences/,
    ],
  ])('rejects %s', (_name, argv, message) => {
    expect(() => parseProxyArgs(argv)).toThrow(message);
  });
});
