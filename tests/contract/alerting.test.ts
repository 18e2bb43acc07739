/**
 * The fake's alerting provisioning API against our addendum schema and Grafana's statuses and
 * messages (tests/contract/ALERTING.md). One row per case: request → status (+ message), and every
 * answer must match the schema registered for its path and status.
 */
import { GrafanaAlertingApi, GrafanaApi, NO_DELAY_RETRY_POLICY } from '../../src/grafana-api';
import { alertingPortFromGrafana } from '../../src/tenancy/grafanaAlertingAdapter';
import { fakeTransport } from '../fakes/grafana-api';
import { seedContactPoint, seedPolicy, seedRule } from '../fakes/grafana-api/routes/alerting';
import { alertingContractProblems } from './alertingSchema';
import { call, must, world } from './helpers';

const P = '/api/v1/provisioning';

const rule = (over: Record<string, unknown> = {}) => ({
  uid: 'mtt-r-00000001',
  title: 'Target down',
  folderUID: 'f1',
  ruleGroup: 'g',
  condition: 'C',
  data: [
    {
      refId: 'A',
      relativeTimeRange: { from: 600, to: 0 },
      datasourceUid: 'ds1',
      model: { refId: 'A', expr: 'up', instant: true },
    },
    {
      refId: 'C',
      relativeTimeRange: { from: 0, to: 0 },
      datasourceUid: '__expr__',
      model: {
        refId: 'C',
        type: 'threshold',
        expression: 'A',
        conditions: [{ evaluator: { type: 'lt', params: [1] } }],
      },
    },
  ],
  noDataState: 'OK',
  execErrState: 'Error',
  for: '5m',
  labels: {},
  annotations: {},
  ...over,
});
const group = (rules: unknown[], interval = 60) => ({ title: 'g', folderUid: 'f1', interval, rules });

async function setup() {
  const w = await world();
  await must(w.fake, 'POST', '/api/folders', { org: w.orgId, body: { uid: 'f1', title: 'F1' } });
  await must(w.fake, 'POST', '/api/datasources', {
    org: w.orgId,
    body: { name: 'P', uid: 'ds1', type: 'prometheus', access: 'proxy', url: 'http://p:9090' },
  });
  return w;
}

type Case = [name: string, method: string, path: string, body: unknown, status: number, message?: RegExp];

const CASES: Case[] = [
  ['list rules of a fresh org', 'GET', `${P}/alert-rules`, undefined, 200],
  ['group that does not exist', 'GET', `${P}/folder/f1/rule-groups/none`, undefined, 404, /rule group does not exist/],
  ['rule by unknown uid: empty 404', 'GET', `${P}/alert-rules/nope`, undefined, 404],
  ['put a group', 'PUT', `${P}/folder/f1/rule-groups/g`, group([rule()]), 200],
  [
    'interval not a multiple of 10 s',
    'PUT',
    `${P}/folder/f1/rule-groups/g`,
    group([rule()], 15),
    400,
    /divided exactly by scheduler interval: 10/,
  ],
  [
    'condition naming no query',
    'PUT',
    `${P}/folder/f1/rule-groups/g`,
    group([rule({ condition: 'X' })]),
    400,
    /condition X does not exist/,
  ],
  [
    'query through an unknown data source',
    'PUT',
    `${P}/folder/f1/rule-groups/g`,
    group([rule({ data: [{ refId: 'C', relativeTimeRange: { from: 0, to: 0 }, datasourceUid: 'nope', model: {} }] })]),
    400,
    /data source not found/,
  ],
  [
    'rule in a folder that does not exist',
    'PUT',
    `${P}/folder/nofolder/rule-groups/g`,
    { ...group([rule()]), folderUid: 'nofolder' },
    400,
    /folder "nofolder" does not exist/,
  ],
  ['create one rule', 'POST', `${P}/alert-rules`, rule({ uid: 'r2', ruleGroup: 'g2' }), 201],
  ['update an unknown rule: empty 404', 'PUT', `${P}/alert-rules/nope`, rule(), 404],
  ['delete an unknown rule is idempotent', 'DELETE', `${P}/alert-rules/nope`, undefined, 204],
  ['list contact points', 'GET', `${P}/contact-points`, undefined, 200],
  [
    'create a webhook contact point',
    'POST',
    `${P}/contact-points`,
    { uid: 'mtt-c-1', name: 'hook', type: 'webhook', settings: { url: 'http://x', password: 'pw' } },
    202,
  ],
  ['unsupported type', 'POST', `${P}/contact-points`, { name: 'x', type: 'pager', settings: {} }, 400, /not supported/],
  [
    'webhook without url',
    'POST',
    `${P}/contact-points`,
    { name: 'x', type: 'webhook', settings: {} },
    400,
    /required settings/,
  ],
  [
    'update an unknown contact point',
    'PUT',
    `${P}/contact-points/nope`,
    { name: 'x', type: 'email', settings: { addresses: 'a@b' } },
    404,
    /not found/,
  ],
  ['read the policy tree', 'GET', `${P}/policies`, undefined, 200],
  [
    'policy naming an unknown receiver',
    'PUT',
    `${P}/policies`,
    { receiver: 'nobody' },
    400,
    /receiver 'nobody' does not exist/,
  ],
  [
    'policy to the default receiver',
    'PUT',
    `${P}/policies`,
    { receiver: 'grafana-default-email', group_by: ['alertname'] },
    202,
  ],
  ['reset the policy tree', 'DELETE', `${P}/policies`, undefined, 202],
];

