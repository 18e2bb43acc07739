import { FieldType, LogRowContextQueryDirection, toDataFrame, type LogRowModel } from '@grafana/data';

import { CONTEXT_WINDOW_MS, contextSelector, contextWindow } from './logContext';

function row(labels: Record<string, string>, labelTypes?: Record<string, string>): LogRowModel {
  const fields = [
    { name: 'Time', type: FieldType.time, values: [1000] },
    { name: 'Line', type: FieldType.string, values: ['x'] },
    ...(labelTypes ? [{ name: 'labelTypes', type: FieldType.other, values: [labelTypes] }] : []),
  ];
  return { rowIndex: 0, labels, timeEpochMs: 1_000_000, dataFrame: toDataFrame({ fields }) } as unknown as LogRowModel;
}

describe('contextSelector', () => {
  it.each([
    ['all labels but the tenant', row({ app: 'api', tenant: 'b', pod: 'p' }), '{app="api", pod="p"}'],
    [
      'indexed labels only',
      row({ app: 'api', level: 'x', trace: 't' }, { app: 'I', level: 'P', trace: 'S' }),
      '{app="api"}',
    ],
    ['values escaped, bad names skipped', row({ app: 'a"}, {tenant="b', 'a.b': 'x' }), '{app="a\\"}, {tenant=\\"b"}'],
    ['only the tenant → empty', row({ tenant: 'b' }), ''],
  ])('%s', (_n, r, want) => {
    expect(contextSelector(r, 'tenant')).toBe(want);
  });
});

describe('contextWindow', () => {
  it('backward: the window before the row, default limit', () => {
    const w = contextWindow(row({}));
    expect([w.range.from.valueOf(), w.range.to.valueOf(), w.direction, w.limit]).toEqual([
      1_000_000 - CONTEXT_WINDOW_MS,
      1_000_001,
      'backward',
      10,
    ]);
  });
  it('forward, with limit and window from the options', () => {
    const w = contextWindow(row({}), { direction: LogRowContextQueryDirection.Forward, limit: 3, timeWindowMs: 500 });
    expect([w.range.from.valueOf(), w.range.to.valueOf(), w.direction, w.limit]).toEqual([
      1_000_000,
      1_000_500,
      'forward',
      3,
    ]);
  });
});
