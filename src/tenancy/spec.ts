/**
 * The tenant spec: the desired state an admin edits (form or YAML/JSON) and the planner reads.
 * `parseTenantSpec` never throws: it returns either a normalised spec (defaults filled in) or a
 * list of field errors, each naming the field path, what is wrong and how to fix it.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { alertingSchema, checkAlerting, normaliseAlerting, type AlertingSpec } from './specAlerting';
import { closestField, knownFieldsAt } from './specFields';
import {
  checkTenantPolicies,
  crossTenantRuleErrors,
  exactlyOnePolicyForm,
  rulesField,
  sharedTeamPolicyErrors,
  tenantRuleTexts,
} from './specPolicies';
import { checkLogs, LOGS_MODE_FIX, logsSchema, normaliseLogs, type LogsSpec, type RawLogsSpec } from './specLogs';
import { checkCrossFieldRules } from './specRules';

export const ORG_ROLES = ['Viewer', 'Editor', 'Admin'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];
export const TEAM_ROLES = ['Member', 'Admin'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];
export const FOLDER_PERMISSIONS = ['View', 'Edit', 'Admin'] as const;
export type FolderPermission = (typeof FOLDER_PERMISSIONS)[number];

const nonEmpty = z.string().trim().min(1);

/** Prometheus's classic label name syntax (model/labels: `[a-zA-Z_][a-zA-Z0-9_]*`). */
const PROMETHEUS_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const memberSchema = z
  .object({
    login: nonEmpty.optional(),
    email: nonEmpty.optional(),
    role: z.enum(TEAM_ROLES).optional(),
  })
  .strict();

const teamSchema = z
  .object({
    name: nonEmpty,
    members: z.array(memberSchema).default([]),
    /** Folder permission the team gets on the tenant folder (default: defaults.teamFolderPermission). */
    folderPermission: z.enum(FOLDER_PERMISSIONS).optional(),
    /** IdP group synced into this team (Grafana Enterprise team sync); only used for the OAuth note. */
    externalGroup: nonEmpty.optional(),
  })
  .strict();

const basicAuthSchema = z
  .object({
    user: nonEmpty,
    /** Write-only: sent as secureJsonData.basicAuthPassword, never read back. Omit to keep the stored one. */
    password: z.string().min(1).optional(),
    /** CLI only: read the password from this environment variable. */
    passwordEnv: nonEmpty.optional(),
  })
  .strict();

const common = {
  url: nonEmpty,
  basicAuth: basicAuthSchema.optional(),
  /** Data source name in the tenant org (default `Prometheus (<tenant id>)`). */
  name: nonEmpty.optional(),
};

/**
 * Token mode (the default when `tenantVia` is omitted): apply generates a random 256-bit token per
 * tenant, stores it only in the data source's secureJsonData (`Authorization: Bearer <token>`) and
 * its SHA-256 in the provisioning org's app settings, from which the proxy's
 * `--tenant-tokens-file` is written. The proxy, not the network path, then knows the tenant.
 */
const proxyTokenSchema = z
  .object({ mode: z.literal('proxy'), tenantVia: z.literal('token').optional(), ...common })
  .strict();
const proxyQueryParamSchema = z
  .object({ mode: z.literal('proxy'), tenantVia: z.literal('query-param'), paramName: nonEmpty.optional(), ...common })
  .strict();
const proxyHeaderSchema = z
  .object({ mode: z.literal('proxy'), tenantVia: z.literal('header'), headerName: nonEmpty, ...common })
  .strict();
const mimirSchema = z
  .object({ mode: z.literal('mimir'), headerName: z.literal('X-Scope-OrgID').optional(), ...common })
  .strict();

/**
 * Mimir label-based access control: one Mimir tenant (`scopeOrgId`, sent as X-Scope-OrgID) holds
 * every tenant's series, and the data source sends the tenant's policy as `X-Prom-Label-Policy`
 * (`<scopeOrgId>:<url-escaped selector>` per rule) which Mimir enforces when started with
 * `-auth.label-access-control-enabled` (format: Mimir pkg/util/labelaccess, mimirtool acl). Mimir
 * must be reachable only through Grafana: the header is not signed.
 */
const mimirLbacSchema = z.object({ mode: z.literal('mimir-lbac'), scopeOrgId: nonEmpty, ...common }).strict();

