/**
 * Pure helpers over the spec TEXT (YAML or JSON) the admin edits. Edits go through the `yaml`
 * Document API so the admin's comments and layout survive a form-driven change.
 */
import { isMap, isSeq, parseDocument, type Document } from 'yaml';

/** The text a new spec starts from; `label` is the tenant label of the app's settings. */
export function starterSpec(label = 'tenant'): string {
  return `# Tenant spec: one Grafana org per tenant, a proxy-backed Prometheus data source in each.
version: 1
label: ${label}
defaults:
  memberOrgRole: Viewer
  dashboards: true
tenants: []
`;
}

export const STARTER_SPEC = starterSpec();

export type DataSourceMode = 'proxy-token' | 'proxy-query-param' | 'proxy-header' | 'mimir' | 'mimir-lbac';

/** What the "Add tenant" form collects; strings are as typed (comma-separated lists). */
export interface TenantFormValues {
  id: string;
  labelValues: string;
  /** Label policy rules, one selector per line; when given they replace labelValues (specPolicies.ts). */
  rules: string;
  orgName: string;
  teams: Array<{ name: string; members: string }>;
  dsMode: DataSourceMode;
  url: string;
  /** Header (proxy-header), query parameter (proxy-query-param) or Mimir tenant (mimir-lbac: scopeOrgId). */
  tenantKey: string;
  dashboards: boolean;
}

const splitList = (value: string) =>
  value
    .split(/[,\n]/)
    .map((v) => v.trim())
    .filter((v) => v !== '');

/** The raw spec object for one tenant (validated by the caller with validateTenantSpec). */
export function tenantFromForm(values: TenantFormValues): Record<string, unknown> {
  const rules = values.rules
    .split('\n')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  const datasource: Record<string, unknown> =
    values.dsMode === 'mimir'
      ? { mode: 'mimir', url: values.url.trim() }
      : values.dsMode === 'mimir-lbac'
        ? { mode: 'mimir-lbac', scopeOrgId: values.tenantKey.trim(), url: values.url.trim() }
        : values.dsMode === 'proxy-token'
          ? // Token mode is what an omitted tenantVia means: the written spec stays short.
            { mode: 'proxy', url: values.url.trim() }
          : values.dsMode === 'proxy-header'
            ? { mode: 'proxy', tenantVia: 'header', headerName: values.tenantKey.trim(), url: values.url.trim() }
            : {
                mode: 'proxy',
                tenantVia: 'query-param',
                url: values.url.trim(),
                ...(values.tenantKey.trim() ? { paramName: values.tenantKey.trim() } : {}),
              };
  return {
    id: values.id.trim(),
    // Rules are split on lines only: a selector holds commas of its own.
    ...(rules.length > 0 ? { rules } : { labelValues: splitList(values.labelValues) }),
    orgName: values.orgName.trim(),
    teams: values.teams
      .filter((t) => t.name.trim() !== '' || t.members.trim() !== '')
      .map((t) => ({
        name: t.name.trim(),
        // An entry with @ is an e-mail address, anything else a login (both identify existing users).
        members: splitList(t.members).map((m) => (m.includes('@') ? { email: m } : { login: m })),
      })),
    datasource,
    dashboards: values.dashboards,
  };
}

function parseOrThrow(text: string): Document {
  const doc = parseDocument(text.trim() === '' ? STARTER_SPEC : text);
  if (doc.errors.length > 0) {
    throw new Error(
      `the spec text does not parse (${doc.errors[0].message.split('\n')[0]}); fix it in the code view before adding a tenant from the form`
    );
  }
  return doc;
}

/** Appends a tenant to the spec text; replaces a tenant with the same id. Throws on unparsable text. */
export function upsertTenantInSpecText(text: string, tenant: Record<string, unknown>): string {
  const doc = parseOrThrow(text);
  if (!isMap(doc.contents)) {
    throw new Error('the spec must be a mapping with `version` and `tenants`; start from the starter spec');
  }
  if (!doc.has('version')) {
    doc.set('version', 1);
  }
  const tenants = doc.get('tenants');
  if (!isSeq(tenants)) {
    doc.set('tenants', doc.createNode([tenant]));
  } else {
    const index = tenants.items.findIndex((item) => isMap(item) && item.get('id') === tenant.id);
    if (index >= 0) {
      tenants.set(index, doc.createNode(tenant));
    } else {
      tenants.add(doc.createNode(tenant));
    }
  }
  return doc.toString();
}

/**
 * Removes basic-auth passwords and contact point secrets before the text is stored in the app's settings jsonData (which
 * Grafana returns to every org Admin). Passwords reach Grafana only as the data source's
 * secureJsonData during apply. Returns the paths of what was removed.
 */
export function removeSpecPasswords(text: string): { text: string; removed: string[] } {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    return { text, removed: [] };
  }
  const removed: string[] = [];
  const dropKey = (full: Array<string | number>) => {
    if (doc.hasIn(full)) {
      doc.deleteIn(full);
      removed.push(
        full
          .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
          .join('')
          .slice(1)
      );
    }
  };
  const drop = (path: Array<string | number>) => dropKey([...path, 'basicAuth', 'password']);
  // Contact point secrets (specAlerting.ts): webhook basic-auth password, Slack webhook URL.
  const dropContactPointSecrets = (alerting: Array<string | number>) => {
    const list = doc.getIn([...alerting, 'contactPoints']);
    if (isSeq(list)) {
      list.items.forEach((_, j) => {
        drop([...alerting, 'contactPoints', j]);
        dropKey([...alerting, 'contactPoints', j, 'webhookUrl']);
      });
    }
  };
  drop(['defaults', 'datasource']);
  dropContactPointSecrets(['defaults', 'alerting']);
  const tenants = doc.get('tenants');
  if (isSeq(tenants)) {
    tenants.items.forEach((_, i) => {
      drop(['tenants', i, 'datasource']);
      dropContactPointSecrets(['tenants', i, 'alerting']);
    });
  }
  return removed.length === 0 ? { text, removed } : { text: doc.toString(), removed };
}
