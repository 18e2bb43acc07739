import { CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { EditorState } from '@codemirror/state';

import { fixtureStreams, startFakeLoki, type FakeLoki, type FixtureStream } from '../../tests/wrapper/support/fakeLoki';
import { ForwardingLokiTarget } from '../../tests/wrapper/support/forwardingLokiTarget';
import { httpGetJson } from '../../tests/wrapper/support/forwardingTarget';
import { lokiProblems } from '../../tests/wrapper/support/lokiPinning';
import { fetchError } from '../../tests/wrapper/support/recordingBackendSrv';
import { DEFAULT_JSON, RANGE, RESOURCE_PREFIX, wrapperHarness } from '../../tests/wrapper/support/wrapperHarness';
import { logqlLabelCompletion, TenantLokiLabels, type LokiLabelSource } from './logqlCompletion';

jest.setTimeout(20_000);

/** Runs the completion source with the cursor at the last `|` of `marked` (earlier ones are pipes). */
async function complete(source: LokiLabelSource, marked: string): Promise<CompletionResult | null> {
  const pos = marked.lastIndexOf('|');
  const state = EditorState.create({ doc: marked.slice(0, pos) + marked.slice(pos + 1) });
  return logqlLabelCompletion(source)(new CompletionContext(state, pos, false));
}

const labelsOf = (r: CompletionResult | null) => r?.options.map((o) => o.label);

/** A label source that records what was asked, with which selector, and answers from a table. */
function recordingSource(answers: { names?: string[]; values?: string[]; fail?: boolean } = {}) {
  const asked: string[] = [];
  const source: LokiLabelSource = {
    tenantLabel: async () => {
      if (answers.fail) {
        throw new Error('You are not in any team mapped in data source "Tenant wrapper".');
      }
      return 'tenant';
    },
    labelNames: async (stream) => {
      asked.push(`labelNames ${stream ?? '-'}`);
      return answers.names ?? ['app', 'env', 'tenant'];
    },
    labelValues: async (label, stream) => {
      asked.push(`labelValues ${label} ${stream ?? '-'}`);
      return answers.values ?? ['api', 'web'];
    },
  };
  return { source, asked };
}

describe('logqlLabelCompletion with a recording label source', () => {
  test.each<[string, string, string[] | undefined]>([
    ['{|}', 'labelNames -', ['app', 'env']],
    ['{env="dev", |}', 'labelNames {env="dev"}', ['app']],
    ['{env="dev", app=~"a.*", |}', 'labelNames {env="dev", app=~"a.*"}', []],
    // A matcher on the tenant label scopes nothing: the wrapper pins the user's tenant anyway.
    ['{tenant="b", |}', 'labelNames -', ['app', 'env']],
    ['{app="|"}', 'labelValues app -', ['api', 'web']],
    ['{env="dev", app="|"}', 'labelValues app {env="dev"}', ['api', 'web']],
    ['{app="|", env!="dev", pod=~`p.*`}', 'labelValues app {env!="dev", pod=~`p.*`}', ['api', 'web']],
    ['{tenant=~".+", app!~"|"}', 'labelValues app -', ['api', 'web']],
  ])('%s asks %s', async (marked, call, labels) => {
    const { source, asked } = recordingSource();
    const result = await complete(source, marked);
    expect(asked).toEqual([call]);
    expect(labelsOf(result)).toEqual(labels);
  });

  test.each(['{app="api"} |', 'sum(|', '{app="api"} |= "|"', '{tenant="|"}'])(
    '%s: no suggestion and no call',
    async (marked) => {
      const { source, asked } = recordingSource();
      expect(await complete(source, marked)).toBeNull();
      expect(asked).toEqual([]);
    }
  );

  test('a failing source (no mapped team) gives no suggestions and asks nothing', async () => {
    const { source, asked } = recordingSource({ fail: true });
    expect(await complete(source, '{|}')).toBeNull();
    expect(await complete(source, '{app="|"}')).toBeNull();
    expect(asked).toEqual([]);
  });

  test('a failing metadata call gives no suggestions', async () => {
    const source: LokiLabelSource = {
      tenantLabel: async () => 'tenant',
      labelNames: () => Promise.reject(new Error('target down')),
      labelValues: () => Promise.reject(new Error('target down')),
    };
    expect(await complete(source, '{|}')).toBeNull();
    expect(await complete(source, '{app="|"}')).toBeNull();
  });

  test('values are escaped for the quotes they go into; raw strings skip values with a backtick', async () => {
    const { source } = recordingSource({ values: ['say "hi"', 'C:\\logs', 'a`b'] });
    const quoted = await complete(source, '{app="|"}');
    expect(quoted?.options.map((o) => [o.label, o.apply])).toEqual([
      ['say "hi"', 'say \\"hi\\"'],
      ['C:\\logs', 'C:\\\\logs'],
      ['a`b', 'a`b'],
    ]);
    expect(quoted?.from).toBe(6);
    const raw = await complete(source, '{app=`|`}');
    expect(labelsOf(raw)).toEqual(['say "hi"', 'C:\\logs']);
  });
});

/**
 * The source the editor uses (TenantLokiLabels over the wrapper's TenantLokiMetadataApi) against
 * the fake Loki, with one label only tenant b's streams carry.
 */
describe('TenantLokiLabels over the wrapper and a fake Loki', () => {
  const B_ONLY: FixtureStream = {
    labels: { tenant: 'b', app: 'billing', b_only: 'yes' },
    lines: [['1704067260000000000', 'level=info app=billing tenant=b']],
  };
  let loki: FakeLoki;
  beforeAll(async () => {
    loki = await startFakeLoki([...fixtureStreams(), B_ONLY]);
  });
  afterAll(() => loki?.stop());
  beforeEach(() => {
    loki.requests.length = 0;
  });

  function editorSource(teams: string[]) {
    const h = wrapperHarness({
      teams,
      targets: [new ForwardingLokiTarget(loki.url)],
      jsonData: { ...DEFAULT_JSON, targetUid: 'loki' },
      resource: async (path, req) => {
        const { status, body } = await httpGetJson<unknown>(`${loki.url}/loki/api/v1/${path}?${req.query}`);
        if (status !== 200) {
          throw fetchError(status, body);
        }
        return body;
      },
    });
    const source = new TenantLokiLabels(h.wrapper.lokiMetadata);
    source.setRange(RANGE);
    return { ...h, source };
  }

  test("tenant a: label names and values of tenant a's streams only, every request pinned", async () => {
    const { source } = editorSource(['team-a']);
    expect(labelsOf(await complete(source, '{|}'))).toEqual(['app', 'env', 'pod']);
    expect(labelsOf(await complete(source, '{app="|"}'))).toEqual(['api', 'web']);
    expect(labelsOf(await complete(source, '{env="dev", app="|"}'))).toEqual(['web']);
    // Naming tenant b in the text does not widen the suggestions.
    expect(labelsOf(await complete(source, '{tenant="b", app="|"}'))).toEqual(['api', 'web']);
    expect(loki.requests.map((r) => `${r.path} ${r.query.get('query')}`)).toEqual([
      '/loki/api/v1/labels {tenant="a"}',
      '/loki/api/v1/label/app/values {tenant="a"}',
      '/loki/api/v1/label/app/values {env="dev",tenant="a"}',
      '/loki/api/v1/label/app/values {tenant="a"}',
    ]);
    expect(lokiProblems(loki.requests, 'tenant', ['a'])).toEqual([]);
    expect(loki.requests.every((r) => r.query.get('start') === '1704067200000000000')).toBe(true);
  });

  test('tenant b sees its own label, pinned to b', async () => {
    const { source } = editorSource(['team-b']);
    expect(labelsOf(await complete(source, '{|}'))).toEqual(['app', 'b_only', 'env', 'pod']);
    expect(lokiProblems(loki.requests, 'tenant', ['b'])).toEqual([]);
  });

  test('a user in no mapped team: no suggestions, no request to the target', async () => {
    const { source, backend } = editorSource(['ops']);
    expect(await complete(source, '{|}')).toBeNull();
    expect(await complete(source, '{app="|"}')).toBeNull();
    expect(loki.requests).toEqual([]);
    expect(backend.requests.filter((r) => r.path.startsWith(RESOURCE_PREFIX('loki')))).toEqual([]);
  });
});
