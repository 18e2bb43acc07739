import { CompletionContext } from '@codemirror/autocomplete';
import { ensureSyntaxTree } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { newCompleteStrategy, PromQLExtension } from '@prometheus-io/codemirror-promql';

import { RecordingTarget } from '../../tests/wrapper/support/recordingTarget';
import { matchParams, wrapperHarness } from '../../tests/wrapper/support/wrapperHarness';
import { editorSelector, TenantPrometheusClient } from './promqlClient';

/** Runs codemirror-promql's own completion at the end of `doc` with the wrapper's client. */
async function complete(doc: string) {
  const target = new RecordingTarget('prom');
  const { wrapper, backend } = wrapperHarness({
    teams: ['team-a'],
    targets: [target],
    resource: (path) => ({
      status: 'success',
      data: path.endsWith('metadata') ? {} : path.endsWith('series') ? [] : ['v1'],
    }),
  });
  const state = EditorState.create({ doc, extensions: new PromQLExtension().asExtension() });
  // codemirror-promql completes from the syntax tree: it must be complete, however slow the machine.
  expect(ensureSyntaxTree(state, doc.length, 60_000)).not.toBeNull();
  const strategy = newCompleteStrategy({ remote: new TenantPrometheusClient(wrapper.metadata) });
  const result = await strategy.promQL(new CompletionContext(state, doc.length, true));
  const proxied = backend.requests.filter((r) => r.path.startsWith('/api/datasources/proxy/'));
  return {
    result,
    calls: proxied.map((r) => [r.path.replace('/api/datasources/proxy/uid/prom/', ''), matchParams(r)]),
  };
}

describe('suggestions through codemirror-promql with the tenant client', () => {
  it.each([
    // The editor's matcher operators (lezer token ids of codemirror-promql's own parser) map to PromQL.
    [
      'label values with the other matchers',
      'up{instance!="x", mode=~"i.*", job="',
      ['api/v1/label/job/values', ['{__name__="up", instance!="x", mode=~"i.*",tenant="a"}']],
    ],
    ['label names of a metric', 'up{j', ['api/v1/labels', ['{__name__="up",tenant="a"}']]],
    ['metric names', 'rat', ['api/v1/label/__name__/values', ['{tenant="a"}']]],
  ])('%s', async (_n, doc, call) => {
    const { calls } = await complete(doc);
    expect(calls).toContainEqual(call);
    for (const [, match] of calls) {
      expect(match).toEqual([expect.stringMatching(/tenant="a"\}$/)]);
    }
  });
});

describe('editorSelector', () => {
  it('skips the matcher being typed and __name__ matchers', () => {
    expect(
      editorSelector('up', [
        { type: 176, name: '', value: '' },
        { type: 176, name: '__name__', value: 'x' },
      ])
    ).toBe('{__name__="up"}');
    expect(editorSelector(undefined, [])).toBeUndefined();
  });
});