const datasourceSchema = z.union([
  proxyTokenSchema,
  proxyQueryParamSchema,
  proxyHeaderSchema,
  mimirSchema,
  mimirLbacSchema,
]);

const ssoGroupSchema = z.object({ group: nonEmpty, role: z.enum(ORG_ROLES) }).strict();

const tenantSchema = z
  .object({
    id: nonEmpty,
    /** Label values under the spec's `label` (one rule); or give `rules` instead (specPolicies.ts). */
    labelValues: z.array(nonEmpty).min(1).optional(),
    /** PromQL selectors of label matchers: matchers of a rule AND, rules OR (instead of labelValues). */
    rules: rulesField,
    orgName: nonEmpty,
    teams: z.array(teamSchema).default([]),
    /** Org role per user (login or email). Team members not listed get defaults.memberOrgRole. */
    orgRoles: z.record(z.string(), z.enum(ORG_ROLES)).optional(),
    datasource: datasourceSchema.optional(),
    /** The tenant's Loki data source (specLogs.ts); absent = none. */
    logs: logsSchema.optional(),
    /** Enable the app in the tenant org so Grafana imports the bundled dashboards. */
    dashboards: z.boolean().optional(),
    /** IdP groups mapped into this tenant's org (rendered as `org_mapping`). */
    sso: z.array(ssoGroupSchema).optional(),
    /** Contact points, notification policy, bundled and custom alert rules (specAlerting.ts). */
    alerting: alertingSchema.optional(),
  })
  .strict();

/** A team of a shared org and the tenant values its members may see (by tenant id, or explicit). */
const sharedTeamSchema = z
  .object({
    name: nonEmpty,
    /** A tenant id of this spec: the team gets that tenant's labelValues. */
    tenant: nonEmpty.optional(),
    /** Explicit label values (instead of `tenant`). */
    values: z.array(nonEmpty).min(1).optional(),
  })
  .strict()
  .refine((t) => t.tenant === undefined || t.values === undefined, {
    message: 'give either `tenant` or `values`, not both',
  });

/**
 * An organization shared by several tenants, isolated server-side by the enforcing proxy in
 * `--grafana-id-token` mode: the proxy verifies the user's Grafana ID token and maps the user's
 * teams (by uid/id, never by name) to tenant values through the file apply writes.
 */
const sharedOrgSchema = z
  .object({
    /** Short slug used in uids and markers (default: derived from orgName). */
    id: nonEmpty.optional(),
    orgName: nonEmpty,
    /** The ID-token proxy of this org (one proxy per shared org: the token's aud is `org:<N>`). */
    proxyUrl: nonEmpty,
    /** The ID-token proxy in Loki mode of this org: a Loki data source + a `Tenant logs` wrapper. */
    logsProxyUrl: nonEmpty.optional(),
    teams: z.array(sharedTeamSchema).min(1),
    /** Enable the app in the org so Grafana imports the bundled dashboards (default: defaults.dashboards). */
    dashboards: z.boolean().optional(),
  })
  .strict();

const defaultsSchema = z
  .object({
    memberOrgRole: z.enum(ORG_ROLES).default('Viewer'),
    teamFolderPermission: z.enum(FOLDER_PERMISSIONS).default('View'),
    dashboards: z.boolean().default(true),
    datasource: datasourceSchema.optional(),
    logs: logsSchema.optional(),
    alerting: alertingSchema.optional(),
  })
  .strict();

export const tenantSpecSchema = z
  .object({
    version: z.literal(1),
    label: nonEmpty
      .regex(PROMETHEUS_LABEL_NAME, 'not a Prometheus label name')
      .refine((v) => !v.startsWith('__'), 'names starting with __ are reserved for Prometheus')
      .default('tenant'),
    defaults: defaultsSchema.optional(),
    tenants: z.array(tenantSchema),
    sharedOrgs: z.array(sharedOrgSchema).optional(),
  })
  .strict();

type RawSpec = z.infer<typeof tenantSpecSchema>;
type RawDatasourceSpec = z.infer<typeof datasourceSchema>;
/** A data source spec with `tenantVia` filled in (token when omitted). */
export type DatasourceSpec =
  | (z.infer<typeof proxyTokenSchema> & { tenantVia: 'token' })
  | z.infer<typeof proxyQueryParamSchema>
  | z.infer<typeof proxyHeaderSchema>
  | z.infer<typeof mimirSchema>
  | z.infer<typeof mimirLbacSchema>;
