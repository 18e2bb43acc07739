/** @jest-environment ./tests/browser/support/nodeEnvironment.js */
/**
 * Token mode on the Tenants page in real Chromium against the fake Grafana: a spec that names no
 * tenantVia gets token mode, apply stores the token only in the tenant data source's secure
 * settings, and the page offers the proxy's tokens file and the shared org's team mapping as
 * downloads whose hashes match what Grafana holds.
 */
import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import { parse } from 'yaml';
import { FakeGrafana, startFakeGrafanaServer, type FakeGrafanaServer } from '../fakes/grafana-api';
import { startHarness, type HarnessServer } from './harness';
import { launchBrowser, type BrowserSession } from './support/browser';
import { ADMIN_AUTH } from './support/seedGrafana';

const TIMEOUT = 60_000;

const SPEC = `version: 1
label: tenant
defaults:
  datasource: { mode: proxy, url: http://proxy.invalid:9091 }
tenants:
  - id: umbra
    labelValues: [umbra]
    orgName: Umbra
  - id: penumbra
    labelValues: [penumbra, penumbra-eu]
    orgName: Penumbra
sharedOrgs:
  - orgName: Eclipse
    proxyUrl: http://proxy-shared.invalid:8080
    teams:
      - { name: umbra-ops, tenant: umbra }
`;

let fake: FakeGrafana;
let grafana: FakeGrafanaServer | undefined;
let harness: HarnessServer | undefined;
let browser: BrowserSession | undefined;

beforeAll(async () => {
  fake = new FakeGrafana();
  grafana = await startFakeGrafanaServer(fake);
  harness = await startHarness({ grafanaUrl: grafana.url, grafanaAuth: ADMIN_AUTH });
  browser = await launchBrowser({ viewport: { width: 1400, height: 1000 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
  await grafana?.stop();
});

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const bearerOf = (uid: string) =>
  [...fake.state.datasources.values()].find((d) => d.uid === uid)!.secureJsonData.httpHeaderValue1;
/** Clicks a download button and returns the saved file's name and text. */
async function download(testId: string): Promise<{ name: string; text: string }> {
  const { page } = browser!;
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
}

test('token mode by default: apply, then download the tokens file and the team mapping', async () => {
  const { page } = browser!;
  await browser!.open(harness!.pageUrl('tenants'));
  await page.getByTestId('spec-text').fill(SPEC);
  await page.getByRole('button', { name: 'Plan' }).click();
  const card = page.getByTestId('plan-tenant-umbra');
  await card.waitFor({ timeout: TIMEOUT });
  expect(await card.textContent()).toContain('bearer token');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Apply' }).click();
  for (const id of ['umbra', 'penumbra', 'eclipse']) {
    await page.locator(`[data-testid="tenant-status-${id}"]`, { hasText: 'done' }).waitFor({ timeout: TIMEOUT });
  }

  // The token lives only in the data source's secure settings, as "Bearer <43 base64url chars>".
  const umbra = bearerOf('mtt-umbra-prom');
  expect(umbra).toMatch(/^Bearer [A-Za-z0-9_-]{43}$/);

  await page.waitForFunction(() =>
    [...document.querySelectorAll('button')].some((b) => b.textContent === 'Prepare proxy files' && !b.disabled)
  );
  await page.getByRole('button', { name: 'Prepare proxy files' }).click();
  await page.getByTestId('download-tokens').waitFor({ timeout: TIMEOUT });
  const tokensFile = await download('download-tokens');
  expect(tokensFile.name).toBe('proxy-tokens.yaml');
  const tokensText = tokensFile.text;
  expect(tokensText).not.toContain(umbra.slice('Bearer '.length));
  expect(parse(tokensText)).toEqual({
    tenants: {
      umbra: { values: ['umbra'], tokenSha256: [sha256(umbra.slice('Bearer '.length))] },
      penumbra: {
        values: ['penumbra', 'penumbra-eu'],
        tokenSha256: [sha256(bearerOf('mtt-penumbra-prom').slice('Bearer '.length))],
      },
    },
  });

  const mappingFile = await download('download-mapping-eclipse');
  expect(mappingFile.name).toBe('team-mapping-eclipse.yaml');
  const mapping = parse(mappingFile.text);
  const org = [...fake.state.orgs.values()].find((o) => o.name === 'Eclipse')!;
  const team = [...fake.state.teams.values()].find((t) => t.orgId === org.id && t.name === 'umbra-ops')!;
  expect(mapping).toEqual({
    orgId: org.id,
    dataSourceTokenSha256: [sha256(bearerOf('mtt-eclipse-prom').slice('Bearer '.length))],
    teams: [{ uid: team.uid, id: team.id, name: 'umbra-ops', values: ['umbra'] }],
  });
  await browser!.screenshot('tenants-proxy-files');

  // Rotation from the page: the plan says so, and after apply the file lists both hashes.
  await page.getByLabel('Rotate tokens in the next plan').check({ force: true });
  await page.getByRole('button', { name: 'Plan' }).click();
  await page.getByTestId('plan-tenant-umbra').waitFor({ timeout: TIMEOUT });
  expect(await page.getByTestId('plan-tenant-umbra').textContent()).toContain('rotate token (requested)');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Apply' }).click();
  for (const id of ['umbra', 'penumbra', 'eclipse']) {
    await page.locator(`[data-testid="tenant-status-${id}"]`, { hasText: 'done' }).waitFor({ timeout: TIMEOUT });
  }
  const prepare = page.getByRole('button', { name: 'Prepare proxy files' });
  await page.waitForFunction(() =>
    [...document.querySelectorAll('button')].some((b) => b.textContent === 'Prepare proxy files' && !b.disabled)
  );
  await prepare.click();
  await page.getByTestId('download-tokens').waitFor({ timeout: TIMEOUT });
  const rotated = parse((await download('download-tokens')).text);
  expect(rotated.tenants.umbra.tokenSha256).toEqual([
    sha256(bearerOf('mtt-umbra-prom').slice('Bearer '.length)),
    sha256(umbra.slice('Bearer '.length)),
  ]);
});
