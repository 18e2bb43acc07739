/** @jest-environment ./tests/browser/support/nodeEnvironment.js */
/**
 * Issue 3's skeleton check: the compiled data source config editor renders in real Chromium
 * inside @grafana/ui's theme, for a new wrapper data source, with the Prometheus data sources of
 * the (fake) Grafana offered as targets.
 */
import { FakeGrafana, startFakeGrafanaServer, type FakeGrafanaServer } from '../fakes/grafana-api';
import { startHarness, type HarnessServer } from './harness';
import { launchBrowser, type BrowserSession } from './support/browser';
import { ADMIN_AUTH } from './support/seedGrafana';

let grafana: FakeGrafanaServer | undefined;
let harness: HarnessServer | undefined;
let browser: BrowserSession | undefined;

beforeAll(async () => {
  const fake = new FakeGrafana();
  fake.installPlugin({
    id: 'mtlabs-tenantwrapper-datasource',
    type: 'datasource',
    name: 'Tenant wrapper (Prometheus)',
  });
  const res = await fake.handle({
    method: 'POST',
    url: '/api/datasources',
    headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
    body: {
      name: 'Central Prometheus',
      type: 'prometheus',
      uid: 'central',
      access: 'proxy',
      url: 'http://prometheus.invalid:9090',
    },
  });
  expect(res.status).toBe(200);
  for (const [name, type] of [
    ['Central Loki', 'loki'],
    ['Some Elasticsearch', 'elasticsearch'],
  ]) {
    const other = await fake.handle({
      method: 'POST',
      url: '/api/datasources',
      headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
      body: { name, type, access: 'proxy', url: 'http://other.invalid' },
    });
    expect(other.status).toBe(200);
  }
  grafana = await startFakeGrafanaServer(fake);
  harness = await startHarness({ grafanaUrl: grafana.url, grafanaAuth: ADMIN_AUTH });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
  await grafana?.stop();
});

test('the wrapper config editor renders for a new data source and edits jsonData', async () => {
  const { page } = browser!;
  await browser!.open(harness!.pageUrl('ds-config'));
  await page.getByText('Team → tenant mapping').waitFor({ timeout: 60_000 });
  expect(await page.getByText('Users in no mapped team: denied, always').count()).toBe(1);
  await page.getByRole('button', { name: 'Add team' }).click();
  await page.getByLabel('Team name 1').fill('team-a');
  await page.getByTestId('ds-config-json').filter({ hasText: '"team":"team-a"' }).waitFor({ timeout: 30_000 });
  await browser!.screenshot('ds-config');
});

test('the target picker offers the Prometheus and Loki data sources, nothing else', async () => {
  const { page } = browser!;
  await browser!.open(harness!.pageUrl('ds-config'));
  await page.getByText('Team → tenant mapping').waitFor({ timeout: 60_000 });
  await page.getByText('Pick the Prometheus or Loki data source to wrap.').waitFor({ timeout: 30_000 });
  await page.getByRole('combobox').first().click();
  await page.getByText('Central Loki').waitFor({ timeout: 30_000 });
  expect(await page.getByText('Central Prometheus').count()).toBeGreaterThan(0);
  expect(await page.getByText('Some Elasticsearch').count()).toBe(0);
});
