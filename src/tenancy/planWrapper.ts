/**
 * Planning a wrapper data source of a shared org (pure): the metrics one (`Tenant data`) and, with
 * `logsProxyUrl`, the logs one (`Tenant logs`). `teamTenants` is compared with the mapping of the
 * live teams when they all exist; apply resolves it again from live teams (wrapperDatasource.ts).
 */
import { jsonDataMarkerTenant } from './naming';
import type { DataSourceBody } from './ports';
import { makeStep, type PlanStep, type StepContext } from './planTypes';
import type { SharedOrgSpec } from './spec';
import { teamTenantsFromLive } from './wrapperDatasource';

/** The wrapper data source of `body` (the metrics one, or the logs one of planSharedLogs.ts). */
export function planWrapper(shared: SharedOrgSpec, ctx: StepContext, body: DataSourceBody): PlanStep[] {
  const target = `data source "${body.name}"`;
  const list = ctx.org?.contents?.datasources ?? [];
  const live = list.find((d) => d.uid === body.uid);
  const byName = list.find((d) => d.name === body.name && d.uid !== body.uid);
  if ((live && jsonDataMarkerTenant(live.jsonData) !== shared.id) || byName) {
    return [
      makeStep(shared.id, 'wrapper-datasource', 'conflict', target, [], null, {
        message: `a data source with uid "${body.uid}" or name "${body.name}" exists and is not managed for shared org "${shared.id}"`,
        fix: 'delete or rename that data source in Grafana',
      }),
    ];
  }
  const teams = shared.teams.map((t) => ({ team: { name: t.name }, values: t.values }));
  const op = { type: 'writeWrapperDataSource' as const, create: !live, body, teams };
  const known = teamTenantsFromLive(shared.id, shared.teams, ctx.org?.contents?.teams ?? []);
  if (!live) {
    return [
      makeStep(
        shared.id,
        'wrapper-datasource',
        'create',
        target,
        [{ field: 'teamTenants', before: null, after: describe(shared) }],
        op
      ),
    ];
  }
  const want = { ...body.jsonData, teamTenants: known };
  const diff = [];
  for (const key of [...new Set([...Object.keys(want), ...Object.keys(live.jsonData)])].sort()) {
    if (JSON.stringify(want[key as keyof typeof want]) !== JSON.stringify(live.jsonData[key])) {
      diff.push({
        field: `jsonData.${key}`,
        before: key in live.jsonData ? JSON.stringify(live.jsonData[key]) : null,
        after:
          key === 'teamTenants' && !known
            ? describe(shared)
            : key in want
              ? JSON.stringify(want[key as keyof typeof want])
              : null,
      });
    }
  }
  for (const field of ['name', 'type', 'url', 'isDefault'] as const) {
    if (live[field] !== body[field]) {
      diff.push({ field, before: String(live[field]), after: String(body[field]) });
    }
  }
  return diff.length === 0
    ? [makeStep(shared.id, 'wrapper-datasource', 'unchanged', target, [], null)]
    : [
        makeStep(shared.id, 'wrapper-datasource', 'update', target, diff, op, {
          message: 'repairs drift: the wrapper differs from the spec',
        }),
      ];
}

const describe = (shared: SharedOrgSpec) => shared.teams.map((t) => `${t.name} → ${t.values.join('|')}`).join(', ');
