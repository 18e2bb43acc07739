/** @jest-environment node */
import { analyseQuery, createEnforcer, enforceGrafanaQuery, enforceQuery, EnforceError } from '../../src/logql';
import { LOGS_DASHBOARD_UID } from '../../src/tenancy/naming';
import { allPanels, loadDashboards, type Dashboard } from './support/dashboards';

/**
 * The LogQL dashboards (data source variable of type `loki`): structure, and every query — panel
 * targets and the stream selectors of label-values variables — checked by the LogQL engine
 * (src/logql, Loki's parser rules) after interpolation, enforced for a viewer of tenant a, and
 * enforced again as raw Grafana text with its variables kept.
 */

const dashboards = loadDashboards('loki').map((d) => d.json);
const DS = { type: 'loki', uid: '${datasource}' };

interface LogQuery {
  where: string;
  expr: string;
  /** 'metric' for panels that chart numbers, 'log' for the logs panel and variable streams. */
  expect: 'log' | 'metric';
}

function logQueries(d: Dashboard): LogQuery[] {
  const out: LogQuery[] = [];
  for (const p of allPanels(d)) {
    for (const t of p.targets ?? []) {
      if (t.expr !== undefined) {
        out.push({
          where: `panel ${p.id} "${p.title}" ${t.refId}`,
          expr: t.expr,
          expect: p.type === 'logs' ? 'log' : 'metric',
        });
      }
    }
  }
  for (const v of d.templating.list) {
    const stream = typeof v.query === 'object' ? (v.query as { stream?: string }).stream : undefined;
    if (v.type === 'query' && stream) {
      out.push({ where: `variable ${v.name}`, expr: stream, expect: 'log' });
    }
  }
  return out;
}

/** Grafana's interpolation of this dashboard's variables for a viewer who picked `tenant` (All elsewhere). */
function interpolate(text: string, tenant: string): string {
  const values: Record<string, string> = {
    tenant,
    app: '.*',
    level: '.*',
    filter: '',
    __auto: '1m',
    __range: '1h',
    __interval: '1m',
  };
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (all, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    if (!(name in values)) {
      throw new Error(`unknown variable ${all} in ${text}`);
    }
    return values[name];
  });
}

const VIEWER_A = createEnforcer({ label: 'tenant', values: ['a'] });
const tenantMatchers = (text: string) =>
  analyseQuery(text).selectors.map((s) =>
    s.matchers.filter((m) => m.name === 'tenant').map((m) => `${m.op}${m.value}`)
  );

it('the logs overview is the one LogQL dashboard, under the uid the planner imports for tenants with logs', () => {
  expect(dashboards.map((d) => d.uid)).toEqual([LOGS_DASHBOARD_UID]);
  expect(dashboards[0].title).toBe('Tenant logs overview');
});

describe.each(dashboards.map((d) => [d.uid, d] as const))('%s', (_uid, d) => {
  const panels = allPanels(d);
  const vars = Object.fromEntries(d.templating.list.map((v) => [v.name, v]));

  it('has volume by level and app, an error rate, top apps by bytes and a logs panel', () => {
    const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => `${p.type}: ${t.expr}`));
    expect(exprs.some((e) => /^timeseries: sum by \(level\) \(count_over_time\(/.test(e))).toBe(true);
    expect(exprs.some((e) => /^timeseries: sum by \(app\) \(count_over_time\(/.test(e))).toBe(true);
    expect(exprs.some((e) => /^timeseries: .*level=~"error\|critical\|fatal".* \/ /.test(e))).toBe(true);
    expect(exprs.some((e) => /^bargauge: topk\(10, sum by \(app\) \(bytes_over_time\(/.test(e))).toBe(true);
    expect(exprs.some((e) => /^logs: \{[^}]*\} \|= "\$filter"$/.test(e))).toBe(true);
  });

  it('every panel and target uses the loki data source variable and filters on the tenant variable', () => {
    for (const p of panels.filter((x) => x.targets)) {
      expect(p.datasource).toEqual(DS);
      for (const t of p.targets!) {
        expect(t.datasource).toEqual(DS);
        expect(t.expr).toContain('tenant=~"$tenant"');
      }
    }
  });

  it('declares the loki data source, label variables through it and a line-filter text box', () => {
    expect(vars.datasource).toMatchObject({ type: 'datasource', query: 'loki' });
    for (const name of ['tenant', 'app', 'level']) {
      expect(vars[name]).toMatchObject({ type: 'query', datasource: DS, query: { type: 1, label: name } });
    }
    expect(vars.filter).toMatchObject({ type: 'textbox', query: '' });
  });

  describe.each(logQueries(d).map((q) => [q.where, q] as const))('%s', (_where, q) => {
    const text = interpolate(q.expr, 'a');

    it('is valid LogQL for the engine, of the expected kind', () => {
      expect(analyseQuery(text).type).toBe(q.expect);
    });

    it('is enforced: every stream selector carries tenant="a", and the result re-parses', () => {
      const enforced = enforceQuery(text, VIEWER_A);
      const selectors = tenantMatchers(enforced);
      expect(selectors.length).toBeGreaterThan(0);
      expect(selectors).toEqual(selectors.map(() => ['=a']));
    });

    it('with tenant forced to b through the URL: replaced by a, or refused in error-on-replace mode', () => {
      const forced = interpolate(q.expr, 'b');
      expect(tenantMatchers(enforceQuery(forced, VIEWER_A)).flat()).toEqual(tenantMatchers(forced).map(() => '=a'));
      const strict = createEnforcer({ label: 'tenant', values: ['a'], errorOnReplace: true });
      expect(() => enforceQuery(forced, strict)).toThrow(EnforceError);
    });

    it('raw Grafana text is enforced with its variables kept', () => {
      const raw = enforceGrafanaQuery(q.expr, VIEWER_A);
      const references = (t: string) => (t.match(/\$\w+/g) ?? []).filter((r) => r !== '$tenant').sort();
      expect(references(raw)).toEqual(references(q.expr));
      expect(
        tenantMatchers(interpolate(raw, 'a'))
          .flat()
          .every((m) => m === '=a')
      ).toBe(true);
    });
  });
});
