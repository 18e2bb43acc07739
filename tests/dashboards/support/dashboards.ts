import { readdirSync, readFileSync } from 'fs';
import path from 'path';

import { dataSourceTypeOf, type Dashboard } from './dashboardModel';

export * from './dashboardModel';

/** src/dashboards: the JSON dashboards the plugin bundles (plugin.json `includes`, type dashboard). */
export const DASHBOARDS_DIR = path.resolve(__dirname, '..', '..', '..', 'src', 'dashboards');

export interface LoadedDashboard {
  file: string;
  json: Dashboard;
}

/** The plugin type a dashboard's `datasource` variable lists: `prometheus` (PromQL) or `loki` (LogQL). */
export type DashboardLanguage = 'prometheus' | 'loki';

/**
 * Every *.json file in src/dashboards, parsed (a JSON syntax error names the file); with `type`,
 * only the dashboards whose data source variable lists that plugin type.
 */
export function loadDashboards(type?: DashboardLanguage): LoadedDashboard[] {
  const all = readdirSync(DASHBOARDS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const text = readFileSync(path.join(DASHBOARDS_DIR, file), 'utf8');
      try {
        return { file, json: JSON.parse(text) as Dashboard };
      } catch (err) {
        throw new Error(`src/dashboards/${file} is not valid JSON: ${(err as Error).message}`);
      }
    });
  return type === undefined ? all : all.filter((d) => dataSourceTypeOf(d.json) === type);
}
