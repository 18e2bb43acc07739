/** @jest-environment node */
import { existsSync, readFileSync, readdirSync } from 'fs';
import path from 'path';
import semver from 'semver';

const root = path.resolve(__dirname, '..', '..');
const readJson = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));

const app = readJson('src/plugin.json');
const datasource = readJson('src/datasource/plugin.json');
const pkg = readJson('package.json');

describe('app plugin.json', () => {
  test('ids follow <org>-<name>-<type>', () => {
    expect(app.id).toBe('mtlabs-tenancy-app');
    expect(app.type).toBe('app');
    expect(datasource.id).toBe('mtlabs-tenantwrapper-datasource');
    expect(datasource.type).toBe('datasource');
    expect(datasource.backend).toBe(false);
  });

  test('includes the nested data source, the Tenants page (admin) and the config page', () => {
    const includes: Array<Record<string, unknown>> = app.includes;
    expect(includes).toContainEqual(expect.objectContaining({ type: 'datasource', path: 'datasource/plugin.json' }));
    expect(includes).toContainEqual(
      expect.objectContaining({ type: 'page', path: '/a/%PLUGIN_ID%/tenants', role: 'Admin', defaultNav: true })
    );
    expect(includes).toContainEqual(
      expect.objectContaining({ type: 'page', path: '/plugins/%PLUGIN_ID%', role: 'Admin' })
    );
  });

  test('grafanaDependency admits the pinned @grafana/* packages and starts at their minor version', () => {
    const pinned = Object.entries<string>(pkg.dependencies).filter(([name]) => name.startsWith('@grafana/'));
    expect(pinned.length).toBeGreaterThanOrEqual(4);
    for (const plugin of [app, datasource]) {
      const range: string = plugin.dependencies.grafanaDependency;
      const floor = semver.minVersion(range)!;
      for (const [name, version] of pinned) {
        // Exact pins only: a caret range could resolve a version that needs another Grafana.
        expect(`${name}@${version}`).toMatch(/@\d+\.\d+\.\d+$/);
        expect(semver.satisfies(version, range)).toBe(true);
        expect(`${semver.major(version)}.${semver.minor(version)}`).toBe(`${floor.major}.${floor.minor}`);
      }
    }
  });

  test('every pinned package resolves from the registry alone (no git or file URLs in the lockfile)', () => {
    const lock = readJson('package-lock.json');
    const offenders = Object.entries<{ resolved?: string }>(lock.packages)
      .filter(([, meta]) => meta.resolved && !meta.resolved.startsWith('https://registry.npmjs.org/'))
      .map(([name, meta]) => `${name} → ${meta.resolved}`);
    expect(offenders).toEqual([]);
  });
});

// verify.sh builds before the tests and sets REQUIRE_DIST=1, so a broken build cannot pass here.
const distTest = existsSync(path.join(root, 'dist')) || process.env.REQUIRE_DIST ? describe : describe.skip;
distTest('dist/ after npm run build', () => {
  test('contains both plugin.json files, their modules and logos, and the bundled dashboards', () => {
    for (const file of [
      'plugin.json',
      'module.js',
      'img/logo.svg',
      'datasource/plugin.json',
      'datasource/module.js',
      'datasource/img/logo.svg',
    ]) {
      expect({ file, exists: existsSync(path.join(root, 'dist', file)) }).toEqual({ file, exists: true });
    }
    const built = readJson('dist/plugin.json');
    expect(built.info.version).toBe(pkg.version);
    const dashboards = app.includes.filter((i: { type: string }) => i.type === 'dashboard');
    expect(dashboards.length).toBeGreaterThanOrEqual(3);
    for (const d of dashboards) {
      expect(existsSync(path.join(root, 'dist', d.path))).toBe(true);
    }
    expect(readdirSync(path.join(root, 'dist', 'dashboards')).length).toBe(dashboards.length);
  });
});