export type TeamMemberSpec = z.infer<typeof memberSchema>;
export type TeamSpec = Omit<z.infer<typeof teamSchema>, 'folderPermission'> & { folderPermission: FolderPermission };
export type SsoGroupSpec = z.infer<typeof ssoGroupSchema>;

/** One tenant with every default applied (what the planner consumes). */
export interface TenantSpecEntry {
  id: string;
  /** The classic form's values; empty when the tenant gave `rules`. */
  labelValues: string[];
  /** The tenant's policy as canonical rule texts: its `rules`, or the one rule of its labelValues. */
  rules: string[];
  orgName: string;
  teams: TeamSpec[];
  orgRoles: Record<string, OrgRole>;
  datasource: DatasourceSpec;
  /** The tenant's Loki data source, when it has one (its own or defaults.logs). */
  logs?: LogsSpec;
  /** Set when a `rules:` tenant did not take a proxy-mode defaults.logs (see logsOf). */
  logsDefaultsSkipped?: true;
  dashboards: boolean;
  sso: SsoGroupSpec[];
  alerting: AlertingSpec;
}

export interface SharedTeamSpec {
  name: string;
  /** Set when the spec named a tenant; `values` are then that tenant's labelValues. */
  tenant?: string;
  values: string[];
}

export interface SharedOrgSpec {
  id: string;
  orgName: string;
  proxyUrl: string;
  /** The org's ID-token proxy in Loki mode, when the org gets logs. */
  logsProxyUrl?: string;
  teams: SharedTeamSpec[];
  dashboards: boolean;
}

export interface TenantSpec {
  version: 1;
  label: string;
  defaults: { memberOrgRole: OrgRole; teamFolderPermission: FolderPermission; dashboards: boolean };
  tenants: TenantSpecEntry[];
  sharedOrgs: SharedOrgSpec[];
}

export interface SpecError {
  /** Field path in the spec, e.g. `tenants[1].labelValues`. */
  path: string;
  message: string;
  fix: string;
  /** For unknown fields: the offending keys inside `path` (the editor underlines them). */
  keys?: string[];
}

export type ParseSpecResult = { ok: true; spec: TenantSpec } | { ok: false; errors: SpecError[] };

/** Parses YAML or JSON (JSON is valid YAML) into a validated, normalised spec. */
export function parseTenantSpec(text: string): ParseSpecResult {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      errors: [
        {
          path: '(document)',
          message: `not valid YAML/JSON: ${message}`,
          fix: 'fix the syntax at the position named in the message',
        },
      ],
    };
  }
  return validateTenantSpec(data);
}

/** Validates an already-parsed object (e.g. the form's state). */
export function validateTenantSpec(data: unknown): ParseSpecResult {
  if (data === null || data === undefined || typeof data !== 'object') {
    return {
      ok: false,
      errors: [
        {
          path: '(document)',
          message: 'the spec is empty or not an object',
          fix: 'start from `version: 1` and a `tenants:` list',
        },
      ],
    };
  }
  const parsed = tenantSpecSchema.safeParse(data);
  if (parsed.success) {
    const missing = [...missingDatasourceErrors(parsed.data), ...exactlyOnePolicyForm(parsed.data.tenants)];
    if (missing.length > 0) {
      return { ok: false, errors: missing };
    }
    const spec = normalise(parsed.data);
    const errors = [
      ...checkCrossFieldRules(spec),
      ...policyErrors(spec, parsed.data.tenants),
      ...alertingErrors(spec, parsed.data.tenants),
      ...checkLogs(spec),
    ];
    return errors.length > 0 ? { ok: false, errors } : { ok: true, spec };
  }
  // One pass: with shape errors, the tenants that are well-formed still get the cross-field
  // checks, so an admin sees every fault of the spec at once instead of one round per kind.
  const shapeErrors = withoutMissingFieldsMisspelt(parsed.error.issues).flatMap((issue) => issueToErrors(issue, []));
  return { ok: false, errors: [...shapeErrors, ...crossFieldErrorsOfWellFormedTenants(data)] };
}

