/**
 * Planning one managed data source of a tenant (pure): ownership and name conflicts, orphans of
 * this tenant, drift of fields and jsonData, write-only secrets (set / missing / rotated). Used for
 * the Prometheus data source (which reports the tenant's orphans) and the Loki one (which does not).
 */
import type { DesiredTenant } from './desired';
import { jsonDataMarkerTenant } from './naming';
import { POLICY_RULES_KEY, policyRulesDiff } from './planPolicy';
import { makeStep, type FieldDiff, type PlanStep, type StepContext } from './planTypes';
import type { DataSourceRecord } from './ports';

export interface DatasourcePlanOptions {
  /** The spec field of this data source, named in fix texts (default `datasource`). */
  field?: string;
  /** The live data source read by uid (when the key is absent: the org's managed Prometheus data source). */
  detail?: DataSourceRecord;
  /** Uids of the tenant's other managed data sources (same marker): not orphans. */
  siblings?: readonly string[];
  /** Only one planner per tenant reports the marked data sources nobody wants (default true). */
  reportOrphans?: boolean;
}

export function planDatasource(
  d: Pick<DesiredTenant, 'datasource'>,
  ctx: StepContext,
  options: DatasourcePlanOptions = {}
): PlanStep[] {
  const want = d.datasource;
  const field = options.field ?? 'datasource';
  const siblings = new Set(options.siblings ?? []);
  const target = `data source "${want.body.name}"`;
  const list = ctx.org?.contents?.datasources ?? [];
  const byUid = list.find((x) => x.uid === want.body.uid);
  const byName = list.find((x) => x.name === want.body.name && x.uid !== want.body.uid);
  const steps: PlanStep[] = [];
  const conflict = (message: string, fix: string) =>
    makeStep(ctx.tenantId, 'datasource', 'conflict', target, [], null, { message, fix });

  if (byUid && jsonDataMarkerTenant(byUid.jsonData) !== ctx.tenantId) {
    return [
      conflict(
        `a data source with uid "${byUid.uid}" exists and is not managed for tenant "${ctx.tenantId}"`,
        'delete or re-uid that data source in Grafana; the tenancy app never changes objects without its marker'
      ),
    ];
  }
  if (byName) {
    return [
      conflict(
        `a data source named "${byName.name}" (uid ${byName.uid}) already exists in this org`,
        `rename it in Grafana, or set \`${field}.name\` in the spec to another name`
      ),
    ];
  }
  if (byUid?.readOnly) {
    return [
      conflict(
        `data source "${byUid.name}" is provisioned (read-only)`,
        'remove it from Grafana provisioning files; the tenancy app manages it'
      ),
    ];
  }
  for (const other of list) {
    if (other.uid === want.body.uid || siblings.has(other.uid) || options.reportOrphans === false) {
      continue;
    }
    if (jsonDataMarkerTenant(other.jsonData) === ctx.tenantId) {
      steps.push(
        makeStep(
          ctx.tenantId,
          'datasource',
          'orphaned',
          `data source "${other.name}"`,
          [{ field: 'uid', before: other.uid, after: null }],
          { type: 'deleteDataSource', uid: other.uid },
          { requiresPrune: true }
        )
      );
    } else if (other.isDefault && want.body.isDefault) {
      ctx.warnings.push(
        `data source "${other.name}" is the org default; Grafana makes it non-default when the tenant data source becomes default`
      );
    }
  }

  // A caller that names `detail` (even as undefined: not read) speaks for its own data source.
  const detail = ('detail' in options ? options.detail : ctx.org?.contents?.managedDatasource) ?? byUid;
  const stored = detail?.secureJsonFields ?? {};
  const missingKept = want.secretsKeptAsStored.filter((k) => !stored[k]);
  if (missingKept.length > 0) {
    return [
      ...steps,
      conflict(
        `secret(s) ${missingKept.join(', ')} are not stored on the data source and the spec carries no value`,
        `set \`${field}.basicAuth.password\` (or \`passwordEnv\` for the CLI) and plan again`
      ),
    ];
  }
  const secureJsonData = Object.keys(want.secrets).length > 0 ? want.secrets : undefined;
  if (!byUid) {
    const diff = datasourceFields(undefined, want.body).concat(
      Object.keys(want.secrets).map((k) => ({ field: `secureJsonData.${k}`, before: null, after: '(set)' }))
    );
    return [
      ...steps,
      makeStep(ctx.tenantId, 'datasource', 'create', target, diff, {
        type: 'createDataSource',
        body: { ...want.body, secureJsonData },
      }),
    ];
  }
  const diff = datasourceFields(detail, want.body);
  for (const key of Object.keys(want.secrets)) {
    if (!stored[key]) {
      diff.push({ field: `secureJsonData.${key}`, before: '(not set)', after: '(set)' });
    } else if (ctx.rotateSecrets) {
      diff.push({ field: `secureJsonData.${key}`, before: '(set)', after: '(re-sent)' });
    }
  }
  if (diff.length === 0) {
    return [...steps, makeStep(ctx.tenantId, 'datasource', 'unchanged', target, [], null)];
  }
  return [
    ...steps,
    makeStep(
      ctx.tenantId,
      'datasource',
      'update',
      target,
      diff,
      { type: 'updateDataSource', body: { ...want.body, secureJsonData } },
      { message: 'repairs drift: the data source differs from the spec' }
    ),
  ];
}

const show = (v: unknown): string =>
  v === undefined || v === null ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v);

function datasourceFields(live: Record<string, any> | undefined, want: Record<string, any>): FieldDiff[] {
  const diff: FieldDiff[] = [];
  for (const field of ['name', 'type', 'url', 'access', 'isDefault', 'basicAuth', 'basicAuthUser']) {
    if (live?.[field] !== want[field] && !(field === 'basicAuthUser' && !live?.[field] && !want[field])) {
      diff.push({ field, before: live ? show(live[field]) : null, after: show(want[field]) });
    }
  }
  const liveJson: Record<string, unknown> = live?.jsonData ?? {};
  const keys = new Set([...Object.keys(liveJson), ...Object.keys(want.jsonData)]);
  for (const key of [...keys].sort()) {
    if (key === POLICY_RULES_KEY) {
      diff.push(...policyRulesDiff(liveJson[key], want.jsonData[key]));
    } else if (JSON.stringify(liveJson[key]) !== JSON.stringify(want.jsonData[key])) {
      diff.push({
        field: `jsonData.${key}`,
        before: live && key in liveJson ? show(liveJson[key]) : null,
        after: key in want.jsonData ? show(want.jsonData[key]) : null,
      });
    }
  }
  return diff;
}
