/**
 * Remembers (in this browser's localStorage) that an apply started, so a page opened after a crash
 * or a closed tab can say so. Nothing else depends on it: applyPlan is idempotent and a new plan
 * from live state lists exactly the steps still missing.
 */
import { PLUGIN_ID } from '../../constants';

export interface InterruptedApply {
  startedAt: string;
  who: string;
  tenants: string[];
}

const key = (orgId: number) => `${PLUGIN_ID}:apply-in-progress:${orgId}`;

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    // Storage disabled (privacy mode): the notice is a convenience, not a safety mechanism.
    return undefined;
  }
}

export function markApplyStarted(orgId: number, entry: InterruptedApply): void {
  storage()?.setItem(key(orgId), JSON.stringify(entry));
}

export function markApplyFinished(orgId: number): void {
  storage()?.removeItem(key(orgId));
}

export function readInterruptedApply(orgId: number): InterruptedApply | undefined {
  const raw = storage()?.getItem(key(orgId));
  if (!raw) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(raw) as InterruptedApply;
    return typeof parsed.startedAt === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
