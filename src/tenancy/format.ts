/** Plain-text rendering of a plan and an apply result (CLI output, logs, copy-to-clipboard). */
import type { ApplyResult } from './apply';
import type { Plan, PlanStep } from './planTypes';

const SIGN: Record<PlanStep['action'], string> = {
  create: '+',
  update: '~',
  unchanged: ' ',
  orphaned: '-',
  conflict: '!',
};

export function formatPlan(plan: Plan, options: { showUnchanged?: boolean } = {}): string {
  const lines: string[] = [];
  if (plan.grafana) {
    lines.push(`Grafana ${plan.grafana.version}`);
    for (const a of plan.grafana.adaptations) {
      lines.push(`  feature toggle ${a}`);
    }
  }
  for (const t of plan.tenants) {
    const header = `tenant ${t.tenantId} (org "${t.orgName}"${t.orgId !== undefined ? `, id ${t.orgId}` : ', new'})${t.inSpec ? '' : ' — not in the spec'}${t.blocked ? ' — BLOCKED' : ''}`;
    lines.push(header);
    for (const s of t.steps) {
      if (s.action === 'unchanged' && !options.showUnchanged) {
        continue;
      }
      lines.push(`  ${SIGN[s.action]} ${s.kind} ${s.target}${s.requiresPrune ? ' [needs --prune]' : ''}`);
      for (const d of s.diff) {
        lines.push(`      ${d.field}: ${d.before ?? '(absent)'} → ${d.after ?? '(absent)'}`);
      }
      if (s.message) {
        lines.push(`      ${s.message}`);
      }
      if (s.fix) {
        lines.push(`      fix: ${s.fix}`);
      }
    }
    for (const w of t.warnings) {
      lines.push(`  warning: ${w}`);
    }
  }
  const s = plan.summary;
  lines.push(
    `Plan: ${s.create} to create, ${s.update} to update, ${s.orphaned} orphaned (deleted only with prune), ${s.conflict} conflict(s), ${s.unchanged} unchanged.`
  );
  return lines.join('\n');
}

export function formatApplyResult(result: ApplyResult): string {
  const lines = Object.entries(result.tenants).map(([id, s]) => {
    switch (s.state) {
      case 'done':
        return `tenant ${id}: done (${s.writes} write steps)`;
      case 'failed':
        return `tenant ${id}: FAILED — ${s.error}\n  fix: ${s.fix}`;
      default:
        return `tenant ${id}: ${s.state}`;
    }
  });
  lines.push(`${result.writes} write step(s) applied.`);
  if (result.audit?.error) {
    lines.push(`warning: ${result.audit.error}`);
  }
  return lines.join('\n');
}
