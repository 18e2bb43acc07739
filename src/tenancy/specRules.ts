/**
 * Cross-field rules of the tenant spec that a per-field schema cannot express. Every rule exists
 * because breaking it either leaks data between tenants or makes Grafana reject a write halfway.
 */
import {
  GRAFANA_UID_MAX,
  HEADER_NAME_PATTERN,
  logsWrapperUid,
  TENANT_ID_PATTERN,
  wrapperDatasourceUid,
} from './naming';
import type { SpecError, TenantSpec } from './spec';

export function checkCrossFieldRules(spec: TenantSpec): SpecError[] {
  const errors: SpecError[] = [];
  const push = (path: string, message: string, fix: string) => errors.push({ path, message, fix });

  const idOwner = new Map<string, number>();
  const orgOwner = new Map<string, number>();
  const valueOwner = new Map<string, number>();

  spec.tenants.forEach((tenant, i) => {
    const at = `tenants[${i}]`;
    if (!TENANT_ID_PATTERN.test(tenant.id)) {
      push(
        `${at}.id`,
        `"${tenant.id}" is not a slug of 1-30 lower-case letters, digits and inner dashes`,
        'use e.g. `team-a`: it becomes part of Grafana uids (max 40 chars)'
      );
    }
    firstSeen(idOwner, tenant.id, i, (j) =>
      push(`${at}.id`, `tenant id "${tenant.id}" is also used by tenants[${j}]`, 'give every tenant a unique id')
    );

    // Grafana org names are unique server-wide; compare case-insensitively because the database may.
    firstSeen(orgOwner, tenant.orgName.toLowerCase(), i, (j) =>
      push(
        `${at}.orgName`,
        `org name "${tenant.orgName}" is also used by tenants[${j}]`,
        'one org per tenant: choose a different orgName'
      )
    );
    if (/^\d+$/.test(tenant.orgName)) {
      // org_mapping reads an all-digit org as an org id (pkg/login/social/connectors/org_role_mapper.go).
      push(
        `${at}.orgName`,
        `org name "${tenant.orgName}" is all digits; SSO org_mapping would read it as an org id`,
        'add a letter, e.g. `tenant ' + tenant.orgName + '`'
      );
    }

    const seenValues = new Set<string>();
    tenant.labelValues.forEach((value, k) => {
      if (seenValues.has(value)) {
        push(`${at}.labelValues[${k}]`, `label value "${value}" is listed twice`, 'remove the duplicate');
      }
      seenValues.add(value);
      firstSeen(valueOwner, value, i, (j) =>
        push(
          `${at}.labelValues`,
          `label value "${value}" also belongs to tenants[${j}]: both tenants would see each other's series`,
          'give each label value to exactly one tenant'
        )
      );
    });

    checkDatasource(tenant, at, push);
    checkTeams(tenant, at, push);

    for (const key of Object.keys(tenant.orgRoles)) {
      if (key.trim() === '') {
        push(`${at}.orgRoles`, 'an empty user key', 'use the login or email of an existing Grafana user');
      }
    }
    const groups = new Set<string>();
    tenant.sso.forEach((g, k) => {
      if (groups.has(g.group)) {
        push(
          `${at}.sso[${k}].group`,
          `group "${g.group}" is mapped twice in this tenant`,
          'keep one entry per group (the highest role wins in Grafana anyway)'
        );
      }
      groups.add(g.group);
    });
  });
  checkSharedOrgs(spec, idOwner, orgOwner, push);
  return errors;
}

type Push = (path: string, message: string, fix: string) => void;