describe('alerting provisioning API of the fake: statuses, messages, schema', () => {
  // Rest parameters: jest reads a 6-parameter callback with a 5-value row as taking `done`.
  it.each(CASES)('%s → %s %s', async (...row: Case) => {
    const [, method, path, body, status, message] = row;
    const { fake, orgId } = await setup();
    const res = await call(fake, method, path, { org: orgId, body });
    expect(res.status).toBe(status);
    if (message) {
      expect((res.body as { message?: string }).message).toMatch(message);
    }
    expect(alertingContractProblems(method, path, res.status, res.body)).toEqual([]);
  });

  it('needs org Admin (Editors get 403)', async () => {
    const { fake, orgId, as } = await setup();
    expect((await call(fake, 'GET', `${P}/alert-rules`, { org: orgId, auth: as('ed') })).status).toBe(403);
  });

  it('acts only in the org it is asked for: rules of one org are invisible in another', async () => {
    const { fake, orgId } = await setup();
    await must(fake, 'PUT', `${P}/folder/f1/rule-groups/g`, { org: orgId, body: group([rule()]) });
    expect(await must(fake, 'GET', `${P}/alert-rules`, { org: 1 })).toEqual([]);
  });
});

describe('provenance and replace semantics', () => {
  it('writes stamp provenance "api"; objects from files refuse changes with 409', async () => {
    const { fake, orgId } = await setup();
    await must(fake, 'PUT', `${P}/folder/f1/rule-groups/g`, { org: orgId, body: group([rule()]) });
    const [stored] = await must(fake, 'GET', `${P}/alert-rules`, { org: orgId });
    expect(stored.provenance).toBe('api');
    seedRule(fake.state, orgId, { folderUID: 'f1', ruleGroup: 'filed', title: 'From file', provenance: 'file' });
    const res = await call(fake, 'PUT', `${P}/folder/f1/rule-groups/filed`, {
      org: orgId,
      body: { ...group([]), title: 'filed' },
    });
    expect(res.status).toBe(409);
    expect(alertingContractProblems('PUT', `${P}/folder/f1/rule-groups/filed`, res.status, res.body)).toEqual([]);
    seedPolicy(fake.state, orgId, { receiver: 'grafana-default-email' }, 'file');
    expect(
      (await call(fake, 'PUT', `${P}/policies`, { org: orgId, body: { receiver: 'grafana-default-email' } })).status
    ).toBe(409);
  });

  it('a group PUT replaces the group: rules missing from the body are deleted, others are untouched', async () => {
    const { fake, orgId } = await setup();
    const other = seedRule(fake.state, orgId, { folderUID: 'f1', ruleGroup: 'other', title: 'Other' });
    await must(fake, 'PUT', `${P}/folder/f1/rule-groups/g`, {
      org: orgId,
      body: group([rule(), rule({ uid: 'mtt-r-00000002', title: 'Second' })]),
    });
    await must(fake, 'PUT', `${P}/folder/f1/rule-groups/g`, { org: orgId, body: group([rule()], 120) });
    const got = await must(fake, 'GET', `${P}/folder/f1/rule-groups/g`, { org: orgId });
    expect(got.interval).toBe(120);
    expect(got.rules.map((r: { title: string }) => r.title)).toEqual(['Target down']);
    expect((await must(fake, 'GET', `${P}/alert-rules/${other.uid}`, { org: orgId })).title).toBe('Other');
  });

  it('a rule uid of another group is refused (the planner reports moved rules as conflicts)', async () => {
    const { fake, orgId } = await setup();
    await must(fake, 'PUT', `${P}/folder/f1/rule-groups/g`, { org: orgId, body: group([rule()]) });
    const res = await call(fake, 'PUT', `${P}/folder/f1/rule-groups/h`, {
      org: orgId,
      body: { ...group([rule()]), title: 'h' },
    });
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(/belongs to group "g"/);
  });
});

