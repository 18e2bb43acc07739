/** @jest-environment ./tests/browser/support/nodeEnvironment.js */
/**
 * Label policies on the Tenants page in real Chromium against a FakeGrafana over HTTP: a tenant
 * typed with `rules:` and one added through the form's rules list (Mimir LBAC mode), a faulty rule
 * listed on its path, the plan diff shown per rule, apply, and the stored policy header.
 */
import { FakeGrafana, startFakeGrafanaServer, type FakeGrafanaServer } from '../fakes/grafana-api';
import { parseLbacPolicyValue } from '../../src/tenancy/planPolicy';
import { startHarness, type HarnessServer } from './harness';
import { launchBrowser, type BrowserSession } from './support/browser';
import { ADMIN_AUTH } from './support/seedGrafana';

const TIMEOUT = 60_000;

const ONE_TENANT = `version: 1
label: tenant
defaults:
  datasource: { mode: mimir-lbac, scopeOrgId: anonymous, url: "http://mimir.invalid:8080/prometheus" }
tenants:
  - id: acme
    orgName: Acme
    rules: ['{tenant="acme", env="prod"}', '{cluster="c1"}']
`;

let fake: FakeGrafana;
let grafana: FakeGrafanaServer | undefined;
let harness: HarnessServer | undefined;
let browser: BrowserSession | undefined;

beforeAll(async () => {
  fake = new FakeGrafana();
  fake.createUser({ login: 'alice', email: 'alice@example.com', password: 'pw-alice' });
  grafana = await startFakeGrafanaServer(fake);
  harness = await startHarness({ grafanaUrl: grafana.url, grafanaAuth: ADMIN_AUTH });
  browser = await launchBrowser({ viewport: { width: 1400, height: 1100 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
  await grafana?.stop();
});

test('rules in YAML and in the form: errors on their path, the plan per rule, apply sends the policy header', async () => {
  const { page } = browser!;
  await browser!.open(harness!.pageUrl('tenants'));
  const editor = page.getByTestId('spec-text');
  await editor.waitFor({ timeout: TIMEOUT });

  // A faulty rule is listed on its line with the rule, the matcher and the fix.
  await editor.fill(ONE_TENANT.replace('{cluster="c1"}', 'up{cluster="c1"}'));
  const errors = page.getByTestId('spec-error');
  await errors.first().waitFor({ timeout: TIMEOUT });
  const texts = await errors.allTextContents();
  expect(texts.some((t) => t.includes('tenants[0].rules[1]') && t.includes('Fix:'))).toBe(true);

  await editor.fill(ONE_TENANT);
  await page.getByText('Valid spec, 1 tenant').waitFor({ timeout: TIMEOUT });

  // Second tenant through the form: two rules, one per line, Mimir LBAC.
  await page.getByRole('radio', { name: 'Add a tenant (form)' }).click();
  await page.locator('#tenant-id').fill('beta');
  await page.locator('#tenant-rules').fill('{tenant="beta"}\n{tenant="beta2", env="dev"}');
  await page.locator('#tenant-org-name').fill('Beta');
  await page.getByRole('radio', { name: 'Mimir LBAC' }).click();
  await page.locator('#tenant-ds-url').fill('http://mimir.invalid:8080/prometheus');
  await page.locator('#tenant-key').fill('anonymous');
  await page.getByRole('button', { name: 'Add tenant to spec' }).click();
  await page.getByText('Tenant "beta" added to the spec').waitFor({ timeout: TIMEOUT });
  await page.getByText('Valid spec, 2 tenants').waitFor({ timeout: TIMEOUT });

  await page.getByRole('button', { name: 'Plan' }).click();
  const card = page.getByTestId('plan-tenant-beta');
  await card.waitFor({ timeout: TIMEOUT });
  const ruleRows = await card.locator('tr', { hasText: /^rule/ }).allTextContents();
  expect(ruleRows).toEqual([
    expect.stringContaining('{tenant="beta"}'),
    expect.stringContaining('{tenant="beta2", env="dev"}'),
  ]);
  expect(await page.getByTestId('plan-tenant-acme').textContent()).toContain('{cluster="c1"}');
  await card.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await browser!.screenshot('tenants-policy-plan');

  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Apply' }).click();
  for (const id of ['acme', 'beta']) {
    await page.locator(`[data-testid="tenant-status-${id}"]`, { hasText: 'done' }).waitFor({ timeout: TIMEOUT });
  }
  const org = [...fake.state.orgs.values()].find((o) => o.name === 'Beta');
  const ds = [...fake.state.datasources.values()].find((d) => d.orgId === org?.id);
  expect(ds?.jsonData).toMatchObject({ httpHeaderName1: 'X-Scope-OrgID', httpHeaderName2: 'X-Prom-Label-Policy' });
  expect(parseLbacPolicyValue(ds!.secureJsonData.httpHeaderValue2)).toEqual([
    { scopeOrgId: 'anonymous', rule: '{tenant="beta"}' },
    { scopeOrgId: 'anonymous', rule: '{tenant="beta2", env="dev"}' },
  ]);

  await page.getByRole('button', { name: 'Plan' }).click();
  await page.getByText('Nothing to write: Grafana already matches the spec.').waitFor({ timeout: TIMEOUT });
});
