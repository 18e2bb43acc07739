/**
 * The `alerting` section of the tenant spec (`defaults.alerting` and per tenant `alerting`):
 * contact points, the org's default notification policy, the bundled rules and custom rule
 * groups. Schema, normalisation (tenant values over defaults) and the checks a schema cannot
 * express (names that must match, PromQL that must parse — checked with the engine).
 *
 * Secrets (webhook password, Slack webhook URL / token) are write-only like the data source
 * password: given inline (admin page) or as `…Env` (CLI reads the environment), never read back.
 */
import { z } from 'zod';
import { createEnforcer, EnforceError, enforceQuery } from '../promql';
import {
  BUNDLED_GROUP_NAME,
  BUNDLED_RULE_IDS,
  bundledRule,
  type BundledRuleId,
  type ThresholdOp,
} from './bundledRules';
import type { SpecError } from './spec';

const nonEmpty = z.string().trim().min(1);
/** Prometheus duration as Grafana accepts it for `for` and policy timings, e.g. `30s`, `5m`, `1h30m`. */
export const DURATION_PATTERN = /^(\d+(ms|s|m|h|d|w|y))+$/;
const duration = z.string().regex(DURATION_PATTERN, 'not a duration like 30s, 5m or 1h');
const secretValue = z.string().min(1);

const emailSchema = z
  .object({
    name: nonEmpty,
    type: z.literal('email'),
    addresses: z.array(nonEmpty).min(1),
    subject: z.string().optional(),
  })
  .strict();
const webhookSchema = z
  .object({
    name: nonEmpty,
    type: z.literal('webhook'),
    url: nonEmpty,
    httpMethod: z.enum(['POST', 'PUT']).optional(),
    basicAuth: z
      .object({ user: nonEmpty, password: secretValue.optional(), passwordEnv: nonEmpty.optional() })
      .strict()
      .optional(),
  })
  .strict();
const slackSchema = z
  .object({
    name: nonEmpty,
    type: z.literal('slack'),
    /** Incoming-webhook URL: a secret (it alone lets anyone post to the channel). */
    webhookUrl: secretValue.optional(),
    webhookUrlEnv: nonEmpty.optional(),
    recipient: nonEmpty.optional(),
  })
  .strict();
const contactPointSchema = z.discriminatedUnion('type', [emailSchema, webhookSchema, slackSchema]);

const policySchema = z
  .object({
    receiver: nonEmpty.optional(),
    groupBy: z.array(nonEmpty).optional(),
    groupWait: duration.optional(),
    groupInterval: duration.optional(),
    repeatInterval: duration.optional(),
  })
  .strict();

const bundledRuleSchema = z
  .object({ enabled: z.boolean().optional(), threshold: z.number().optional(), for: duration.optional() })
  .strict();
const bundledRulesSchema = z
  .object(
    Object.fromEntries(BUNDLED_RULE_IDS.map((id) => [id, bundledRuleSchema.optional()])) as Record<
      BundledRuleId,
      z.ZodOptional<typeof bundledRuleSchema>
    >
  )
  .strict();