/**
 * A misspelt required field shows up twice (unknown `labelValue`, missing `labelValues`): keep
 * the unknown-field error, whose fix says "did you mean `labelValues`", and drop the other.
 */
function withoutMissingFieldsMisspelt(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const misspelt = new Set<string>();
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownFieldsAt(tenantSpecSchema, issue.path);
      for (const key of issue.keys) {
        const guess = closestField(key, known);
        if (guess) {
          misspelt.add(formatPath([...issue.path, guess]));
        }
      }
    }
  }
  return issues.filter(
    (issue) => !(issue.code === 'invalid_type' && issue.input === undefined && misspelt.has(formatPath(issue.path)))
  );
}

function crossFieldErrorsOfWellFormedTenants(data: object): SpecError[] {
  const raw = data as { tenants?: unknown; defaults?: unknown; label?: unknown };
  if (!Array.isArray(raw.tenants)) {
    return [];
  }
  const defaults = defaultsSchema.safeParse(raw.defaults ?? {});
  const original: number[] = [];
  const tenants: Array<z.infer<typeof tenantSchema>> = [];
  raw.tenants.forEach((t, i) => {
    const one = tenantSchema.safeParse(t);
    const hasDatasource = one.success && (one.data.datasource || (defaults.success && defaults.data.datasource));
    if (one.success && hasDatasource && exactlyOnePolicyForm([one.data]).length === 0) {
      original.push(i);
      tenants.push(one.data);
    }
  });
  if (tenants.length === 0) {
    return [];
  }
  const label = typeof raw.label === 'string' ? raw.label : 'tenant';
  const partial = normalise({
    version: 1,
    label,
    defaults: defaults.success ? defaults.data : undefined,
    tenants,
  });
  // Paths and messages name tenants by index: map the partial spec's indices back to the spec's.
  const renumber = (text: string) => text.replace(/tenants\[(\d+)\]/g, (_, k) => `tenants[${original[Number(k)]}]`);
  return [
    ...checkCrossFieldRules(partial),
    ...policyErrors(partial, tenants),
    ...alertingErrors(partial, tenants),
    ...checkLogs(partial),
  ].map((e) => ({
    ...e,
    path: renumber(e.path),
    message: renumber(e.message),
  }));
}

/** Rules that do not parse, modes that cannot carry them, rules shared between tenants (specPolicies.ts). */
function policyErrors(spec: TenantSpec, raw: Array<{ rules?: string[] }>): SpecError[] {
  return [...checkTenantPolicies(spec, raw), ...crossTenantRuleErrors(spec), ...sharedTeamPolicyErrors(spec)];
}

/** The alerting checks of every tenant (specAlerting.ts); `raw` = the tenants as parsed, same order. */
function alertingErrors(spec: TenantSpec, raw: Array<{ alerting?: z.infer<typeof alertingSchema> }>): SpecError[] {
  return spec.tenants.flatMap((t, i) =>
    checkAlerting(t.alerting, raw[i].alerting, `tenants[${i}]`, spec.label, t.labelValues)
  );
}

/**
 * The spec without write-only secrets, safe to store in the app's jsonData (readable by every org
 * member). Returns the removed secrets by `<tenant id>.basicAuthPassword` so the caller can keep
 * them in secureJsonData or send them with the next apply. A spec without a password keeps the
 * stored one (the planner reports a conflict only when none is stored).
 */
export function stripSpecSecrets(spec: TenantSpec): { spec: TenantSpec; secrets: Record<string, string> } {
  const secrets: Record<string, string> = {};
  const strip = <T extends { basicAuth?: { user: string; password?: string; passwordEnv?: string } }>(
    ds: T,
    key: string
  ): T => {
    if (!ds.basicAuth?.password) {
      return ds;
    }
    secrets[key] = ds.basicAuth.password;
    const { password: _removed, ...rest } = ds.basicAuth;
    return { ...ds, basicAuth: rest };
  };
  const tenants = spec.tenants.map((t) => ({
    ...t,
    datasource: strip(t.datasource, `${t.id}.basicAuthPassword`),
    ...(t.logs ? { logs: strip(t.logs, `${t.id}.logs.basicAuthPassword`) } : {}),
  }));
  return { spec: { ...spec, tenants }, secrets };
}

