/** @jest-environment node */
import { allPanels, dataSourceTypeOf, loadDashboards, type GridPos, type Panel } from './support/dashboards';

/**
 * Structure of the bundled dashboards: what Grafana 12.4 needs to import them into every tenant org
 * and what we promise (stable uid, revision for updates, tags for the dashboard links).
 */

// Grafana 12.4 writes schemaVersion 42: the last v1 schema version
// (grafana/grafana apps/dashboard/pkg/migration/schemaversion/README.md "Latest Version: 42";
// @grafana/schema 12.4.10 defaultDashboard.schemaVersion = 42).
const SCHEMA_VERSION = 42;
// Grafana: "uid ... max 40 characters" of letters, digits, '-' and '_' (dashboard uid validation).
const UID = /^[A-Za-z0-9_-]{1,40}$/;
const PANEL_TYPES = new Set(['timeseries', 'stat', 'table', 'bargauge', 'row', 'text']);
const QUERY_PANEL_TYPES = new Set(['timeseries', 'stat', 'table', 'bargauge']);
const TENANT_FILTER = ['tenant=~"$tenant"', 'cluster=~"$cluster"'];

const dashboards = loadDashboards();

function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe('bundled dashboards', () => {
  it('ships at least the three tenant dashboards', () => {
    expect(dashboards.map((d) => d.json.uid).sort()).toEqual(
      expect.arrayContaining(['mtlabs-agent-remote-write', 'mtlabs-resource-overview', 'mtlabs-tenant-overview'])
    );
  });

  it('have unique uids and titles', () => {
    const uids = dashboards.map((d) => d.json.uid);
    const titles = dashboards.map((d) => d.json.title);
    expect(new Set(uids).size).toBe(uids.length);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('every dashboard lists prometheus or loki data sources', () => {
    expect(dashboards.filter((d) => !['prometheus', 'loki'].includes(dataSourceTypeOf(d.json) ?? ''))).toEqual([]);
  });

  describe.each(dashboards.map((d) => [d.file, d.json] as const))('%s', (file, d) => {
    const panels = allPanels(d);
    // PromQL dashboards only here; the logs dashboard's panels and variables: dashboardLogQueries.test.ts.
    const promql = dataSourceTypeOf(d) === 'prometheus';

    it('carries uid, revision, version, schema fields and tags', () => {
      expect(d.uid).toMatch(UID);
      expect(Number.isInteger(d.revision) && d.revision >= 1).toBe(true);
      expect(Number.isInteger(d.version) && d.version >= 1).toBe(true);
      expect(d.schemaVersion).toBe(SCHEMA_VERSION);
      expect(d.tags).toContain('mtlabs-tenancy');
      expect(d.time).toEqual({ from: expect.any(String), to: expect.any(String) });
      expect(d.timepicker).toEqual(expect.any(Object));
      expect((d as unknown as { id: unknown }).id ?? null).toBeNull();
      expect(d.title.length).toBeGreaterThan(0);
    });

    it('says in its description that security does not depend on the variables', () => {
      expect(d.description).toMatch(/does not depend on the tenant/);
      expect(d.description).toMatch(/var-tenant=/);
    });

    it('has unique panel ids and panels that do not overlap on the 24-column grid', () => {
      const ids = panels.map((p) => p.id);
      expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      const problems: string[] = [];
      d.panels.forEach((p, i) => {
        const g = p.gridPos;
        if (g.x < 0 || g.y < 0 || g.w < 1 || g.h < 1 || g.x + g.w > 24) {
          problems.push(`panel ${p.id} "${p.title}" is outside the grid: ${JSON.stringify(g)}`);
        }
        d.panels.slice(i + 1).forEach((q) => {
          if (overlaps(g, q.gridPos)) {
            problems.push(`panels ${p.id} "${p.title}" and ${q.id} "${q.title}" overlap`);
          }
        });
      });
      expect(problems).toEqual([]);
    });

    if (!promql) {
      return;
    }
    it.each(panels.filter((p) => QUERY_PANEL_TYPES.has(p.type)).map((p) => [p.id, p.title, p] as const))(
      'panel %s "%s" is a real panel: data source variable, queries, unit, thresholds, legend',
      (_id, _title, p: Panel) => {
        expect(PANEL_TYPES.has(p.type)).toBe(true);
        expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
        expect(p.targets?.length).toBeGreaterThan(0);
        const refIds = p.targets!.map((t) => t.refId);
        expect(new Set(refIds).size).toBe(refIds.length);
        for (const t of p.targets!) {
          expect(t.datasource).toEqual(p.datasource);
          for (const f of TENANT_FILTER) {
            expect(t.expr).toContain(f);
          }
        }
        if (p.type !== 'table') {
          expect(p.fieldConfig?.defaults?.unit).toEqual(expect.any(String));
          expect(p.fieldConfig?.defaults?.thresholds?.steps[0]).toEqual({ color: expect.any(String), value: null });
        }
        if (p.type === 'timeseries') {
          expect(p.options?.legend?.showLegend).toBe(true);
        }
      }
    );

    it('declares datasource, tenant and cluster variables, cluster chained on tenant', () => {
      const vars = Object.fromEntries(d.templating.list.map((v) => [v.name, v]));
      expect(vars.datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
      expect(vars.tenant).toMatchObject({ type: 'query', datasource: { uid: '${datasource}' } });
      expect(vars.tenant.query).toMatchObject({ query: 'label_values(up, tenant)' });
      expect(vars.cluster).toMatchObject({ type: 'query', datasource: { uid: '${datasource}' } });
      expect(vars.cluster.query).toMatchObject({ query: 'label_values(up{tenant=~"$tenant"}, cluster)' });
      // Every query variable after datasource goes through the selected (enforcing) data source.
      for (const v of d.templating.list.filter((x) => x.type === 'query')) {
        expect(v.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      }
      expect(file).toMatch(/^[a-z0-9-]+\.json$/);
    });
  });
});
