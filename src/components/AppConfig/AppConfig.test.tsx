/**
 * The config page against the in-process FakeGrafana: it explains the security model, and saving
 * merges into the stored settings (Grafana replaces jsonData and `enabled` on every POST, so a
 * naive save would wipe the tenant spec and disable the app — CONTRACT §9).
 */
import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { PluginType, type AppPluginMeta } from '@grafana/data';
import { setBackendSrv, type BackendSrv } from '@grafana/runtime';
import { FakeGrafana, fakeBackendSrv } from '../../../tests/fakes/grafana-api';
import { PLUGIN_ID } from '../../constants';
import type { TenancyAppSettings } from '../appSettings';
import AppConfig, { type AppConfigProps } from './AppConfig';

jest.setTimeout(60_000);

const ADMIN = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}`, 'X-Grafana-Org-Id': '1' };
const settingsUrl = `/api/plugins/${PLUGIN_ID}/settings`;

function props(jsonData: TenancyAppSettings): AppConfigProps {
  const meta = {
    id: PLUGIN_ID,
    name: 'Tenancy',
    type: PluginType.app,
    enabled: true,
    pinned: true,
    jsonData,
  } as unknown as AppPluginMeta<TenancyAppSettings>;
  return { plugin: { meta } as AppConfigProps['plugin'], query: {} };
}

test('explains that org-per-tenant plus the proxy is the boundary and the wrapper only defense in depth', () => {
  render(<AppConfig {...props({})} />);
  expect(
    screen.getByText(/one Grafana organization per tenant plus the server-side enforcing proxy/)
  ).toBeInTheDocument();
  expect(screen.getByText('defense in depth only')).toBeInTheDocument();
});

test('saving keeps the other settings keys and the app enabled', async () => {
  const fake = new FakeGrafana();
  setBackendSrv(fakeBackendSrv(fake, { orgId: 1 }) as unknown as BackendSrv);
  await fake.handle({
    method: 'POST',
    url: settingsUrl,
    headers: ADMIN,
    body: { enabled: true, pinned: true, jsonData: { tenantSpec: 'version: 1', tenantLabel: 'tenant' } },
  });

  render(<AppConfig {...props({ tenantLabel: 'tenant' })} />);
  fireEvent.change(screen.getByLabelText(/^Tenant label/), { target: { value: 'customer' } });
  fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
  expect(await screen.findByText('Settings saved', {}, { timeout: 20_000 })).toBeInTheDocument();

  const res = await fake.handle({ method: 'GET', url: settingsUrl, headers: ADMIN });
  expect(res.body).toMatchObject({ enabled: true, jsonData: { tenantSpec: 'version: 1', tenantLabel: 'customer' } });
});

test('a failed save says what happened and what to check', async () => {
  const fake = new FakeGrafana();
  fake.createUser({ login: 'viewer', role: 'Viewer' });
  setBackendSrv(fakeBackendSrv(fake, { orgId: 1, login: 'viewer' }) as unknown as BackendSrv);
  render(<AppConfig {...props({})} />);
  fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
  expect(await screen.findByText('Saving the settings failed', {}, { timeout: 20_000 })).toBeInTheDocument();
  expect(screen.getByText(/HTTP 403/)).toBeInTheDocument();
});
