/**
 * (jsdom environment, the jest default: @grafana/data's dateTime needs `window`.)
 *
 * Issue #14 item 5: Grafana macros with a format. The engine reads a macro as the number or
 * duration Grafana computes and leaves it in the text; Grafana fills it in after enforcement (the
 * wrapper's target data source, or the dashboard an `enforce --grafana` output went into). A format
 * is accepted only when every value of that macro comes out as a number or a duration; the rest,
 * with the attacks that used them, are refused in the engine, the wrapper, LogQL and the CLI.
 */
import { lastValueFrom } from 'rxjs';

import { clearEnforcementCache } from '../../src/datasource/enforcement';
import { createEnforcer as createLogqlEnforcer, enforceGrafanaQuery as enforceGrafanaLogql } from '../../src/logql';
import { createEnforcer, EnforceError, enforceGrafanaQuery } from '../../src/promql';
import { RecordingTarget } from '../wrapper/support/recordingTarget';
import { panelRequest, wrapperHarness } from '../wrapper/support/wrapperHarness';
import { formatValue, GRAFANA_FORMATS, interpolateMacros, MACRO_VALUES } from './support/grafanaFormats';
import { auditEnforced, expectedTenantMatcher } from './support/selectorAudit';

const e = createEnforcer({ label: 'tenant', values: ['a'] });
const EXPECTED = expectedTenantMatcher('tenant', ['a']);
const NUMBER_OR_DURATION = /^(?:\d+|(?:\d+(?:ms|s|m|h|d|w|y))+)$/;

function refusal(expr: string): EnforceError | undefined {
  try {
    enforceGrafanaQuery(expr, e);
    return undefined;
  } catch (err) {
    return err as EnforceError;
  }
}

/** Every format on every duration/number macro, with the `date` arguments that matter. */
const FORMATS = [
  ...GRAFANA_FORMATS.filter((f) => f !== 'date' && f !== 'customqueryparam'),
  'date',
  'date:iso',
  'date:ms',
  'date:seconds',
  'date:YYYY',
  'date:x',
  'customqueryparam:p:v',
  'join:,',
  'nosuchformat',
];

const ACCEPTED = new Set([
  'raw',
  'regex',
  'pipe',
  'distributed',
  'csv',
  'html',
  'percentencode',
  'join',
  'glob',
  'uriencode',
  'lucene',
  'date:ms',
  'date:seconds',
]);

describe('a format on a duration or number macro', () => {
  const cases = Object.keys(MACRO_VALUES).flatMap((macro) => FORMATS.map((format) => [macro, format] as const));

  test.each(cases)('${%s:%s}', (macro, format) => {
    // In a range, and inside a string (where a quote from the format would end the literal).
    const inRange = `rate(secret[\${${macro}:${format}}])`;
    const inString = `label_replace(up, "x", "\${${macro}:${format}}", "y", "")`;
    if (!ACCEPTED.has(format)) {
      for (const expr of [inRange, inString]) {
        const err = refusal(expr);
        expect(err).toBeInstanceOf(EnforceError);
        expect(err!.kind).toBe('unsupported');
        expect(err!.message).toContain(`cannot enforce Grafana macro \${${macro}:${format}}`);
        expect(err!.message).toMatch(/; (write \$\{__\w+\}|remove the format)/);
      }
      return;
    }
    // Accepted: every value Grafana gives the macro comes out as a number or a duration, and the
    // query Grafana finally sends carries the tenant on every selector.
    for (const value of MACRO_VALUES[macro]) {
      expect(formatValue(macro, value, format)).toMatch(NUMBER_OR_DURATION);
    }
    const enforced = enforceGrafanaQuery(inString, e);
    MACRO_VALUES[macro].forEach((_v, pick) =>
      expect(auditEnforced(interpolateMacros(enforced, pick), EXPECTED)).toEqual([])
    );
  });
});

/**
 * Formats that make Grafana insert the dashboard author's text after enforcement. Each was accepted
 * before (the macro was protected as a duration, number or string and came back intact) and, once
 * Grafana formatted it, ran `secret` for every tenant.
 */
const ATTACKS: Array<[string, string]> = [
  ['moment literal closes the range', 'sum(rate(up[${__interval:date:[5m]])[ or secret #]}]))'],
  ['moment literal after @', 'up @ ${__to:date:[1700000000 or secret]}'],
  [
    'moment literal inside a string',
    'label_replace(up, "x", "${__range:date:[" , "x", "", "") or secret #]}", "y", "")',
  ],
  ['custom query parameter name', 'up > ${__range_s:customqueryparam:0 or secret}'],
  ['bracket syntax with a format', 'rate(up[[[__interval:json]]])'],
  ['text macro with a format', 'up{user="${__user.login:doublequote}"}'],
];

describe('attacks through a macro format', () => {
  test.each(ATTACKS)('%s: %s is refused', (_name, expr) => {
    const err = refusal(expr);
    expect(err).toBeInstanceOf(EnforceError);
    expect(err!.kind).toBe('unsupported');
  });

  test('the attacks are real: formatted by Grafana, the text the old engine let through runs `secret` unenforced', () => {
    // The old engine's output: the macro intact, the tenant on `up` only.
    const inRange = interpolateMacros('sum(rate(up{tenant="a"}[${__interval:date:[5m]])[ or secret #]}]))');
    expect(inRange).toBe('sum(rate(up{tenant="a"}[5m]) or secret #]))');
    const afterAt = interpolateMacros('up{tenant="a"} @ ${__to:date:[1700000000 or secret]}');
    expect(afterAt).toBe('up{tenant="a"} @ 1700000000 or secret');
    for (const text of [inRange, afterAt]) {
      expect(auditEnforced(text, EXPECTED)).toContain('selector secret lacks tenant="a"');
    }
  });

  test('LogQL Grafana text refuses them too (same protection)', () => {
    const logql = createLogqlEnforcer({ label: 'tenant', values: ['a'] });
    expect(() =>
      enforceGrafanaLogql('count_over_time({app="x"}[${__interval:date:[1m\\]) or vector(1) #]}])', logql)
    ).toThrow(/cannot enforce Grafana macro/);
    expect(enforceGrafanaLogql('count_over_time({app="x"}[${__interval:raw}])', logql)).toBe(
      'count_over_time({app="x",tenant="a"}[${__interval:raw}])'
    );
  });
});

describe('the wrapper with macro formats', () => {
  async function forwarded(expr: string): Promise<string[]> {
    clearEnforcementCache();
    const target = new RecordingTarget('prom');
    const { wrapper } = wrapperHarness({ teams: ['team-a'], targets: [target] });
    await lastValueFrom(wrapper.query(panelRequest([{ expr }])));
    return target.exprs;
  }

  test.each(ATTACKS.filter(([, expr]) => !expr.includes('__user')))('%s: not forwarded', async (_name, expr) => {
    expect(await forwarded(expr)).toEqual([]);
  });

  test('an accepted format is forwarded and, once the target fills it in, enforced', async () => {
    const exprs = await forwarded('increase(secret[${__range:raw}]) / ${__range_s:date:seconds}');
    expect(exprs).toEqual(['increase(secret{tenant="a"}[${__range:raw}]) / ${__range_s:date:seconds}']);
    expect(auditEnforced(interpolateMacros(exprs[0]), EXPECTED)).toEqual([]);
  });
});
