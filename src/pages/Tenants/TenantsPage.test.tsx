/**
 * The Tenants page in jsdom against the in-process FakeGrafana: the server-admin gate, loading
 * and saving the spec in the app's settings (passwords never stored), and the notice after an
 * interrupted apply. Plan/apply end to end runs in Chromium (tests/browser/tenantsPage.test.ts).
 */
import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { EditorView } from '@codemirror/view';
import { config, setBackendSrv, type BackendSrv } from '@grafana/runtime';
import { FakeGrafana, fakeBackendSrv, fakeTransport } from '../../../tests/fakes/grafana-api';
import { GrafanaApi } from '../../grafana-api';
import { tenancyApiFromGrafana } from '../../tenancy';
import { PLUGIN_ID } from '../../constants';
import { markApplyStarted } from './interruptedApply';
import TenantsPage from './TenantsPage';

const ADMIN = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };
const WAIT = { timeout: 20_000 };

jest.setTimeout(60_000);

let fake: FakeGrafana;

async function settingsJsonData(): Promise<Record<string, unknown>> {
  const res = await fake.handle({
    method: 'GET',
    url: `/api/plugins/${PLUGIN_ID}/settings`,
    headers: { ...ADMIN, 'X-Grafana-Org-Id': '1' },
  });
  return ((res.body as { jsonData?: Record<string, unknown> }).jsonData ?? {}) as Record<string, unknown>;
}

/** The CodeMirror view of the spec editor (its content element carries data-testid="spec-text"). */
async function specEditor(): Promise<EditorView> {
  const content = await screen.findByTestId('spec-text', {}, WAIT);
  const view = EditorView.findFromDOM(content.closest('.cm-editor') as HTMLElement);
  if (!view) {
    throw new Error('the spec editor is not a CodeMirror view');
  }
  return view;
}

function renderPage(isGrafanaAdmin = true) {
  Object.assign(config.bootData.user, { isGrafanaAdmin, orgId: 1, login: 'admin' });
  const api = tenancyApiFromGrafana(new GrafanaApi(fakeTransport(fake)));
  return render(<TenantsPage api={api} />);
}

beforeEach(() => {
  fake = new FakeGrafana();
  setBackendSrv(fakeBackendSrv(fake, { orgId: 1 }) as unknown as BackendSrv);
  window.localStorage.clear();
});

test('a user who is not a Grafana server admin sees why and no editor', () => {
  renderPage(false);
  expect(screen.getByText('Only Grafana server admins can manage tenants')).toBeInTheDocument();
  expect(screen.queryByTestId('spec-text')).toBeNull();
});

test('loads the saved spec; saving stores it without passwords and keeps the other settings', async () => {
  await fake.handle({
    method: 'POST',
    url: `/api/plugins/${PLUGIN_ID}/settings`,
    headers: { ...ADMIN, 'X-Grafana-Org-Id': '1' },
    body: {
      enabled: true,
      pinned: true,
      jsonData: { tenantSpec: 'version: 1\ntenants: []\n', auditLog: [{ who: 'someone' }] },
    },
  });
  renderPage();
  const editor = await specEditor();
  expect(editor.state.doc.toString()).toBe('version: 1\ntenants: []\n');

  const withPassword = [
    'version: 1',
    'tenants:',
    '  - id: a',
    '    labelValues: [a]',
    '    orgName: A',
    '    datasource: { mode: mimir, url: "http://mimir:8080", basicAuth: { user: u, password: hunter2 } }',
    '',
  ].join('\n');
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: withPassword } });
  expect(await screen.findByText('Valid spec, 1 tenant')).toBeInTheDocument();
  fireEvent.click(screen.getByRole('button', { name: /Save spec/ }));
  expect(
    await screen.findByText(
      /Spec saved without the passwords at tenants\[0\]\.datasource\.basicAuth\.password/,
      {},
      WAIT
    )
  ).toBeInTheDocument();

  const stored = await settingsJsonData();
  expect(String(stored.tenantSpec)).toContain('user: u');
  expect(String(stored.tenantSpec)).not.toContain('hunter2');
  expect(stored.tenantSpecSavedBy).toBe('admin');
  expect(stored.auditLog).toEqual([{ who: 'someone' }]);
  // The malformed audit entry is shown, not fatal.
  expect(screen.getByTestId('audit-entry').textContent).toContain('someone');
});

test('an apply that never finished is announced with what to do', async () => {
  markApplyStarted(1, { startedAt: '2026-01-01T00:00:00Z', who: 'admin', tenants: ['a'] });
  renderPage();
  expect(await screen.findByText('A previous apply was interrupted', {}, WAIT)).toBeInTheDocument();
  expect(screen.getByTestId('interrupted-apply').textContent).toContain('Plan again');
});

test('an org known only by its marker (install from before the registry) is adopted only after ticking the migration option', async () => {
  const { orgId } = (await fake.handle({ method: 'POST', url: '/api/orgs', headers: ADMIN, body: { name: 'A' } }))
    .body as { orgId: number };
  await fake.handle({
    method: 'POST',
    url: `/api/plugins/${PLUGIN_ID}/settings`,
    headers: { ...ADMIN, 'X-Grafana-Org-Id': String(orgId) },
    body: { enabled: false, pinned: false, jsonData: { managedBy: PLUGIN_ID, tenantId: 'a' } },
  });
  renderPage();
  const editor = await specEditor();
  const spec =
    'version: 1\ntenants:\n  - id: a\n    labelValues: [a]\n    orgName: A\n    datasource: { mode: mimir, url: "http://mimir:8080" }\n';
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: spec } });
  expect(await screen.findByText('Valid spec, 1 tenant')).toBeInTheDocument();
  expect(screen.queryByTestId('adopt-markers')).toBeNull();

  fireEvent.click(screen.getByRole('button', { name: /^Plan$/ }));
  expect(await screen.findByText(/provisioned before the registry existed/, {}, WAIT)).toBeInTheDocument();
  fireEvent.click(await screen.findByTestId('adopt-markers', {}, WAIT));
  fireEvent.click(screen.getByRole('button', { name: /^Plan$/ }));
  expect(await screen.findByText(/adopting the existing marker/, {}, WAIT)).toBeInTheDocument();
  expect(screen.queryByText(/provisioned before the registry existed/)).toBeNull();
});