function normalise(raw: RawSpec): TenantSpec {
  const defaults = {
    memberOrgRole: raw.defaults?.memberOrgRole ?? 'Viewer',
    teamFolderPermission: raw.defaults?.teamFolderPermission ?? 'View',
    dashboards: raw.defaults?.dashboards ?? true,
  } as const;
  return {
    version: 1,
    label: raw.label,
    defaults,
    tenants: raw.tenants.map((t) => ({
      id: t.id,
      labelValues: t.labelValues ?? [],
      rules: tenantRuleTexts(raw.label, t.labelValues ?? [], t.rules),
      orgName: t.orgName,
      teams: t.teams.map((team) => ({
        ...team,
        folderPermission: team.folderPermission ?? defaults.teamFolderPermission,
      })),
      orgRoles: t.orgRoles ?? {},
      // Checked by missingDatasourceErrors before the spec is returned.
      datasource: withTenantVia((t.datasource ?? raw.defaults?.datasource)!),
      // Absent stays absent: no `logs` key at all, so specs written before logs normalise as before.
      ...logsOf(t, raw.defaults?.logs),
      dashboards: t.dashboards ?? defaults.dashboards,
      sso: t.sso ?? [],
      alerting: normaliseAlerting(raw.defaults?.alerting, t.alerting),
    })),
    sharedOrgs: (raw.sharedOrgs ?? []).map((o) => ({
      id: o.id ?? sharedOrgSlug(o.orgName),
      orgName: o.orgName,
      proxyUrl: o.proxyUrl,
      ...(o.logsProxyUrl !== undefined ? { logsProxyUrl: o.logsProxyUrl } : {}),
      dashboards: o.dashboards ?? defaults.dashboards,
      teams: o.teams.map((team) => ({
        name: team.name,
        ...(team.tenant !== undefined ? { tenant: team.tenant } : {}),
        // An unknown tenant id is reported by checkCrossFieldRules; values stay empty then.
        // A tenant with `rules` has no values to give: sharedTeamPolicyErrors refuses that reference.
        values: team.values ?? raw.tenants.find((t) => t.id === team.tenant)?.labelValues ?? [],
      })),
    })),
  };
}

const withLogs = (logs: LogsSpec | undefined): { logs?: LogsSpec } => (logs ? { logs } : {});

/**
 * A `rules:` tenant does not inherit a proxy-mode `defaults.logs`: the Loki proxy enforces one
 * label's values, so that data source could only ever answer 403 (its own `logs` is refused by
 * checkLogs instead). The plan says why the tenant has no Loki data source.
 */
function logsOf(
  t: { id: string; rules?: unknown; logs?: RawLogsSpec },
  defaults: RawLogsSpec | undefined
): Pick<TenantSpecEntry, 'logs' | 'logsDefaultsSkipped'> {
  if (t.logs === undefined && t.rules !== undefined && defaults?.mode === 'proxy') {
    return { logsDefaultsSkipped: true };
  }
  return withLogs(normaliseLogs(t.id, t.logs ?? defaults));
}

/** New specs get token mode: a proxy data source without `tenantVia` authenticates with a per-tenant token. */
function withTenantVia(ds: RawDatasourceSpec): DatasourceSpec {
  if (ds.mode === 'proxy' && (ds.tenantVia === undefined || ds.tenantVia === 'token')) {
    return { ...ds, tenantVia: 'token' };
  }
  return ds as DatasourceSpec;
}

/** `Shared Org 1` → `shared-org-1`: the default id of a shared org (uids, markers). */
export function sharedOrgSlug(orgName: string): string {
  return orgName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30)
    .replace(/-+$/, '');
}

function missingDatasourceErrors(raw: RawSpec): SpecError[] {
  if (raw.defaults?.datasource) {
    return [];
  }
  return raw.tenants.flatMap((t, i) =>
    t.datasource
      ? []
      : [
          {
            path: `tenants[${i}].datasource`,
            message: 'no data source given and no defaults.datasource',
            fix: 'add `datasource: { mode: proxy, url: ... }` (token mode) to the tenant or to `defaults`',
          },
        ]
  );
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(document)';
}

