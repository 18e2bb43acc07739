/**
 * Audit trail: each apply that changed something appends one entry (who, when, what) to the
 * app's plugin settings jsonData (`auditLog`) of the org the admin page runs in. Bounded to the
 * last AUDIT_LIMIT entries so the settings row stays small. Diffs carry no secret values.
 *
 * Plugin settings POST overwrites `enabled`, `pinned` and `jsonData` (CONTRACT §9): the writer
 * re-sends the current flags and every other jsonData key, otherwise it would disable the app
 * (and Grafana would delete its dashboards) or wipe the stored spec.
 */
import { patchAppJsonData } from './appJsonData';
import type { FieldDiff, StepAction, StepKind } from './planTypes';
import type { TenancyApi } from './ports';

export const AUDIT_LIMIT = 50;
export const AUDIT_KEY = 'auditLog';
/** At most this many changes are kept per entry (the rest are counted). */
export const AUDIT_CHANGES_LIMIT = 200;

export interface AuditChange {
  tenantId: string;
  kind: StepKind;
  action: StepAction;
  target: string;
  diff: FieldDiff[];
}

export interface AuditEntry {
  /** ISO timestamp. */
  at: string;
  /** Login of the user that applied. */
  who: string;
  prune: boolean;
  writes: number;
  tenants: Array<{ tenantId: string; status: 'done' | 'failed' | 'pending'; error?: string }>;
  changes: AuditChange[];
  /** Changes left out beyond AUDIT_CHANGES_LIMIT. */
  changesOmitted: number;
}

export function readAuditLog(jsonData: Record<string, unknown> | null | undefined): AuditEntry[] {
  const log = jsonData?.[AUDIT_KEY];
  return Array.isArray(log) ? (log as AuditEntry[]) : [];
}

/** Pure: the new jsonData with `entry` appended and the log cut to the newest `limit` entries. */
export function appendAuditEntry(
  jsonData: Record<string, unknown> | null | undefined,
  entry: AuditEntry,
  limit = AUDIT_LIMIT
): Record<string, unknown> {
  const changes = entry.changes.slice(0, AUDIT_CHANGES_LIMIT);
  const bounded = { ...entry, changes, changesOmitted: entry.changesOmitted + entry.changes.length - changes.length };
  return { ...(jsonData ?? {}), [AUDIT_KEY]: [...readAuditLog(jsonData), bounded].slice(-limit) };
}

/** Read-modify-write of the app settings in `orgId` (other keys kept, appJsonData.ts); 2 calls. */
export async function recordAudit(api: TenancyApi, orgId: number, entry: AuditEntry): Promise<void> {
  await patchAppJsonData(api, orgId, (jsonData) => appendAuditEntry(jsonData, entry));
}