function checkDatasource(tenant: TenantSpec['tenants'][number], at: string, push: Push) {
  const ds = tenant.datasource;
  const path = `${at}.datasource`;
  let url: URL | undefined;
  try {
    url = new URL(ds.url);
  } catch {
    push(`${path}.url`, `"${ds.url}" is not an absolute URL`, 'use e.g. `http://prom-label-proxy:8080`');
  }
  if (url && url.protocol !== 'http:' && url.protocol !== 'https:') {
    push(`${path}.url`, `scheme ${url.protocol} is not http or https`, 'use an http:// or https:// URL');
  }
  if (ds.mode === 'proxy' && ds.tenantVia === 'header') {
    if (!HEADER_NAME_PATTERN.test(ds.headerName)) {
      push(
        `${path}.headerName`,
        `"${ds.headerName}" is not a valid HTTP header name`,
        'use letters, digits and dashes, e.g. `X-Tenant`'
      );
    }
    if (/^(authorization|cookie|host|content-length)$/i.test(ds.headerName)) {
      push(
        `${path}.headerName`,
        `"${ds.headerName}" is reserved by HTTP/Grafana`,
        'use a dedicated header such as `X-Tenant`'
      );
    }
    // prom-label-proxy -header-uses-list-syntax splits one header line on ','.
    tenant.labelValues.forEach((v, k) => {
      if (v.includes(',')) {
        push(
          `${at}.labelValues[${k}]`,
          `"${v}" contains ',' which separates values in the tenant header`,
          'remove the comma from the label value'
        );
      }
    });
  }
  if (ds.mode === 'proxy' && ds.tenantVia === 'query-param') {
    const param = ds.paramName ?? 'tenant';
    if (!/^[A-Za-z0-9_.-]+$/.test(param)) {
      push(
        `${path}.paramName`,
        `"${param}" is not a plain query parameter name`,
        'use letters, digits, `_`, `.` or `-`'
      );
    }
    if (url && url.searchParams.has(param)) {
      push(
        `${path}.url`,
        `the URL already carries "${param}=": the tenant would be fixed by the URL, not the spec`,
        `remove ?${param}=... from the URL`
      );
    }
  }
  if (ds.mode === 'mimir') {
    // Mimir tenant federation joins several tenant ids with '|'.
    tenant.labelValues.forEach((v, k) => {
      if (v.includes('|')) {
        push(
          `${at}.labelValues[${k}]`,
          `"${v}" contains '|' which separates tenants in X-Scope-OrgID`,
          'remove the | from the tenant id'
        );
      }
    });
  }
  if (ds.mode === 'proxy' && ds.tenantVia === 'token' && ds.basicAuth) {
    push(
      `${path}.basicAuth`,
      'token mode sends `Authorization: Bearer <token>`, which basic auth would replace',
      'remove basicAuth (the tenant token authenticates Grafana to the proxy), or use `tenantVia: header`'
    );
  }
  if (ds.basicAuth?.password && ds.basicAuth.passwordEnv) {
    push(`${path}.basicAuth`, 'both password and passwordEnv are set', 'keep one: password (UI) or passwordEnv (CLI)');
  }
}

function checkTeams(tenant: TenantSpec['tenants'][number], at: string, push: Push) {
  const names = new Map<string, number>();
  tenant.teams.forEach((team, t) => {
    const tp = `${at}.teams[${t}]`;
    firstSeen(names, team.name.toLowerCase(), t, (j) =>
      push(
        `${tp}.name`,
        `team "${team.name}" is also defined as teams[${j}]`,
        'team names are unique per org: merge the two teams or rename one'
      )
    );
    const members = new Set<string>();
    team.members.forEach((m, k) => {
      const mp = `${tp}.members[${k}]`;
      if ((m.login === undefined) === (m.email === undefined)) {
        push(
          mp,
          'a member needs exactly one of login or email',
          'write `{ login: alice }` or `{ email: alice@example.com }`'
        );
        return;
      }
      const key = (m.login ?? m.email ?? '').toLowerCase();
      if (members.has(key)) {
        push(mp, `"${key}" is listed twice in this team`, 'remove the duplicate');
      }
      members.add(key);
    });
  });
}

function firstSeen<K>(owner: Map<K, number>, key: K, index: number, onDuplicate: (first: number) => void) {
  const first = owner.get(key);
  if (first !== undefined && first !== index) {
    onDuplicate(first);
  } else if (first === undefined) {
    owner.set(key, index);
  }
}

