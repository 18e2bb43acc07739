/** @jest-environment ./tests/browser/support/nodeEnvironment.js */
/**
 * The Tenants admin page in real Chromium, served by the harness against a FakeGrafana over HTTP:
 * an admin edits a spec with three tenants (two typed as YAML, one added with the form), plans,
 * applies, sees every tenant "done", and the fake then holds the three orgs with their proxy data
 * sources. An invalid spec lists field errors; a non-admin gets a clear refusal.
 */
import { FakeGrafana, startFakeGrafanaServer, type FakeGrafanaServer } from '../fakes/grafana-api';
import { startHarness, type HarnessServer } from './harness';
import { launchBrowser, type BrowserSession } from './support/browser';
import { ADMIN_AUTH } from './support/seedGrafana';

const TIMEOUT = 60_000;

const TWO_TENANTS = `version: 1
label: tenant
defaults:
  datasource:
    mode: proxy
    tenantVia: query-param
    url: http://proxy.invalid:9091
tenants:
  - id: acme
    labelValues: [acme]
    orgName: Acme
    teams:
      - name: acme-ops
        members: [{ login: alice }]
  - id: globex
    labelValues: [globex, globex-eu]
    orgName: Globex
    teams:
      - name: globex-devs
        members: [{ login: bob }]
    sso: [{ group: globex-users, role: Viewer }]
`;

let fake: FakeGrafana;
let grafana: FakeGrafanaServer | undefined;
let harness: HarnessServer | undefined;
let browser: BrowserSession | undefined;

