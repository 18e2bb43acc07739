/**
 * Alerting fixtures for the tenancy tests: a spec with alerting on (every contact point type,
 * a policy, bundled rules with an override, a custom group) and a fingerprint of every org's
 * alerting objects by names (Grafana's own default contact point has a random uid, so unmanaged
 * objects are fingerprinted without theirs).
 */
import { GrafanaAlertingApi } from '../../src/grafana-api';
import type { Env } from './harness';

export const ALERTING_SPEC_YAML = `
version: 1
defaults:
  datasource: { mode: proxy, tenantVia: header, headerName: X-Tenant, url: "http://proxy:9090" }
  alerting:
    contactPoints:
      - { name: ops-hook, type: webhook, url: "http://sink:8080/hook", basicAuth: { user: grafana, password: hook-secret } }
    policy: { groupBy: [alertname, cluster], repeatInterval: 12h }
tenants:
  - id: a
    labelValues: [a]
    orgName: Tenant A
    teams: [{ name: ops, members: [{ login: alice }] }]
    alerting:
      contactPoints:
        - { name: ops-mail, type: email, addresses: [ops@a.example, oncall@a.example] }
        - { name: ops-hook, type: webhook, url: "http://sink:8080/a" }
        - { name: ops-chat, type: slack, webhookUrl: "https://hooks.slack.example/T0/B0/secret", recipient: "#a-alerts" }
      policy: { receiver: ops-chat }
      bundledRules:
        targetDown: { for: 10m }
        ingestionHigh: { threshold: 20000 }
        seriesGrowth: { enabled: false }
      ruleGroups:
        - name: api
          interval: 30s
          rules:
            - title: API 5xx ratio
              expr: sum by (cluster) (rate(http_requests_total{code="500"}[5m])) / sum by (cluster) (rate(http_requests_total[5m]))
              above: 0.05
              for: 5m
              labels: { severity: warning }
              annotations: { summary: "5xx above 5 % in {{ $labels.cluster }}" }
  - id: b
    labelValues: [b]
    orgName: Tenant B
`;

export async function alertingFingerprint(env: Env): Promise<string> {
  const alerting = new GrafanaAlertingApi(env.client);
  const out: unknown[] = [];
  for (const org of (await env.client.listOrgs()).sort((x, y) => x.name.localeCompare(y.name))) {
    const rules = (await alerting.listAlertRules(org.id))
      .map((r) => ({
        uid: r.uid.startsWith('mtt-') ? r.uid : '(ui)',
        title: r.title,
        group: r.ruleGroup,
        folder: r.folderUID,
        for: r.for,
        data: r.data,
        labels: r.labels,
        provenance: r.provenance,
      }))
      .sort((x, y) => x.title.localeCompare(y.title));
    const groups = [];
    for (const key of new Set(rules.map((r) => `${r.folder}\u0000${r.group}`))) {
      const [folder, group] = key.split('\u0000');
      groups.push({ folder, group, interval: (await alerting.getRuleGroup(org.id, folder, group)).interval });
    }
    const contactPoints = (await alerting.listContactPoints(org.id)).map((c) => ({
      ...c,
      uid: c.uid.startsWith('mtt-') ? c.uid : '(ui)',
    }));
    out.push({ org: org.name, rules, groups, contactPoints, policy: await alerting.getPolicyTree(org.id) });
  }
  return JSON.stringify(out, null, 1);
}
