/**
 * The bundled dashboards pick their data source with a data-source variable (`datasource`), and a
 * Grafana data-source variable lists data sources of exactly one plugin type. The bundled JSON lists
 * type `prometheus` (the logs dashboard: `loki`): in a tenant org every such data source is the
 * tenant's own (the enforcing proxy, or its own Loki tenant — the hard boundary). A shared org needs the same dashboards listing the tenant wrapper instead.
 *
 * Why not one variable for both: Grafana matches the variable's type with `matchPluginId`
 * (@grafana/data 12.4 src/utils/matchPluginId.ts), which for `prometheus` accepts only Prometheus
 * flavours (`grafana-*prometheus-datasource`) and returns before looking at `aliasIDs`; an empty
 * type lists nothing (scenes DataSourceVariable.getValueOptions). So the shared-org copy is derived.
 */

export const PROMETHEUS_PLUGIN_ID = 'prometheus';
/** The logs dashboard's variable lists Loki data sources (in a tenant org: the tenant's Loki data source). */
export const LOKI_PLUGIN_ID = 'loki';
export const WRAPPER_PLUGIN_ID = 'mtlabs-tenantwrapper-datasource';
export const DATASOURCE_VARIABLE = 'datasource';
const DATASOURCE_REFERENCE = '${' + DATASOURCE_VARIABLE + '}';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function retype(node: Json, pluginId: string): Json {
  if (Array.isArray(node)) {
    return node.map((n) => retype(n, pluginId));
  }
  if (node === null || typeof node !== 'object') {
    return node;
  }
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = retype(value, pluginId);
  }
  // A data source reference bound to the variable: {"type": ..., "uid": "${datasource}"}.
  if (out.uid === DATASOURCE_REFERENCE && typeof out.type === 'string') {
    out.type = pluginId;
  }
  return out;
}

/**
 * A copy of `dashboard` whose `datasource` variable lists data sources of `pluginId`, with every
 * reference to that variable typed alike. Throws when the dashboard has no such variable: a copy
 * that silently kept listing raw Prometheus data sources in a shared org would show every tenant.
 */
export function dashboardForDataSourceType<T extends object>(dashboard: T, pluginId: string): T {
  const copy = retype(dashboard as unknown as Json, pluginId) as {
    templating?: { list?: Array<{ [key: string]: Json }> };
  };
  const variable = copy.templating?.list?.find((v) => v.name === DATASOURCE_VARIABLE && v.type === 'datasource');
  if (!variable) {
    const title = (dashboard as { title?: string }).title ?? '(untitled)';
    throw new Error(
      `Dashboard "${title}" has no data-source variable named "${DATASOURCE_VARIABLE}"; add one (type datasource) so its data source can be switched to ${pluginId}.`
    );
  }
  variable.query = pluginId;
  return copy as unknown as T;
}
