/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
import { appendAuditEntry, AUDIT_LIMIT, readAuditLog, type AuditEntry } from '../../src/tenancy/audit';
import { renderOAuthOrgMapping } from '../../src/tenancy/oauth';
import { specFrom } from './harness';

const ds = 'datasource: { mode: mimir, url: "http://m:8080" }';

describe('renderOAuthOrgMapping', () => {
  const cases: Array<[string, string, string]> = [
    [
      'names without spaces → space-separated list',
      `    orgName: TenantA\n    sso: [{ group: team-a, role: Viewer }, { group: team-a-admins, role: Admin }]`,
      'team-a:TenantA:Viewer team-a-admins:TenantA:Admin',
    ],
    [
      'org name with a space → JSON array form',
      `    orgName: Tenant A\n    sso: [{ group: team-a, role: Editor }]`,
      '["team-a:Tenant A:Editor"]',
    ],
    [
      'colon in a group is escaped',
      `    orgName: TenantA\n    sso: [{ group: "cn=a:b", role: Viewer }]`,
      'cn=a\\:b:TenantA:Viewer',
    ],
  ];
  it.each(cases)('%s', (_name, tenantYaml, expected) => {
    const spec = specFrom(`version: 1\ntenants:\n  - id: a\n    labelValues: [a]\n    ${ds}\n${tenantYaml}\n`);
    const m = renderOAuthOrgMapping(spec);
    expect(m.orgMapping).toBe(expected);
    expect(m.iniSnippet).toContain(`org_mapping = ${expected}`);
    expect(m.iniSnippet).toContain('[auth.generic_oauth]');
  });

  it('uses org ids when given, and notes team sync and missing sso groups', () => {
    const spec = specFrom(
      `version: 1\ntenants:\n  - id: a\n    labelValues: [a]\n    orgName: Tenant A\n    ${ds}\n    sso: [{ group: g, role: Viewer }]\n    teams: [{ name: ops, externalGroup: g-ops }]\n  - id: b\n    labelValues: [b]\n    orgName: B\n    ${ds}\n`
    );
    const m = renderOAuthOrgMapping(spec, { orgIds: { a: 7 } });
    expect(m.orgMapping).toBe('g:7:Viewer');
    expect(m.teamSyncNote).toMatch(/Enterprise/);
    expect(m.teamSyncNote).toContain('Tenant A / ops ← g-ops');
    expect(m.envLine).toBe('GF_AUTH_GENERIC_OAUTH_ORG_MAPPING=g:7:Viewer');
  });

  it('warns when no tenant has sso groups', () => {
    const spec = specFrom(`version: 1\ntenants:\n  - id: a\n    labelValues: [a]\n    orgName: A\n    ${ds}\n`);
    expect(renderOAuthOrgMapping(spec).warnings.join()).toMatch(/no tenant declares/);
  });
});

describe('audit log', () => {
  const entry = (i: number): AuditEntry => ({
    at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    who: 'admin',
    prune: false,
    writes: i,
    tenants: [],
    changes: [],
    changesOmitted: 0,
  });

  it('keeps the newest AUDIT_LIMIT entries and other jsonData keys', () => {
    let jsonData: Record<string, unknown> = { spec: 'keep me' };
    for (let i = 1; i <= AUDIT_LIMIT + 7; i++) {
      jsonData = appendAuditEntry(jsonData, entry(i));
    }
    const log = readAuditLog(jsonData);
    expect(log).toHaveLength(AUDIT_LIMIT);
    expect(log[0].writes).toBe(8);
    expect(log[AUDIT_LIMIT - 1].writes).toBe(AUDIT_LIMIT + 7);
    expect(jsonData.spec).toBe('keep me');
  });

  it('bounds the changes of one entry', () => {
    const big = {
      ...entry(1),
      changes: Array.from({ length: 250 }, (_, i) => ({
        tenantId: 'a',
        kind: 'team' as const,
        action: 'create' as const,
        target: `t${i}`,
        diff: [],
      })),
    };
    const [stored] = readAuditLog(appendAuditEntry(null, big));
    expect(stored.changes).toHaveLength(200);
    expect(stored.changesOmitted).toBe(50);
  });
});
