import { parseLokiVariableQuery } from './lokiVariableQuery';

describe('parseLokiVariableQuery', () => {
  it.each([
    ['label_names()', { type: 'labelNames' }],
    ['  label_names( ) ', { type: 'labelNames' }],
    ['label_values(app)', { type: 'labelValues', label: 'app' }],
    [
      'label_values({env="prod", team=~"a,b"}, app)',
      { type: 'labelValues', label: 'app', stream: '{env="prod", team=~"a,b"}' },
    ],
    [{ refId: 'V', type: 0 }, { type: 'labelNames' }],
    [
      { refId: 'V', type: 1, label: 'pod', stream: '{app="x"}' },
      { type: 'labelValues', label: 'pod', stream: '{app="x"}' },
    ],
    [
      { refId: 'V', type: 1, label: 'pod', stream: '' },
      { type: 'labelValues', label: 'pod' },
    ],
    [{ query: 'label_values(pod)' }, { type: 'labelValues', label: 'pod' }],
  ])('%j', (q, want) => {
    expect(parseLokiVariableQuery(q)).toEqual(want);
  });

  it.each([['{app="x"}'], ['label_values()'], [{ type: 1 }], [{ type: 7, label: 'x' }], [42], [null]])(
    'refuses %j with the forms it accepts',
    (q) => {
      expect(() => parseLokiVariableQuery(q)).toThrow('Label names');
    }
  );
});
