/**
 * State and actions of the Tenants page: spec text (loaded from / saved to the app's settings),
 * validation, plan (read live state → planTenants, pure), apply (the only write path) with live
 * progress, the audit trail, and the "interrupted apply" notice.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  applyPlan,
  parseTenantSpec,
  planTenants,
  readAuditLog,
  readLiveState,
  type ApplyResult,
  type AuditEntry,
  type Plan,
  type TenancyApi,
} from '../../tenancy';
import { describeError, loadAppSettings, saveAppSettings, type TenancyAppSettings } from '../../components/appSettings';
import { DEFAULT_PROXY_URL } from '../../constants';
import { initialProgress, reduceProgress, type ProgressState } from './applyProgress';
import { markApplyFinished, markApplyStarted, readInterruptedApply, type InterruptedApply } from './interruptedApply';
import { removeSpecPasswords, STARTER_SPEC, starterSpec } from './specText';

export interface WorkflowDeps {
  api: TenancyApi;
  /** The org the page runs in: the app's settings (spec, audit) live there. */
  orgId: number;
  login: string;
}

export type Busy = 'loading' | 'saving' | 'planning' | 'applying' | undefined;

export function useTenancyWorkflow({ api, orgId, login }: WorkflowDeps) {
  const [specText, setSpecText] = useState('');
  const [busy, setBusy] = useState<Busy>('loading');
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [plan, setPlan] = useState<{ plan: Plan; forText: string; applied: boolean }>();
  const [progress, setProgress] = useState<ProgressState>();
  const [result, setResult] = useState<ApplyResult>();
  const [audit, setAudit] = useState<AuditEntry[]>([]);
  const [settings, setSettings] = useState<TenancyAppSettings>({});
  const [interrupted, setInterrupted] = useState<InterruptedApply | undefined>(() => readInterruptedApply(orgId));
  /** Plan with new bearer tokens for every token-mode tenant and shared org (the old ones stay valid until the next apply). */
  const [rotateTokens, setRotateTokens] = useState(false);
  const mounted = useRef(true);

  const parsed = useMemo(() => parseTenantSpec(specText), [specText]);

  const reloadSettings = useCallback(async () => {
    const loaded = await loadAppSettings();
    setAudit(readAuditLog(loaded.jsonData as Record<string, unknown>));
    setSettings(loaded.jsonData);
    return loaded;
  }, []);

  useEffect(() => {
    mounted.current = true;
    loadAppSettings().then(
      (loaded) => {
        if (mounted.current) {
          setAudit(readAuditLog(loaded.jsonData as Record<string, unknown>));
          setSettings(loaded.jsonData);
          setSpecText(loaded.jsonData.tenantSpec ?? starterSpec(loaded.jsonData.tenantLabel));
          setBusy(undefined);
        }
      },
      (e) => {
        if (mounted.current) {
          setSpecText(STARTER_SPEC);
          setError(
            `Could not load the saved spec from the app settings: ${describeError(e)}. Is the app enabled in this org?`
          );
          setBusy(undefined);
        }
      }
    );
    return () => {
      mounted.current = false;
    };
  }, []);

  const saveSpec = useCallback(async () => {
    setBusy('saving');
    setError(undefined);
    try {
      const { text, removed } = removeSpecPasswords(specText);
      setSettings(
        await saveAppSettings({
          tenantSpec: text,
          tenantSpecSavedAt: new Date().toISOString(),
          tenantSpecSavedBy: login,
        })
      );
      setNotice(
        removed.length > 0
          ? `Spec saved without the passwords at ${removed.join(', ')} (they are only sent to the data sources' secure settings when you apply).`
          : 'Spec saved.'
      );
    } catch (e) {
      setError(`Saving the spec failed: ${describeError(e)}`);
    } finally {
      setBusy(undefined);
    }
  }, [specText, login]);

  const runPlan = useCallback(
    async (options: { adoptMarkers?: boolean } = {}) => {
      if (!parsed.ok) {
        return;
      }
      setBusy('planning');
      setError(undefined);
      setResult(undefined);
      setProgress(undefined);
      // The previous plan (and its statuses) must not be mistaken for the new one while reading.
      setPlan(undefined);
      try {
        // The page's org is the provisioning org: it holds the ownership registry (registry.ts).
        const live = await readLiveState(api, parsed.spec, { provisioningOrgId: orgId });
        setPlan({
          plan: planTenants(parsed.spec, live, { rotateTokens, adoptMarkers: options.adoptMarkers === true }),
          forText: specText,
          applied: false,
        });
      } catch (e) {
        setPlan(undefined);
        setError(
          `Reading Grafana's current state failed: ${describeError(e)}. You need to be a Grafana server admin; retry when Grafana is reachable.`
        );
      } finally {
        setBusy(undefined);
      }
    },
    [api, parsed, specText, orgId, rotateTokens]
  );

  const runApply = useCallback(
    async (prune: boolean) => {
      if (!plan || plan.applied) {
        return;
      }
      setBusy('applying');
      setError(undefined);
      setNotice(undefined);
      let state = initialProgress(plan.plan);
      setProgress(state);
      // The stored spec should be the one that was applied, so the next admin starts from it.
      const storedText = removeSpecPasswords(plan.forText).text;
      if (storedText !== settings.tenantSpec) {
        try {
          setSettings(
            await saveAppSettings({
              tenantSpec: storedText,
              tenantSpecSavedAt: new Date().toISOString(),
              tenantSpecSavedBy: login,
            })
          );
        } catch (e) {
          setError(
            `Not applied: saving the spec to the app settings failed first (${describeError(e)}). Check that the app is enabled in this org.`
          );
          setBusy(undefined);
          return;
        }
      }
      markApplyStarted(orgId, {
        startedAt: new Date().toISOString(),
        who: login,
        tenants: plan.plan.tenants.map((t) => t.tenantId),
      });
      try {
        const applied = await applyPlan(api, plan.plan, {
          prune,
          audit: { orgId },
          onProgress: (event) => {
            state = reduceProgress(state, event);
            setProgress(state);
          },
        });
        setResult(applied);
        markApplyFinished(orgId);
        setInterrupted(undefined);
        if (applied.audit?.error) {
          setError(`Applied, but recording the audit entry failed: ${applied.audit.error}`);
        }
        await reloadSettings().catch(() => undefined);
      } catch (e) {
        setError(
          `Apply stopped: ${describeError(e)}. Nothing is lost — Plan again to see what is still missing, then apply again.`
        );
      } finally {
        // The plan describes the state before this apply; the next run needs a new plan.
        setPlan({ ...plan, applied: true });
        setBusy(undefined);
      }
    },
    [api, plan, orgId, login, reloadSettings, settings.tenantSpec]
  );

  return {
    specText,
    setSpecText,
    parsed,
    busy,
    error,
    notice,
    plan: plan?.plan,
    planIsStale: plan !== undefined && plan.forText !== specText,
    planApplied: plan?.applied ?? false,
    progress,
    result,
    audit,
    interrupted,
    defaultUrl: settings.proxyUrl ?? DEFAULT_PROXY_URL,
    rotateTokens,
    setRotateTokens,
    saveSpec,
    runPlan,
    runApply,
  };
}