describe('contact point secrets', () => {
  it('are returned as [REDACTED]; [REDACTED] on update keeps the stored value; deleting one in use is 409', async () => {
    const { fake, orgId } = await setup();
    await must(fake, 'POST', `${P}/contact-points`, {
      org: orgId,
      body: { uid: 'c1', name: 'chat', type: 'slack', settings: { url: 'https://hooks/secret', recipient: '#a' } },
    });
    const [chat] = await must(fake, 'GET', `${P}/contact-points`, { org: orgId });
    expect(chat.settings).toEqual({ recipient: '#a', url: '[REDACTED]' });
    await must(fake, 'PUT', `${P}/contact-points/c1`, {
      org: orgId,
      body: { name: 'chat', type: 'slack', settings: { url: '[REDACTED]', recipient: '#b' } },
    });
    const row = (await import('../fakes/grafana-api/alertingState'))
      .alertingOf(fake.state, orgId)
      .contactPoints.find((c) => c.uid === 'c1')!;
    expect(row.secure.url).toBe('https://hooks/secret');
    expect(row.settings.recipient).toBe('#b');
    await must(fake, 'PUT', `${P}/policies`, { org: orgId, body: { receiver: 'chat' } });
    const del = await call(fake, 'DELETE', `${P}/contact-points/c1`, { org: orgId });
    expect(del.status).toBe(409);
    expect(JSON.stringify(del.body)).toMatch(/currently used by a notification policy/);
    expect(alertingContractProblems('DELETE', `${P}/contact-points/c1`, del.status, del.body)).toEqual([]);
  });

  it('seeded UI objects carry no provenance', async () => {
    const { fake, orgId } = await setup();
    seedContactPoint(fake.state, orgId, { name: 'ui', type: 'email', settings: { addresses: 'a@b' }, provenance: '' });
    const list = await must(fake, 'GET', `${P}/contact-points`, { org: orgId });
    expect(list.find((c: { name: string }) => c.name === 'ui').provenance).toBeUndefined();
  });
});

describe('typed client and adapter over the fake', () => {
  it('maps a missing group to undefined and sends the org per call', async () => {
    const { fake, orgId } = await setup();
    const client = new GrafanaApi(fakeTransport(fake), NO_DELAY_RETRY_POLICY);
    const port = alertingPortFromGrafana(client);
    expect(await port.getRuleGroup(orgId, 'f1', 'none')).toBeUndefined();
    await port.putRuleGroup(orgId, 'f1', 'g', group([rule()]) as never);
    expect((await new GrafanaAlertingApi(client).getRuleGroup(orgId, 'f1', 'g')).rules).toHaveLength(1);
    expect(await port.listAlertRules(1)).toEqual([]);
  });
});
