/**
 * The parts of a Grafana dashboard JSON the tests read, and the queries a dashboard sends to its
 * data source. Browser-safe (no Node imports): the harness page runs the same extraction.
 */

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface DataSourceRef {
  type?: string;
  uid?: string;
}
export interface Target {
  refId: string;
  expr?: string;
  instant?: boolean;
  range?: boolean;
  format?: string;
  /** Loki targets: `range` or `instant` (Prometheus targets use `instant` / `range`). */
  queryType?: string;
  datasource?: DataSourceRef;
}
export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: GridPos;
  datasource?: DataSourceRef;
  targets?: Target[];
  panels?: Panel[];
  fieldConfig?: {
    defaults?: { unit?: string; thresholds?: { steps: Array<{ color: string; value: number | null }> } };
  };
  options?: { legend?: { showLegend?: boolean } };
}
export interface Variable {
  name: string;
  type: string;
  /** Text (Prometheus), or an editor model: `{ query }`, or Loki's `{ type, label, stream }`. */
  query?: string | { query?: string; type?: number; label?: string; stream?: string };
  definition?: string;
  datasource?: DataSourceRef;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
}
export interface Annotation {
  name: string;
  builtIn?: number;
  expr?: string;
  target?: { expr?: string };
  datasource?: DataSourceRef;
}
export interface Dashboard {
  uid: string;
  title: string;
  description?: string;
  revision: number;
  version: number;
  schemaVersion: number;
  tags: string[];
  time: { from: string; to: string };
  timepicker: object;
  panels: Panel[];
  templating: { list: Variable[] };
  annotations: { list: Annotation[] };
}

/** Panels including those nested in collapsed rows. */
export function allPanels(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

export type QueryKind = 'panel' | 'variable' | 'annotation';

/** One PromQL (or Grafana variable-function) text of a dashboard, with where it lives. */
export interface DashboardQuery {
  dashboard: string;
  kind: QueryKind;
  /** Human-readable location for failure messages, e.g. `mtlabs-tenant-overview panel 3 "Targets down" A`. */
  where: string;
  expr: string;
  /** Panel targets: evaluated as an instant query (tables, bar gauges) or a range query. */
  instant: boolean;
  /** Variables whose query is an editor model without text (Loki's `{ type, label, stream }`): that model. */
  variableQuery?: object;
}

/** The plugin type a dashboard's `datasource` variable lists: `prometheus` (PromQL) or `loki` (LogQL). */
export function dataSourceTypeOf(d: Dashboard): string | undefined {
  const v = d.templating.list.find((x) => x.name === 'datasource' && x.type === 'datasource');
  return typeof v?.query === 'string' ? v.query : undefined;
}

function variableQueryText(v: Variable): string | undefined {
  return typeof v.query === 'string' ? v.query : v.query?.query;
}

/** Every query a dashboard sends to its data source: panel targets, query variables, annotations. */
export function dashboardQueries(d: Dashboard): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  for (const p of allPanels(d)) {
    for (const t of p.targets ?? []) {
      if (t.expr !== undefined) {
        out.push({
          dashboard: d.uid,
          kind: 'panel',
          where: `${d.uid} panel ${p.id} "${p.title}" ${t.refId}`,
          expr: t.expr,
          instant: (t.instant === true && t.range !== true) || t.queryType === 'instant',
        });
      }
    }
  }
  for (const v of d.templating.list) {
    const text = v.type === 'query' ? variableQueryText(v) : undefined;
    const where = `${d.uid} variable ${v.name}`;
    if (text !== undefined) {
      out.push({ dashboard: d.uid, kind: 'variable', where, expr: text, instant: true });
    } else if (v.type === 'query' && typeof v.query === 'object') {
      const expr = v.definition ?? JSON.stringify(v.query);
      out.push({ dashboard: d.uid, kind: 'variable', where, expr, instant: true, variableQuery: v.query });
    }
  }
  for (const a of d.annotations.list) {
    const expr = a.expr ?? a.target?.expr;
    if (!a.builtIn && expr !== undefined) {
      out.push({
        dashboard: d.uid,
        kind: 'annotation',
        where: `${d.uid} annotation "${a.name}"`,
        expr,
        instant: false,
      });
    }
  }
  return out;
}