const FIX_BY_FIELD: Array<[RegExp, string]> = [
  [/^version$/, 'set `version: 1`'],
  [
    /^label$/,
    'the label your agents stamp on every series, e.g. `label: tenant` (letters, digits, _; not starting with __)',
  ],
  [/labelValues$/, 'list at least one label value, e.g. `labelValues: [team-a]`'],
  [
    /datasource(\.mode|\.tenantVia)?$/,
    'use `mode: proxy` (token mode, the default) or `mode: proxy` with `tenantVia: header` (headerName) or `tenantVia: query-param` (optional paramName), or `mode: mimir`, or `mode: mimir-lbac` (scopeOrgId)',
  ],
  [/logs(\.mode|\.tenantVia)?$/, LOGS_MODE_FIX],
  [/logs\.scopeOrgId$/, "the Loki tenant (X-Scope-OrgID) that holds only this tenant's streams, e.g. the tenant id"],
  [/logsProxyUrl$/, "the shared org's ID-token proxy in Loki mode, e.g. `http://tenancy-proxy-logs-shared:8080`"],
  [/scopeOrgId$/, "the Mimir tenant that holds every tenant's series, e.g. `scopeOrgId: anonymous`"],
  [/rules(\[\d+\])?$/, 'list selectors in quotes, e.g. `rules: [\'{tenant="acme", env="prod"}\']`'],
  [/headerName$/, 'mimir always uses `X-Scope-OrgID`; proxy header mode needs the header your proxy reads'],
  [/role$|orgRoles\.[^.]+$/, 'use one of Viewer, Editor, Admin (org) or Member, Admin (team)'],
  [/folderPermission$/, 'use one of View, Edit, Admin'],
  [/(for|interval|groupWait|groupInterval|repeatInterval)$/, 'write a duration such as `30s`, `5m` or `1h`'],
  [/threshold$|above$|below$/, 'give a plain number, e.g. `120`'],
];

const DATASOURCE_MODE_FIX = FIX_BY_FIELD.find(([re]) => re.test('datasource.mode'))![1];

const CONTACT_POINT_FIX =
  'use `type: email` (addresses), `type: webhook` (url, optional basicAuth) or `type: slack` (webhookUrl or webhookUrlEnv, optional recipient)';

/** A union branch whose discriminator (mode / tenantVia) does not match is not what the user meant. */
const wrongBranch = (issues: z.core.$ZodIssue[]) =>
  issues.some(
    (i) => i.code === 'invalid_value' && ['mode', 'tenantVia', 'type'].includes(String(i.path[i.path.length - 1]))
  );

function issueToErrors(issue: z.core.$ZodIssue, prefix: PropertyKey[]): SpecError[] {
  const full = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // Report the errors of the data source mode the user picked, not "matches no option".
    const meant = issue.errors.filter((branch) => !wrongBranch(branch));
    if (meant.length === 1) {
      return meant[0].flatMap((inner) => issueToErrors(inner, full));
    }
  }
  return [issueToError({ ...issue, path: full } as z.core.$ZodIssue)];
}

function issueToError(issue: z.core.$ZodIssue): SpecError {
  const path = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const known = knownFieldsAt(tenantSpecSchema, issue.path);
    const guesses = issue.keys.map((key) => [key, closestField(key, known)] as const).filter(([, g]) => g);
    return {
      path,
      message: `unknown field(s) ${issue.keys.join(', ')}`,
      fix:
        guesses.length > 0
          ? guesses.map(([key, guess]) => `did you mean \`${guess}\` instead of \`${key}\`?`).join(' ')
          : `remove them; the fields here are ${known.join(', ') || '(none)'}`,
      keys: [...issue.keys],
    };
  }
  if (issue.code === 'invalid_union') {
    return /contactPoints\[\d+\](\.type)?$/.test(path)
      ? { path, message: 'does not match any contact point type', fix: CONTACT_POINT_FIX }
      : /logs(\.mode)?$/.test(path)
        ? { path, message: 'does not match any logs mode', fix: LOGS_MODE_FIX }
        : { path, message: 'does not match any data source mode', fix: DATASOURCE_MODE_FIX };
  }
  const fix =
    FIX_BY_FIELD.find(([re]) => re.test(path))?.[1] ??
    (issue.code === 'invalid_type'
      ? `give a value of the expected type (${issue.expected})`
      : 'correct the value as the message says');
  const message =
    issue.code === 'invalid_type' && /received undefined/.test(issue.message)
      ? `required field is missing (expected ${issue.expected})`
      : issue.message;
  return { path, message, fix };
}
