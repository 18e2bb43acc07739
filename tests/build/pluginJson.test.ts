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

  test('the Tenants page is hidden from users who cannot create orgs (RBAC action; role for older Grafana)', () => {
    // Grafana ≥ 11.x (navtreeimpl/applinks.go hasAccessToInclude) checks `action` when it is set and
    // `role` otherwise; creating orgs is a Server Admin right, which is what the page needs.
    const tenants = app.includes.find((i: { path?: string }) => i.path === '/a/%PLUGIN_ID%/tenants');
    expect(tenants).toEqual(expect.objectContaining({ action: 'orgs:create', role: 'Admin' }));
  });

  test('catalog: links, and screenshots that exist as PNG files rendered by the browser tests', () => {
    expect(app.info.links.length).toBeGreaterThan(0);
    expect(app.info.screenshots.length).toBeGreaterThanOrEqual(3);
    for (const shot of app.info.screenshots as Array<{ name: string; path: string }>) {
      const bytes = readFileSync(path.join(root, 'src', shot.path));
      expect({ path: shot.path, png: bytes.subarray(1, 4).toString('latin1') }).toEqual({
        path: shot.path,
        png: 'PNG',
      });
    }
  });

  test('the catalog README (src/README.md → dist/README.md) is written, not the create-plugin template', () => {
    const readme = readFileSync(path.join(root, 'src', 'README.md'), 'utf8');
    expect(readme).not.toContain('<!--');
    for (const section of ['## Security model', '## Requirements', '## Quick start']) {
      expect(readme).toContain(section);
    }
  });

  test('grafanaDependency admits the pinned @grafana/* packages and starts at their minor version', () => {
    // Packages released with Grafana itself; @grafana/lezer-logql has versions of its own.
    const releasedWithGrafana = /^@grafana\/(data|runtime|ui|schema|i18n|e2e-selectors)$/;
    const pinned = Object.entries<string>(pkg.dependencies).filter(([name]) => releasedWithGrafana.test(name));
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
    expect(readFileSync(path.join(root, 'dist', 'README.md'), 'utf8')).not.toContain('<!--');
    for (const shot of app.info.screenshots as Array<{ path: string }>) {
      expect(existsSync(path.join(root, 'dist', shot.path))).toBe(true);
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
