/**
 * Renders `[auth.generic_oauth] org_mapping` from the spec so SSO users land in their tenant org.
 *
 * Syntax (Grafana pkg/login/social/connectors/org_role_mapper.go, `splitOrgMapping` /
 * `ParseOrgMappingSettings`): each entry is `<external group>:<org id or org name>:<role>`; a
 * literal ':' inside a part is written `\:`; an org part that is all digits is read as an org
 * id, anything else is looked up by name (`*` = every org). The list itself is split by
 * `util.SplitString`: on commas and white space, unless the value starts with `[`, then it is a
 * JSON array of strings — used here whenever a group or org name contains a space or comma.
 */
import type { OrgRole, TenantSpec } from './spec';

export interface OrgMappingEntry {
  tenantId: string;
  group: string;
  /** Org name, or the org id when `orgIds` names it. */
  org: string;
  role: OrgRole;
}

export interface OAuthMapping {
  entries: OrgMappingEntry[];
  /** The `org_mapping` value, ready to paste. Empty when no tenant declares `sso` groups. */
  orgMapping: string;
  /** A grafana.ini section to copy. */
  iniSnippet: string;
  /** The same setting as an environment variable line. */
  envLine: string;
  teamSyncNote: string;
  warnings: string[];
}

export interface OAuthOptions {
  /** JMESPath to the groups list in the IdP's token / userinfo (default `groups`). */
  orgAttributePath?: string;
  /** Use org ids instead of names (stable across org renames), e.g. from a plan's `orgId`s. */
  orgIds?: Record<string, number>;
}

const escapePart = (part: string) => part.replace(/:/g, '\\:');

export function renderOAuthOrgMapping(spec: TenantSpec, options: OAuthOptions = {}): OAuthMapping {
  const warnings: string[] = [];
  const entries: OrgMappingEntry[] = spec.tenants.flatMap((t) =>
    t.sso.map((g) => ({
      tenantId: t.id,
      group: g.group,
      org: options.orgIds?.[t.id] !== undefined ? String(options.orgIds[t.id]) : t.orgName,
      role: g.role,
    }))
  );
  const raw = entries.map((e) => `${escapePart(e.group)}:${escapePart(e.org)}:${e.role}`);
  const needsJson =
    entries.some((e) => /[\s,]/.test(e.group) || /[\s,]/.test(e.org)) || raw.some((r) => r.startsWith('['));
  const orgMapping = raw.length === 0 ? '' : needsJson ? JSON.stringify(raw) : raw.join(' ');
  for (const e of entries) {
    if (/[#;]/.test(e.group) || /[#;]/.test(e.org)) {
      warnings.push(
        `group "${e.group}" / org "${e.org}" contains # or ;, which an ini file may read as a comment: set the value through the environment variable instead`
      );
    }
    if (e.group === '*') {
      warnings.push(
        `tenant "${e.tenantId}": group "*" maps every SSO user into this tenant's org — that gives all users access to this tenant`
      );
    }
  }
  if (entries.length === 0) {
    warnings.push(
      'no tenant declares `sso` groups: add `sso: [{ group: <IdP group>, role: Viewer }]` to the tenants that log in through SSO'
    );
  }
  const path = options.orgAttributePath ?? 'groups';
  const iniSnippet = [
    '[auth.generic_oauth]',
    `org_attribute_path = ${path}`,
    `org_mapping = ${orgMapping}`,
    '# Users in no mapped group would land in the default org (auto_assign_org); deny them instead:',
    'role_attribute_strict = true',
  ].join('\n');
  const envLine = `GF_AUTH_GENERIC_OAUTH_ORG_MAPPING=${orgMapping.includes(' ') || orgMapping.includes('"') ? `'${orgMapping}'` : orgMapping}`;
  return { entries, orgMapping, iniSnippet, envLine, teamSyncNote: teamSyncNote(spec), warnings };
}

function teamSyncNote(spec: TenantSpec): string {
  const synced = spec.tenants.flatMap((t) =>
    t.teams.filter((team) => team.externalGroup).map((team) => `  ${t.orgName} / ${team.name} ← ${team.externalGroup}`)
  );
  const lines = [
    'Org names are resolved when a user logs in, so apply the spec before users sign in (role_attribute_strict rejects mappings to orgs that do not exist yet).',
    'Team sync (IdP group → Grafana team, `groups_attribute_path`) is a Grafana Enterprise / Cloud feature; in Grafana OSS the tenancy app provisions team members from the spec (teams[].members).',
  ];
  if (synced.length > 0) {
    lines.push('With Enterprise, add these external groups to the teams (Team → External group sync):', ...synced);
  }
  return lines.join('\n');
}
