/** @jest-environment ./tests/browser/support/nodeEnvironment.js */
/**
 * The harness itself: its getBackendSrv stand-in must behave like Grafana's (the UI org wins over
 * a caller's X-Grafana-Org-Id), the page index must list the registry, and an unknown page must
 * fail the test instead of rendering nothing.
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
  const res = await fake.handle({
    method: 'POST',
    url: '/api/orgs',
    headers: { ...ADMIN_AUTH, 'content-type': 'application/json' },
    body: { name: 'Second' },
  });
  expect(res.status).toBe(200);
  grafana = await startFakeGrafanaServer(fake);
  harness = await startHarness({ grafanaUrl: grafana.url, grafanaAuth: ADMIN_AUTH });
}, 120_000);

beforeEach(async () => {
  browser = await launchBrowser();
});

afterEach(async () => {
  const session = browser;
  browser = undefined;
  await session?.close();
});

afterAll(async () => {
  await harness?.stop();
  await grafana?.stop();
});

test.each([
  ['1', '2', '1 Main Org.'],
  ['2', '1', '2 Second'],
  ['2', '2', '2 Second'],
])('UI org %s, caller header %s → answered by org "%s"', async (uiOrg, askOrg, expected) => {
  await browser!.open(harness!.pageUrl('harness-selftest', { orgId: uiOrg, askOrg }));
  await browser!.page.getByTestId('org-answer').filter({ hasText: expected }).waitFor({ timeout: 30_000 });
});

test('the index lists every registered page', async () => {
  await browser!.open(harness!.url);
  const links = await browser!.page.getByTestId('harness-index').locator('a').allTextContents();
  expect(links).toEqual(expect.arrayContaining(['app-config', 'app-root', 'ds-config', 'harness-selftest', 'tenants']));
});

test('an unknown page is an uncaught page error naming the known pages', async () => {
  await expect(browser!.open(harness!.pageUrl('no-such-page'))).rejects.toThrow(
    /no page "no-such-page"; known pages: .*tenants/
  );
  // Seen and expected: close() must not fail the test on it.
  browser!.pageErrors.length = 0;
});