async function asAdmin<T>(url: string, orgId?: number): Promise<T> {
  const headers: Record<string, string> = { ...ADMIN_AUTH, ...(orgId ? { 'X-Grafana-Org-Id': String(orgId) } : {}) };
  const res = await fake.handle({ method: 'GET', url, headers });
  if (res.status !== 200) {
    throw new Error(`GET ${url} answered ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body as T;
}

beforeAll(async () => {
  fake = new FakeGrafana();
  for (const login of ['alice', 'bob', 'carol']) {
    fake.createUser({ login, email: `${login}@example.com`, password: 'pw-' + login });
  }
  grafana = await startFakeGrafanaServer(fake);
  harness = await startHarness({ grafanaUrl: grafana.url, grafanaAuth: ADMIN_AUTH });
  browser = await launchBrowser({ viewport: { width: 1400, height: 1000 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
  await grafana?.stop();
});

test('an invalid spec lists its errors by field with the fix, and marks them on their line in the code editor', async () => {
  const { page } = browser!;
  await browser!.open(harness!.pageUrl('tenants'));
  const editor = page.getByTestId('spec-text');
  await editor.waitFor({ timeout: TIMEOUT });
  await editor.fill('version: 1\ntenants:\n  - id: a\n    labelValues: []\n    orgName: A\n    colour: blue\n');
  const errors = page.getByTestId('spec-error');
  await errors.first().waitFor({ timeout: TIMEOUT });
  const texts = await errors.allTextContents();
  expect(texts.some((t) => t.startsWith('line 4: tenants[0].labelValues') && t.includes('Fix:'))).toBe(true);
  expect(texts.some((t) => t.startsWith('line 6: tenants[0]') && t.includes('colour'))).toBe(true);
  expect(await page.getByRole('button', { name: 'Plan' }).isDisabled()).toBe(true);
  // A code editor: line numbers in the gutter, YAML highlighting, errors underlined where they are.
  const gutter = await page.locator('.cm-lineNumbers .cm-gutterElement').allTextContents();
  expect(gutter).toEqual(expect.arrayContaining(['1', '6']));
  const underlined = await page.locator('.cm-lintRange-error').allTextContents();
  expect(underlined).toEqual(expect.arrayContaining(['labelValues', 'colour']));
  expect(await page.locator('.cm-lint-marker-error').count()).toBeGreaterThanOrEqual(2);
  const keyColour = await page
    .locator('.cm-line', { hasText: 'orgName' })
    .locator('span', { hasText: 'orgName' })
    .first()
    .evaluate((el) => getComputedStyle(el).color);
  const valueColour = await page
    .locator('.cm-line', { hasText: 'orgName' })
    .evaluate((el) => getComputedStyle(el).color);
  expect(keyColour).not.toBe(valueColour);
  await browser!.screenshot('tenants-invalid-spec');
  await browser!.catalogScreenshot('spec-editor-errors');
});

test('edit a spec with three tenants, plan, apply, see each tenant done and the orgs in Grafana', async () => {
  const { page } = browser!;
  await browser!.open(harness!.pageUrl('tenants'));
  await page.getByTestId('spec-text').fill(TWO_TENANTS);
  await page.getByText('Valid spec, 2 tenants').waitFor({ timeout: TIMEOUT });

  // Third tenant through the form.
  await page.getByRole('radio', { name: 'Add a tenant (form)' }).click();
  await page.locator('#tenant-id').fill('initech');
  await page.locator('#tenant-label-values').fill('initech');
  await page.locator('#tenant-org-name').fill('Initech');
  await page.getByLabel('Team 1 name').fill('initech-team');
  await page.getByLabel('Team 1 members').fill('carol@example.com');
  await page.locator('#tenant-ds-url').fill('http://proxy.invalid:9091');
  await page.getByRole('button', { name: 'Add tenant to spec' }).click();
  await page.getByText('Tenant "initech" added to the spec').waitFor({ timeout: TIMEOUT });
  await page.getByText('Valid spec, 3 tenants').waitFor({ timeout: TIMEOUT });

  await page.getByRole('button', { name: 'Plan' }).click();
  await page.getByTestId('plan-view').waitFor({ timeout: TIMEOUT });
  for (const id of ['acme', 'globex', 'initech']) {
    const card = page.getByTestId(`plan-tenant-${id}`);
    await card.waitFor({ timeout: TIMEOUT });
    expect(await card.locator('[data-action="create"]').count()).toBeGreaterThan(0);
  }
  expect(await page.getByTestId('plan-summary').textContent()).toMatch(/Plan: [1-9]\d* to create/);
  expect(await page.getByTestId('oauth-ini').textContent()).toContain('globex-users:Globex:Viewer');
  await browser!.screenshot('tenants-plan');
  await page.getByTestId('plan-summary').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await browser!.catalogScreenshot('plan');

  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Apply' }).click();
  for (const id of ['acme', 'globex', 'initech']) {
    await page.locator(`[data-testid="tenant-status-${id}"]`, { hasText: 'done' }).waitFor({ timeout: TIMEOUT });
  }
  await page.getByTestId('audit-entry').first().waitFor({ timeout: TIMEOUT });
  expect(await page.getByTestId('audit-entry').first().textContent()).toContain('admin');
  await browser!.screenshot('tenants-applied');

  // The applied spec is the stored one (passwords never stored), next to the audit log.
  const settings = await asAdmin<{ jsonData: { tenantSpec?: string; auditLog?: unknown[] } }>(
    '/api/plugins/mtlabs-tenancy-app/settings',
    1
  );
  expect(settings.jsonData.tenantSpec).toContain('id: initech');
  expect(settings.jsonData.auditLog).toHaveLength(1);

  const orgs = await asAdmin<Array<{ id: number; name: string }>>('/api/orgs');
  for (const name of ['Acme', 'Globex', 'Initech']) {
    const org = orgs.find((o) => o.name === name);
    expect(org).toBeDefined();
    const sources = await asAdmin<Array<{ type: string; url: string; isDefault: boolean }>>(
      '/api/datasources',
      org!.id
    );
    expect(sources).toEqual([
      expect.objectContaining({ type: 'prometheus', url: expect.stringContaining('proxy.invalid'), isDefault: true }),
    ]);
  }

  // Re-plan: Grafana now matches the spec, so nothing is left to write.
  await page.getByRole('button', { name: 'Plan' }).click();
  await page.getByText('Nothing to write: Grafana already matches the spec.').waitFor({ timeout: TIMEOUT });
  expect(await page.getByTestId('plan-summary').textContent()).toContain('0 to create, 0 to update');
});

test('a failing tenant shows "failed" with the error and the fix; planning again finishes it', async () => {
  const { page } = browser!;
  const spec = TWO_TENANTS.replace(/acme/g, 'hooli')
    .replace(/Acme/g, 'Hooli')
    .replace(/globex/g, 'umbrella')
    .replace(/Globex/g, 'Umbrella');
  const removeFault = fake.failOn(
    (t) => t.method === 'POST' && t.path === '/api/datasources' && JSON.stringify(t.body).includes('umbrella'),
    {
      status: 400,
      message: 'injected: data source rejected',
      times: Infinity,
    }
  );
  try {
    await browser!.open(harness!.pageUrl('tenants'));
    await page.getByTestId('spec-text').fill(spec);
    await page.getByRole('button', { name: 'Plan' }).click();
    await page.getByTestId('plan-tenant-umbrella').waitFor({ timeout: TIMEOUT });
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Apply' }).click();
    await page.locator('[data-testid="tenant-status-hooli"]', { hasText: 'done' }).waitFor({ timeout: TIMEOUT });
    await page.locator('[data-testid="tenant-status-umbrella"]', { hasText: 'failed' }).waitFor({ timeout: TIMEOUT });
    const failure = (await page.getByTestId('tenant-error-umbrella').textContent()) ?? '';
    expect(failure).toContain('injected: data source rejected');
    // One fix, said once (the client's advice is not repeated before the apply's own fix).
    expect(failure.match(/fix/gi)).toHaveLength(1);
    expect(failure).not.toMatch(/\.\./);
    expect(await page.locator('[data-status="failed"]').count()).toBe(1);
    // The outcome beside Apply names the failed tenant and the fix, not a step count; the three
    // tenants of the first test left the spec unpruned, so they are not "done".
    const outcome = (await page.getByTestId('apply-outcome').textContent()) ?? '';
    expect(outcome).toMatch(/^1 of 5 tenants failed: umbrella — fix: /);
    expect(await page.getByTestId('apply-counter').count()).toBe(0);
    for (const id of ['acme', 'globex', 'initech']) {
      expect(await page.getByTestId(`tenant-status-${id}`).textContent()).toBe('not pruned');
    }
    // The query-param warning is shared by both tenants in the spec: shown once, above them.
    expect(await page.getByTestId('plan-shared-warning').count()).toBe(1);
    expect(
      await page
        .getByTestId('plan-tenant-hooli')
        .getByText(/^Warning:/)
        .count()
    ).toBe(0);
    await browser!.screenshot('tenants-failed-tenant');
    await page.getByRole('button', { name: 'Plan' }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await browser!.catalogScreenshot('apply-outcome');
  } finally {
    removeFault();
  }

  await page.getByRole('button', { name: 'Plan' }).click();
  const umbrella = page.getByTestId('plan-tenant-umbrella');
  await umbrella.locator('[data-action="create"]').first().waitFor({ timeout: TIMEOUT });
  expect(await page.getByTestId('plan-tenant-hooli').locator('[data-action="create"]').count()).toBe(0);
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Apply' }).click();
  await page.locator('[data-testid="tenant-status-umbrella"]', { hasText: 'done' }).waitFor({ timeout: TIMEOUT });
});

test('a user who is not a Grafana server admin is refused with an explanation', async () => {
  const { page } = browser!;
  await browser!.open(harness!.pageUrl('tenants', { grafanaAdmin: 'false' }));
  await page.getByTestId('not-server-admin').waitFor({ timeout: TIMEOUT });
  expect(await page.getByTestId('spec-text').count()).toBe(0);
});
