/**
 * The tenant wrapper data source's editors in real Chromium: the config editor (target picker,
 * tenant label, team mapping rows, convention, error-on-replace, the fixed "no team → denied"
 * rule) and the query editor (CodeMirror with PromQL highlighting, completion fed only by the
 * tenant-enforced metadata calls, and the "limited to tenant …" line). Users and teams live in a
 * FakeGrafana; suggestions come from real Prometheus 2.42 (tenants a, b and untenanted series)
 * through the fake's data source proxy.
 */
import { FakeGrafana, startFakeGrafanaServer, type FakeGrafanaServer } from '../fakes/grafana-api';
import { startTenantFixture, type TenantFixture } from '../support/tenantFixture';
import { startHarness, type HarnessServer } from './harness';
import { launchBrowser, type BrowserSession } from './support/browser';
import { seedAsAdmin, seedViewersAndTeams, seedWrapperOverPrometheus } from './support/seedGrafana';

const WRAPPER_TYPE = 'mtlabs-tenantwrapper-datasource';

let fixture: TenantFixture | undefined;
let fake: FakeGrafana;
let grafana: FakeGrafanaServer | undefined;
let harness: HarnessServer | undefined;
let browser: BrowserSession | undefined;

const asAdmin = (method: string, url: string, body?: unknown) => seedAsAdmin(fake)(method, url, body);

beforeAll(async () => {
  fixture = await startTenantFixture();
  fake = new FakeGrafana();
  fake.installPlugin({ id: WRAPPER_TYPE, type: 'datasource', name: 'Tenant wrapper (Prometheus)' });
  await seedViewersAndTeams(fake, asAdmin, ['alice', 'eve'], { 'team-a': ['alice'] });
  await seedWrapperOverPrometheus(asAdmin, fixture.url, [{ team: 'team-a', values: ['a'] }]);
  grafana = await startFakeGrafanaServer(fake);
  harness = await startHarness({ grafanaUrl: grafana.url, prometheusUrl: fixture.url });
  browser = await launchBrowser({ viewport: { width: 1280, height: 1400 } });
});

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
  await grafana?.stop();
  await fixture?.stop();
});

async function openAs(login: string, expr = '') {
  const { context } = browser!;
  await context.clearCookies();
  await context.addCookies([{ name: 'grafana_session', value: fake.sessionFor(login), url: harness!.url }]);
  await browser!.open(
    harness!.pageUrl('wrapper-editors', { from: String(fixture!.start), to: String(fixture!.end), expr })
  );
  await browser!.page.getByTestId('wrapper-config-editor').waitFor({ timeout: 30_000 });
}

const configJson = async () =>
  JSON.parse((await browser!.page.getByTestId('wrapper-config-json').textContent()) ?? '{}');

test('config editor: target, mapping rows, convention and error-on-replace edit the jsonData', async () => {
  await openAs('alice');
  const { page } = browser!;
  expect(await page.getByText('Users in no mapped team: denied, always').count()).toBe(1);
  expect(await page.getByText('Central Prometheus').count()).toBeGreaterThan(0);
  expect(await page.getByLabel('Team name 1').inputValue()).toBe('team-a');

  await page.getByRole('button', { name: 'Add team' }).click();
  await page.getByLabel('Team name 2').fill('platform');
  await page.getByLabel('Tenant values 2').fill('a, b');
  await page.getByLabel('Team name minus prefix').check({ force: true });
  await page.getByLabel('Team name prefix').fill('tenant-');
  await page.getByLabel('Error on replace').click({ force: true });
  expect(await configJson()).toMatchObject({
    targetUid: 'prom',
    teamMappings: [
      { team: 'team-a', values: ['a'] },
      { team: 'platform', values: ['a', 'b'] },
    ],
    convention: 'strip-prefix',
    conventionPrefix: 'tenant-',
    errorOnReplace: true,
  });
  browser!.assertHealthy();
  await browser!.screenshot('wrapper-config-editor');
});

test("query editor: highlighting, the tenant line and completion from tenant a's series only", async () => {
  await openAs('alice', 'rate(http_requests_total{job="api"}[$__rate_interval])');
  const { page } = browser!;
  await page.getByText('This query will be limited to tenant = "a" (teams: team-a).').waitFor({ timeout: 20_000 });
  // codemirror-promql's highlighting puts tokens such as the string literal into their own,
  // differently coloured spans.
  const editor = page.locator('[data-testid="tenantwrapper-promql-editor"] .cm-content');
  expect(await editor.locator('span', { hasText: /^"api"$/ }).count()).toBe(1);
  const plain = await editor.evaluate((el) => getComputedStyle(el).color);
  const stringColor = await editor.locator('span', { hasText: /^"api"$/ }).evaluate((el) => getComputedStyle(el).color);
  expect(stringColor).not.toBe(plain);

  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type(' + prometheus_');
  await page.keyboard.press('Control+Space');
  const options = page.locator('.cm-tooltip-autocomplete li');
  await options.first().waitFor({ timeout: 20_000 });
  const labels = await options.allTextContents();
  expect(labels.some((l) => l.includes('prometheus_remote_storage_samples_total'))).toBe(true);
  // Only the untenanted central Prometheus has this metric: it must not be suggested.
  expect(labels.some((l) => l.includes('prometheus_tsdb_head_series'))).toBe(false);

  const sent = (await page.evaluate(() => window.__harnessBackendRequests ?? [])) as Array<{ url: string }>;
  const proxied = sent.filter((r) => r.url.startsWith('/api/datasources/proxy/uid/prom/'));
  expect(proxied.length).toBeGreaterThan(0);
  for (const r of proxied) {
    const match = new URL(r.url, 'http://x').searchParams.getAll('match[]');
    expect({ url: r.url, match }).toEqual({ url: r.url, match: [expect.stringContaining('tenant="a"')] });
  }
  browser!.assertHealthy();
  await browser!.screenshot('wrapper-query-editor');
});

test('a user in no mapped team sees the denial with the fix and gets no suggestions', async () => {
  await openAs('eve', 'up');
  const { page } = browser!;
  await page
    .getByText('Ask an admin to add you to a team mapped in data source "Tenant wrapper"')
    .waitFor({ timeout: 20_000 });
  const sent = (await page.evaluate(() => window.__harnessBackendRequests ?? [])) as Array<{ url: string }>;
  expect(sent.filter((r) => r.url.startsWith('/api/datasources/proxy/'))).toEqual([]);
  await browser!.screenshot('wrapper-query-editor-no-team');
});