const customRuleSchema = z
  .object({
    title: nonEmpty,
    expr: nonEmpty,
    /** Fires for each series whose value is above (or below) the number. */
    above: z.number().optional(),
    below: z.number().optional(),
    for: duration.optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .strict();
const ruleGroupSchema = z
  .object({ name: nonEmpty, interval: duration.optional(), rules: z.array(customRuleSchema).min(1) })
  .strict();

export const alertingSchema = z
  .object({
    enabled: z.boolean().optional(),
    contactPoints: z.array(contactPointSchema).optional(),
    policy: policySchema.optional(),
    bundledRules: bundledRulesSchema.optional(),
    ruleGroups: z.array(ruleGroupSchema).optional(),
  })
  .strict();
export type RawAlertingSpec = z.infer<typeof alertingSchema>;

/** A secret field: the value (admin page, or the CLI after reading `env`), or only the env name. */
export interface SecretRef {
  value?: string;
  env?: string;
}

export interface ContactPointSpec {
  name: string;
  type: 'email' | 'webhook' | 'slack';
  /** Non-secret settings exactly as Grafana stores them. */
  settings: Record<string, unknown>;
  /** Grafana secure-setting key → where its value comes from. */
  secrets: Record<string, SecretRef>;
}

export interface PolicySpec {
  receiver: string;
  groupBy: string[];
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
}

export interface BundledRuleSpec {
  enabled: boolean;
  threshold: number;
  for: string;
}

export interface CustomRuleSpec {
  title: string;
  expr: string;
  op: ThresholdOp;
  threshold: number;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroupSpec {
  name: string;
  intervalSeconds: number;
  rules: CustomRuleSpec[];
}

export interface AlertingSpec {
  enabled: boolean;
  contactPoints: ContactPointSpec[];
  /** Undefined when the spec declares no contact point: the org's policy tree is left alone. */
  policy?: PolicySpec;
  bundledRules: Record<BundledRuleId, BundledRuleSpec>;
  ruleGroups: RuleGroupSpec[];
}

/** Grafana's defaults for a new org's root policy timings (Alertmanager defaults). */
export const POLICY_DEFAULTS = {
  groupBy: ['grafana_folder', 'alertname'],
  groupWait: '30s',
  groupInterval: '5m',
  repeatInterval: '4h',
};

/** Tenant values win over defaults field by field; bundled rules merge per rule. */
export function normaliseAlerting(
  defaults: RawAlertingSpec | undefined,
  own: RawAlertingSpec | undefined
): AlertingSpec {
  const enabled = own?.enabled ?? defaults?.enabled ?? (own !== undefined || defaults !== undefined);
  const contactPoints = (own?.contactPoints ?? defaults?.contactPoints ?? []).map(normaliseContactPoint);
  const policyRaw = { ...(defaults?.policy ?? {}), ...(own?.policy ?? {}) };
  const policy: PolicySpec | undefined =
    contactPoints.length === 0
      ? undefined
      : {
          receiver: policyRaw.receiver ?? contactPoints[0].name,
          groupBy: policyRaw.groupBy ?? POLICY_DEFAULTS.groupBy,
          groupWait: policyRaw.groupWait ?? POLICY_DEFAULTS.groupWait,
          groupInterval: policyRaw.groupInterval ?? POLICY_DEFAULTS.groupInterval,
          repeatInterval: policyRaw.repeatInterval ?? POLICY_DEFAULTS.repeatInterval,
        };
  const bundledRules = Object.fromEntries(
    BUNDLED_RULE_IDS.map((id) => {
      const def = bundledRule(id);
      const merged = { ...(defaults?.bundledRules?.[id] ?? {}), ...(own?.bundledRules?.[id] ?? {}) };
      return [
        id,
        {
          enabled: merged.enabled ?? true,
          threshold: merged.threshold ?? def.defaultThreshold,
          for: merged.for ?? def.defaultFor,
        },
      ];
    })
  ) as Record<BundledRuleId, BundledRuleSpec>;
  const ruleGroups = (own?.ruleGroups ?? []).map((g) => ({
    name: g.name,
    intervalSeconds: durationSeconds(g.interval ?? '1m'),
    rules: g.rules.map((r) => ({
      title: r.title,
      expr: r.expr,
      op: (r.below !== undefined && r.above === undefined ? 'lt' : 'gt') as ThresholdOp,
      threshold: r.above ?? r.below ?? 0,
      for: r.for ?? '5m',
      labels: r.labels ?? {},
      annotations: r.annotations ?? {},
    })),
  }));
  return { enabled, contactPoints, policy, bundledRules, ruleGroups };
}

function normaliseContactPoint(cp: z.infer<typeof contactPointSchema>): ContactPointSpec {
  switch (cp.type) {
    case 'email':
      // Grafana's email integration takes one string, addresses separated by ';'.
      return {
        name: cp.name,
        type: 'email',
        settings: {
          addresses: cp.addresses.join(';'),
          singleEmail: false,
          ...(cp.subject ? { subject: cp.subject } : {}),
        },
        secrets: {},
      };
    case 'webhook':
      return {
        name: cp.name,
        type: 'webhook',
        settings: {
          url: cp.url,
          httpMethod: cp.httpMethod ?? 'POST',
          ...(cp.basicAuth ? { username: cp.basicAuth.user } : {}),
        },
        secrets: cp.basicAuth ? { password: { value: cp.basicAuth.password, env: cp.basicAuth.passwordEnv } } : {},
      };
    case 'slack':
      return {
        name: cp.name,
        type: 'slack',
        settings: cp.recipient ? { recipient: cp.recipient } : {},
        secrets: { url: { value: cp.webhookUrl, env: cp.webhookUrlEnv } },
      };
  }
}

/** Seconds of a Prometheus duration (validated by DURATION_PATTERN first). */
export function durationSeconds(text: string): number {
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  let total = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) {
    total += Number(m[1]) * unit[m[2]];
  }
  return total;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Checks of one tenant's normalised alerting section. `raw` is the tenant's own section (for the
 * above/below rule), `label`/`values` build the engine that checks every expression.
 */
export function checkAlerting(
  alerting: AlertingSpec,
  raw: RawAlertingSpec | undefined,
  at: string,
  label: string,
  values: string[]
): SpecError[] {
  const errors: SpecError[] = [];
  const push = (path: string, message: string, fix: string) => errors.push({ path, message, fix });
  const path = `${at}.alerting`;

  const names = new Set<string>();
  alerting.contactPoints.forEach((cp, i) => {
    const p = `${path}.contactPoints[${i}]`;
    if (names.has(cp.name)) {
      push(`${p}.name`, `contact point "${cp.name}" is declared twice`, 'give every contact point a unique name');
    }
    names.add(cp.name);
    for (const [key, ref] of Object.entries(cp.secrets)) {
      if (ref.value !== undefined && ref.env !== undefined) {
        push(
          p,
          `both the ${key} secret and its …Env variable are set`,
          'keep one: the value (admin page) or the Env name (CLI)'
        );
      }
    }
    if (cp.type === 'webhook') {
      checkUrl(String(cp.settings.url), `${p}.url`, push);
    }
  });
  if (alerting.policy && !names.has(alerting.policy.receiver)) {
    push(
      `${path}.policy.receiver`,
      `receiver "${alerting.policy.receiver}" is not one of this tenant's contact points (${[...names].join(', ')})`,
      'name a contact point declared in `alerting.contactPoints`'
    );
  }
  if (raw?.policy && alerting.contactPoints.length === 0) {
    push(
      `${path}.policy`,
      'a notification policy needs at least one contact point',
      'add `alerting.contactPoints` or remove `policy`'
    );
  }

  let enforcer;
  try {
    enforcer = createEnforcer({ label, values });
  } catch {
    enforcer = undefined; // the label/values errors are reported by the cross-field rules
  }
  const groups = new Set<string>([BUNDLED_GROUP_NAME]);
  const titles = new Set<string>(BUNDLED_RULE_IDS.map((id) => bundledRule(id).title.toLowerCase()));
  alerting.ruleGroups.forEach((g, gi) => {
    const gp = `${path}.ruleGroups[${gi}]`;
    if (groups.has(g.name)) {
      push(
        `${gp}.name`,
        g.name === BUNDLED_GROUP_NAME
          ? `"${g.name}" is the bundled rules' group`
          : `rule group "${g.name}" is declared twice`,
        'give every rule group its own name'
      );
    }
    groups.add(g.name);
    // Grafana evaluates groups on a 10 s base interval (ngalert `base_interval`): others are refused.
    if (g.intervalSeconds <= 0 || g.intervalSeconds % 10 !== 0) {
      push(
        `${gp}.interval`,
        `interval of ${g.intervalSeconds}s is not a positive multiple of 10s`,
        'use e.g. `1m` or `30s`'
      );
    }
    g.rules.forEach((r, ri) => {
      const rp = `${gp}.rules[${ri}]`;
      const rawRule = raw?.ruleGroups?.[gi]?.rules[ri];
      if (rawRule && (rawRule.above === undefined) === (rawRule.below === undefined)) {
        push(
          rp,
          'a rule needs exactly one of `above` or `below`',
          'write e.g. `above: 0.05` (fires while the value is greater) or `below: 1`'
        );
      }
      if (titles.has(r.title.toLowerCase())) {
        push(
          `${rp}.title`,
          `rule title "${r.title}" is used twice in the tenant folder`,
          'Grafana wants rule titles unique per folder: rename one'
        );
      }
      titles.add(r.title.toLowerCase());
      for (const key of [...Object.keys(r.labels), ...Object.keys(r.annotations)]) {
        if (!LABEL_NAME.test(key)) {
          push(
            rp,
            `"${key}" is not a valid label/annotation name`,
            'use letters, digits and _, not starting with a digit'
          );
        }
      }
      if (r.labels[label] !== undefined) {
        push(
          `${rp}.labels.${label}`,
          `the label "${label}" is the tenant label`,
          'remove it: Grafana adds the query result labels, including the tenant'
        );
      }
      if (enforcer) {
        try {
          enforceQuery(r.expr, enforcer);
        } catch (err) {
          push(
            `${rp}.expr`,
            `not accepted by the PromQL engine: ${err instanceof EnforceError ? err.message : String(err)}`,
            'write a PromQL expression Prometheus accepts (no Grafana variables: rules have no dashboard); the enforcing proxy adds the tenant matcher'
          );
        }
      }
    });
  });
  for (const [id, rule] of Object.entries(alerting.bundledRules)) {
    if (!DURATION_PATTERN.test(rule.for)) {
      push(`${path}.bundledRules.${id}.for`, `"${rule.for}" is not a duration`, 'use e.g. `5m`');
    }
  }
  return errors;
}

function checkUrl(url: string, path: string, push: (path: string, message: string, fix: string) => void) {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      push(path, `scheme ${u.protocol} is not http or https`, 'use an http:// or https:// URL');
    }
  } catch {
    push(path, `"${url}" is not an absolute URL`, 'use e.g. `http://alert-sink:8080/hook`');
  }
}

/**
 * CLI: fills every contact point secret given as `…Env` from the environment. Returns one message
 * per variable that is not set (the caller refuses the spec: a missing secret is never guessed).
 */
export function resolveAlertingSecretEnv(
  tenants: Array<{ id: string; alerting: AlertingSpec }>,
  env: Record<string, string | undefined>
): string[] {
  const missing: string[] = [];
  for (const t of tenants) {
    for (const cp of t.alerting.contactPoints) {
      for (const [key, ref] of Object.entries(cp.secrets)) {
        if (ref.env === undefined) {
          continue;
        }
        const value = env[ref.env];
        if (value === undefined || value === '') {
          missing.push(
            `tenant ${t.id}: environment variable ${ref.env} (contact point "${cp.name}" secret ${key}) is not set; export it or remove the …Env field to keep the stored secret`
          );
        } else {
          cp.secrets[key] = { value };
        }
      }
    }
  }
  return missing;
}
