/**
 * Plan and Apply buttons. Apply asks for confirmation; deleting orphaned managed objects (prune)
 * needs a second, typed confirmation of its own. Shows the step counter while applying and, once
 * it has finished, the outcome per tenant (which failed and the fix) beside the button.
 */
import React, { useState } from 'react';
import { Alert, Button, Checkbox, ConfirmModal, Stack, Text } from '@grafana/ui';
import type { Plan } from '../../tenancy';
import { applyOutcome, progressCounts, type ProgressState } from './applyProgress';

export interface ApplyPanelProps {
  canPlan: boolean;
  plan?: Plan;
  planIsStale: boolean;
  planApplied: boolean;
  busy?: string;
  progress?: ProgressState;
  /** `adoptMarkers`: the one-time migration of installs from before the ownership registry. */
  onPlan: (options: { adoptMarkers: boolean }) => void;
  onApply: (prune: boolean) => void;
}

/** A plan whose conflicts could be resolved by adopting markers (planOwnership.ts names the option). */
function offersAdoption(plan: Plan | undefined): boolean {
  return (plan?.tenants ?? []).some((t) =>
    t.steps.some((s) => s.action === 'conflict' && /adoptMarkers/.test(s.fix ?? ''))
  );
}

function writeCounts(plan: Plan) {
  const steps = plan.tenants.filter((t) => !t.blocked).flatMap((t) => t.steps);
  return {
    writes: steps.filter(
      (s) => s.op !== null && !s.requiresPrune && s.action !== 'unchanged' && s.action !== 'conflict'
    ).length,
    prunable: steps.filter((s) => s.requiresPrune).length,
    tenants: plan.tenants.filter((t) => !t.blocked).length,
  };
}

export function ApplyPanel({
  canPlan,
  plan,
  planIsStale,
  planApplied,
  busy,
  progress,
  onPlan,
  onApply,
}: ApplyPanelProps) {
  const [prune, setPrune] = useState(false);
  const [adoptMarkers, setAdoptMarkers] = useState(false);
  const [confirming, setConfirming] = useState<'apply' | 'prune' | undefined>();
  const counts = plan ? writeCounts(plan) : undefined;
  const nothingToDo = counts !== undefined && counts.writes === 0 && (!prune || counts.prunable === 0);
  const applyDisabled = !plan || planIsStale || planApplied || busy !== undefined || nothingToDo;
  const outcome = progress && busy !== 'applying' ? applyOutcome(progress) : undefined;
  const count = progress && !outcome ? progressCounts(progress) : undefined;

  const why = !plan
    ? 'Plan first: nothing is written before you have seen the plan.'
    : planIsStale
      ? 'The spec changed after this plan: plan again.'
      : planApplied
        ? 'Plan again to verify the result or to continue where it stopped.'
        : nothingToDo
          ? 'Nothing to write: Grafana already matches the spec.'
          : undefined;

  return (
    <section aria-label="Plan and apply">
      <Stack direction="row" gap={2} alignItems="center" wrap="wrap">
        <Button
          icon="list-ul"
          variant="secondary"
          onClick={() => onPlan({ adoptMarkers })}
          disabled={!canPlan || busy !== undefined}
        >
          {busy === 'planning' ? 'Planning…' : 'Plan'}
        </Button>
        <Button icon="play" onClick={() => setConfirming('apply')} disabled={applyDisabled}>
          {busy === 'applying' ? 'Applying…' : 'Apply'}
        </Button>
        <Checkbox
          label="Prune: delete orphaned managed objects"
          description={counts ? `${counts.prunable} step(s) in this plan need prune` : undefined}
          value={prune}
          onChange={(e) => setPrune(e.currentTarget.checked)}
        />
        {(adoptMarkers || offersAdoption(plan)) && (
          <Checkbox
            label="Adopt ownership markers (one-time migration)"
            description="Record orgs that carry a marker but are not in the registry yet; review them in the plan first"
            value={adoptMarkers}
            onChange={(e) => setAdoptMarkers(e.currentTarget.checked)}
            data-testid="adopt-markers"
          />
        )}
        {count && (
          <Text color="secondary" data-testid="apply-counter">
            {count.finished} of {count.total} steps finished
          </Text>
        )}
      </Stack>
      {outcome && (
        <Alert
          severity={outcome.severity}
          title={outcome.headline}
          data-testid="apply-outcome"
          bottomSpacing={0}
          topSpacing={1}
        >
          {outcome.problems.length > 1 && (
            <ul>
              {outcome.problems.map((p) => (
                <li key={p.tenantId}>
                  <strong>{p.tenantId}</strong>: {p.text}
                </li>
              ))}
            </ul>
          )}
        </Alert>
      )}
      {why && (
        <Text color="secondary" element="p">
          {why}
        </Text>
      )}
      <ConfirmModal
        isOpen={confirming === 'apply'}
        title="Apply the plan?"
        body={`${counts?.writes ?? 0} write step(s) for ${counts?.tenants ?? 0} tenant(s) will be sent to Grafana. Objects the app does not own are never modified.`}
        confirmText={prune && (counts?.prunable ?? 0) > 0 ? 'Continue to prune confirmation' : 'Apply'}
        onDismiss={() => setConfirming(undefined)}
        onConfirm={() => {
          if (prune && (counts?.prunable ?? 0) > 0) {
            setConfirming('prune');
          } else {
            setConfirming(undefined);
            onApply(false);
          }
        }}
      />
      <ConfirmModal
        isOpen={confirming === 'prune'}
        title="Delete orphaned objects?"
        body={`Prune deletes ${counts?.prunable ?? 0} managed object(s) (orgs, teams, data sources, folders) that are no longer in the spec. This cannot be undone.`}
        confirmText="Apply and prune"
        confirmationText="prune"
        icon="trash-alt"
        onDismiss={() => setConfirming(undefined)}
        onConfirm={() => {
          setConfirming(undefined);
          onApply(true);
        }}
      />
    </section>
  );
}
