/**
 * The app's own plugin settings (`/api/plugins/<id>/settings` of the admin's current org).
 *
 * Grafana OVERWRITES `enabled`, `pinned` and `jsonData` on every POST (omitting `enabled` disables
 * the app, omitting a jsonData key deletes it — CONTRACT §9, `UpdatePluginSetting`), so every save
 * re-reads the stored settings and writes them back merged with the change.
 */
import { lastValueFrom } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import { PLUGIN_ID } from '../constants';

export interface TenancyAppSettings {
  /** Label the agents stamp on every series (default `tenant`). */
  tenantLabel?: string;
  /** URL of the enforcing proxy, pre-filled when a tenant is added with the form. */
  proxyUrl?: string;
  /** The tenant spec as the admin last saved it (YAML or JSON text). */
  tenantSpec?: string;
  /** When the spec was last saved, and by whom (shown next to the editor). */
  tenantSpecSavedAt?: string;
  tenantSpecSavedBy?: string;
}

interface PluginSettingsDto {
  enabled?: boolean;
  pinned?: boolean;
  jsonData?: TenancyAppSettings | null;
}

const settingsUrl = `/api/plugins/${PLUGIN_ID}/settings`;

export async function loadAppSettings(): Promise<{ enabled: boolean; pinned: boolean; jsonData: TenancyAppSettings }> {
  const response = await lastValueFrom(
    getBackendSrv().fetch<PluginSettingsDto>({ url: settingsUrl, method: 'GET', showErrorAlert: false })
  );
  const dto = response.data ?? {};
  return { enabled: Boolean(dto.enabled), pinned: Boolean(dto.pinned), jsonData: dto.jsonData ?? {} };
}

/** Merges `patch` into the stored jsonData and saves; the app stays enabled (saving is an admin's act of using it). */
export async function saveAppSettings(patch: Partial<TenancyAppSettings>): Promise<TenancyAppSettings> {
  const current = await loadAppSettings();
  const jsonData: TenancyAppSettings = { ...current.jsonData, ...patch };
  await lastValueFrom(
    getBackendSrv().fetch({
      url: settingsUrl,
      method: 'POST',
      data: { enabled: true, pinned: current.enabled ? current.pinned : true, jsonData },
      showErrorAlert: false,
    })
  );
  return jsonData;
}

/** Text of an error thrown by getBackendSrv (a FetchError object, not an Error) or anything else. */
export function describeError(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { status?: number; data?: { message?: string }; message?: string };
    const message = e.data?.message ?? e.message;
    if (message) {
      return e.status ? `${message} (HTTP ${e.status})` : message;
    }
  }
  return String(error);
}
