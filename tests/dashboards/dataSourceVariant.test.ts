/** @jest-environment node */
import {
  dashboardForDataSourceType,
  LOKI_PLUGIN_ID,
  PROMETHEUS_PLUGIN_ID,
  WRAPPER_PLUGIN_ID,
} from '../../src/dashboards/dataSourceVariant';
import { dataSourceTypeOf, loadDashboards } from './support/dashboards';

/** Every object in `node` that has a `type` next to a `uid` (data source references). */
function dataSourceRefs(
  node: unknown,
  out: Array<{ type: string; uid: string }> = []
): Array<{ type: string; uid: string }> {
  if (Array.isArray(node)) {
    node.forEach((n) => dataSourceRefs(n, out));
  } else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.uid === 'string' && typeof o.type === 'string' && Object.keys(o).length === 2) {
      out.push({ type: o.type, uid: o.uid });
    }
    Object.values(o).forEach((v) => dataSourceRefs(v, out));
  }
  return out;
}

describe.each(loadDashboards().map((d) => [d.file, d.json] as const))('shared-org variant of %s', (_file, d) => {
  const wrapped = dashboardForDataSourceType(d, WRAPPER_PLUGIN_ID);

  it('lists wrapper data sources in the datasource variable', () => {
    expect(wrapped.templating.list.find((v) => v.name === 'datasource')).toMatchObject({
      type: 'datasource',
      query: WRAPPER_PLUGIN_ID,
    });
  });

  it('types every reference to $datasource as the wrapper and leaves nothing of type prometheus or loki', () => {
    const refs = dataSourceRefs(wrapped).filter((r) => r.uid === '${datasource}');
    expect(refs.length).toBeGreaterThan(d.panels.length);
    expect(refs.every((r) => r.type === WRAPPER_PLUGIN_ID)).toBe(true);
    expect(dataSourceRefs(wrapped).filter((r) => r.type === PROMETHEUS_PLUGIN_ID || r.type === LOKI_PLUGIN_ID)).toEqual(
      []
    );
  });

  it('changes nothing else and leaves the bundled dashboard untouched', () => {
    const before = JSON.stringify(d);
    const type = dataSourceTypeOf(d);
    expect([PROMETHEUS_PLUGIN_ID, LOKI_PLUGIN_ID]).toContain(type);
    const back = dashboardForDataSourceType(wrapped, type!);
    expect(JSON.stringify(back)).toBe(before);
    expect(JSON.stringify(d)).toBe(before);
  });
});

it('refuses a dashboard without a datasource variable, naming it and the fix', () => {
  expect(() => dashboardForDataSourceType({ title: 'Plain', templating: { list: [] } }, WRAPPER_PLUGIN_ID)).toThrow(
    /"Plain" has no data-source variable named "datasource"; add one/
  );
});
