/** @jest-environment ./tests/browser/support/nodeEnvironment.js */
/**
 * The app configuration page rendered by the harness in real Chromium: it must show the security
 * model, the settings form, and validate the tenant label as the user types. Also loads the plugin
 * through src/module.tsx (root page routes, config page) to check the module's wiring.
 */
import { FakeGrafana, startFakeGrafanaServer, type FakeGrafanaServer } from '../fakes/grafana-api';
import { startHarness, type HarnessServer } from './harness';
import { launchBrowser, type BrowserSession } from './support/browser';

let grafana: FakeGrafanaServer | undefined;
let harness: HarnessServer | undefined;
let browser: BrowserSession | undefined;

beforeAll(async () => {
  grafana = await startFakeGrafanaServer(new FakeGrafana());
  harness = await startHarness({ grafanaUrl: grafana.url });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
  await grafana?.stop();
});

test('renders the security model and the settings form', async () => {
  const { page } = browser!;
  await browser!.open(harness!.pageUrl('app-config'));
  await page.getByText('Security model').waitFor({ timeout: 30_000 });
  expect(await page.getByText('defense in depth only').count()).toBe(1);
  expect(await page.locator('#tenancy-tenant-label').inputValue()).toBe('tenant');
  expect(await page.locator('#tenancy-proxy-url').inputValue()).toMatch(/^http:\/\//);
  await browser!.screenshot('app-config');
});

test('an invalid tenant label shows the fix and disables saving', async () => {
  const { page } = browser!;
  await browser!.open(harness!.pageUrl('app-config'));
  await page.locator('#tenancy-tenant-label').fill('1bad-label');
  await page.getByText('is not a Prometheus label name').waitFor({ timeout: 10_000 });
  expect(await page.getByRole('button', { name: 'Save settings' }).isDisabled()).toBe(true);
});

test('module.tsx: the app root redirects to the Tenants page, and the config page is registered', async () => {
  const { page } = browser!;
  await browser!.open(harness!.pageUrl('app-root', { path: '/a/mtlabs-tenancy-app' }));
  await page.getByTestId('tenants-page').waitFor({ timeout: 30_000 });
  expect(await page.getByTestId('workflow-error').count()).toBe(0);
  await browser!.open(harness!.pageUrl('app-root', { config: '1' }));
  await page.getByTestId('app-config').waitFor({ timeout: 30_000 });
});