/**
 * Shared orgs: ids and org names must not clash with tenants (both become org markers and uids),
 * every team names a known tenant or explicit values, never both.
 */
function checkSharedOrgs(
  spec: TenantSpec,
  tenantIds: Map<string, number>,
  tenantOrgs: Map<string, number>,
  push: Push
) {
  const ids = new Map<string, number>();
  const orgs = new Map<string, number>();
  spec.sharedOrgs.forEach((shared, i) => {
    const at = `sharedOrgs[${i}]`;
    if (!TENANT_ID_PATTERN.test(shared.id)) {
      push(
        `${at}.id`,
        `"${shared.id}" is not a slug of 1-30 lower-case letters, digits and inner dashes`,
        'set `id:` explicitly, e.g. `id: shared` (it becomes part of Grafana uids)'
      );
    }
    // Slugs of up to 30 characters fit the tenant uids (`mtt-<id>-prom`), not the longer wrapper uids.
    const wrapperUids = [wrapperDatasourceUid(shared.id), ...(shared.logsProxyUrl ? [logsWrapperUid(shared.id)] : [])];
    const longest = wrapperUids.reduce((a, b) => (b.length > a.length ? b : a));
    if (longest.length > GRAFANA_UID_MAX) {
      push(
        `${at}.id`,
        `the wrapper data source's uid "${longest}" would be longer than Grafana's ${GRAFANA_UID_MAX} characters`,
        `set a shorter \`id:\` (at most ${GRAFANA_UID_MAX - (longest.length - shared.id.length)} characters)`
      );
    }
    if (tenantIds.has(shared.id)) {
      push(`${at}.id`, `id "${shared.id}" is also a tenant id`, 'give the shared org another `id:`');
    }
    firstSeen(ids, shared.id, i, (j) =>
      push(`${at}.id`, `id "${shared.id}" is also used by sharedOrgs[${j}]`, 'give every shared org a unique id')
    );
    const orgKey = shared.orgName.toLowerCase();
    if (tenantOrgs.has(orgKey)) {
      push(
        `${at}.orgName`,
        `org "${shared.orgName}" is also a tenant's org`,
        "a shared org is not a tenant org: choose another orgName (a tenant's own org needs no team mapping)"
      );
    }
    firstSeen(orgs, orgKey, i, (j) =>
      push(`${at}.orgName`, `org "${shared.orgName}" is also used by sharedOrgs[${j}]`, 'one entry per shared org')
    );
    let url: URL | undefined;
    try {
      url = new URL(shared.proxyUrl);
    } catch {
      push(
        `${at}.proxyUrl`,
        `"${shared.proxyUrl}" is not an absolute URL`,
        'use e.g. `http://tenancy-proxy-shared:8080`'
      );
    }
    if (url && url.protocol !== 'http:' && url.protocol !== 'https:') {
      push(`${at}.proxyUrl`, `scheme ${url.protocol} is not http or https`, 'use an http:// or https:// URL');
    }
    const names = new Map<string, number>();
    shared.teams.forEach((team, t) => {
      const tp = `${at}.teams[${t}]`;
      firstSeen(names, team.name.toLowerCase(), t, (j) =>
        push(`${tp}.name`, `team "${team.name}" is also defined as teams[${j}]`, 'team names are unique per org')
      );
      const raw = team as { tenant?: string; values: string[] };
      if (raw.tenant !== undefined && !spec.tenants.some((x) => x.id === raw.tenant)) {
        push(
          `${tp}.tenant`,
          `no tenant has the id "${raw.tenant}"`,
          'use the id of a tenant of this spec, or `values: [...]`'
        );
      }
      if (team.values.length === 0 && raw.tenant === undefined) {
        push(
          `${tp}`,
          'the team names neither `tenant` nor `values`',
          'add `tenant: <tenant id>` or `values: [v1, ...]`'
        );
      }
    });
  });
}
