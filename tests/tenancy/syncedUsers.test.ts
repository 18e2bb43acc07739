/** @jest-environment-options {"customExportConditions": ["node", "require", "default"]} */
/**
 * Externally synced users (issue #20 item 2). A user who signs in through OAuth/LDAP/SAML with org
 * role sync has the role the identity provider maps; Grafana refuses to change it:
 * `PATCH /api/orgs/:orgId/users/:userId` → 403 errutil `org.externallySynced`, "cannot change role
 * for externally synced user" (`updateOrgUserHelper`, pkg/api/org_users.go; the error is
 * `ErrCannotChangeRoleForExternallySyncedUser` in pkg/services/org/model.go). The org users list
 * says which users are synced (`isExternallySynced`, `authLabels`; `searchOrgUsersHelper`).
 */
import { applyPlan } from '../../src/tenancy/apply';
import { call } from '../contract/helpers';
import { newEnv, plan, planAndApply, SPEC_YAML, specFrom, type Env } from './harness';

const spec = specFrom(SPEC_YAML);

async function orgId(env: Env, name: string): Promise<number> {
  return (await env.client.listOrgs()).find((o) => o.name === name)!.id;
}

/** What an IdP login does: mark the user synced and set the role its org_mapping gives. */
function syncFromIdp(env: Env, login: string, org: number, role?: 'Viewer' | 'Editor' | 'Admin') {
  const user = env.fake.state.userByLoginOrEmail(login)!;
  user.authModule = 'oauth_generic_oauth';
  if (role) {
    env.fake.state.membership(org, user.id)!.role = role;
  }
}

describe('externally synced users', () => {
  it('externally synced: the fake answers like Grafana 12 (list marks the user, PATCH of the role is a 403 org.externallySynced)', async () => {
    const env = newEnv();
    await planAndApply(env, spec);
    const a = await orgId(env, 'Tenant A');
    syncFromIdp(env, 'carol', a);
    const carol = (await env.client.listOrgUsers(a)).find((u) => u.login === 'carol')!;
    expect(carol).toMatchObject({ isExternallySynced: true, authLabels: ['Generic OAuth'] });
    const res = await call(env.fake, 'PATCH', `/api/orgs/${a}/users/${carol.userId}`, { body: { role: 'Editor' } });
    expect(res).toEqual({
      status: 403,
      body: {
        message: 'cannot change role for externally synced user',
        messageId: 'org.externallySynced',
        statusCode: 403,
      },
    });
  });

  it('externally synced: the plan never proposes the role change Grafana refuses; it names the IdP and the org_mapping', async () => {
    const env = newEnv();
    await planAndApply(env, spec);
    const a = await orgId(env, 'Tenant A');
    // carol is a Viewer in the spec; the IdP's mapping made her Editor.
    syncFromIdp(env, 'carol', a, 'Editor');

    const p = await plan(env, spec);
    const tenantA = p.tenants.find((t) => t.tenantId === 'a')!;
    const carolStep = tenantA.steps.find((s) => s.target === 'user "carol"')!;
    expect(carolStep).toMatchObject({ kind: 'org-user', action: 'unchanged', op: null });
    expect(carolStep.message).toMatch(
      /role managed by your identity provider \(Generic OAuth\): Grafana keeps Editor, the spec asks for Viewer/
    );
    expect(carolStep.message).toMatch(/org_mapping/);
    expect(tenantA.warnings.join('\n')).toMatch(/"carol": role managed by your identity provider/);
    expect(p.summary).toMatchObject({ create: 0, update: 0, conflict: 0 });

    env.fake.resetLog();
    const result = await applyPlan(env.api, p, { retry: false });
    expect(result.tenants.a).toEqual({ state: 'done', writes: 0 });
    expect(env.fake.counts().writes).toBe(0);
  });

  it('externally synced: a 403 org.externallySynced during apply is reported as IdP-managed, not as a missing Server Admin', async () => {
    const env = newEnv();
    await planAndApply(env, spec);
    const a = await orgId(env, 'Tenant A');
    env.fake.state.membership(a, env.fake.state.userByLoginOrEmail('alice')!.id)!.role = 'Viewer';
    const p = await plan(env, spec);
    // alice signs in through SSO between plan and apply.
    syncFromIdp(env, 'alice', a);

    const result = await applyPlan(env.api, p, { retry: false });
    const status = result.tenants.a;
    expect(status.state).toBe('failed');
    if (status.state === 'failed') {
      expect(status.error).toMatch(/managed by your identity provider/);
      expect(status.fix).toMatch(/org_mapping/);
      expect(status.fix).not.toMatch(/apply as a Grafana Server Admin/);
    }
    // The next plan knows: no role change proposed, tenant converged.
    const again = await plan(env, spec);
    expect(
      again.tenants.find((t) => t.tenantId === 'a')!.steps.filter((s) => s.op !== null && s.action !== 'unchanged')
    ).toEqual([]);
  });
});
