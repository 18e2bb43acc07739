/**
 * Read-modify-write of the app's plugin settings jsonData in one org, keeping every other key.
 *
 * Plugin settings POST overwrites `enabled`, `pinned` and the whole `jsonData` (CONTRACT §9,
 * `UpdatePluginSetting`): a writer that sends only its own key wipes the others (the audit log,
 * the ownership registry, token hashes, the saved spec) and one that omits `enabled` disables the
 * app, which makes Grafana delete its bundled dashboards. So every writer goes through here: it
 * re-reads the row, re-sends the flags and changes only its own key.
 *
 * Writes to the same org are serialised within this process (tenants may be applied in parallel),
 * so two writers of one apply never overwrite each other's key.
 */
import { APP_PLUGIN_ID } from './naming';
import type { TenancyApi } from './ports';

type JsonData = Record<string, unknown>;

const queues = new Map<number, Promise<unknown>>();

/** Applies `patch` to the current jsonData of the app settings in `orgId`; 2 calls (GET + POST). */
export async function patchAppJsonData(
  api: TenancyApi,
  orgId: number,
  patch: (current: JsonData) => JsonData
): Promise<void> {
  const previous = queues.get(orgId) ?? Promise.resolve();
  const run = previous
    .catch(() => undefined)
    .then(async () => {
      const current = await api.getAppSettings(orgId, APP_PLUGIN_ID);
      await api.setAppSettings(orgId, APP_PLUGIN_ID, {
        enabled: current.enabled,
        pinned: current.pinned,
        jsonData: patch({ ...(current.jsonData ?? {}) }),
      });
    });
  queues.set(orgId, run);
  try {
    await run;
  } finally {
    if (queues.get(orgId) === run) {
      queues.delete(orgId);
    }
  }
}
