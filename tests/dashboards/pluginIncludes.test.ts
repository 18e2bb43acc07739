/** @jest-environment node */
import { readdirSync, readFileSync } from 'fs';
import path from 'path';

import { DASHBOARDS_DIR, loadDashboards } from './support/dashboards';

interface Include {
  type: string;
  name?: string;
  path?: string;
}

const pluginJson = JSON.parse(readFileSync(path.resolve(DASHBOARDS_DIR, '..', 'plugin.json'), 'utf8')) as {
  includes: Include[];
};
const dashboardIncludes = pluginJson.includes.filter((i) => i.type === 'dashboard');

describe('src/plugin.json includes of type dashboard', () => {
  it('list exactly the files in src/dashboards', () => {
    const files = readdirSync(DASHBOARDS_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(dashboardIncludes.map((i) => i.path).sort()).toEqual(files.map((f) => `dashboards/${f}`));
  });

  it('name each dashboard by its title', () => {
    const titles = Object.fromEntries(loadDashboards().map((d) => [`dashboards/${d.file}`, d.json.title]));
    for (const i of dashboardIncludes) {
      expect(i.name).toBe(titles[i.path as string]);
    }
  });
});
