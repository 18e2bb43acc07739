/**
 * Enforcement of raw Grafana LogQL text (a Loki panel target): Grafana variables and macros
 * (`$var`, `${var:regex}`, `[[var]]`, `$__auto`, `$__interval`, `$__range` …) are protected by
 * placeholders with the PromQL engine's machinery (../promql/grafana/protect.ts: the same variable
 * syntax, `#` comments and quotes), the text is checked and enforced as LogQL, and the variables are
 * put back untouched.
 */
import { EnforceError } from '../labelmatch/errors';
import { restoreVariables } from '../promql/grafana/protect';
import { parseProtected } from '../promql/grafana/protectedParse';
import { analyseQuery } from './analyse';
import { coreOf, enforceParsed, Enforcer } from './enforcer';
import { failClosed } from './errors';

/** Raw Grafana LogQL text → enforced, variables intact. */
export function enforceGrafanaQuery(expr: string, e: Enforcer): string {
  return failClosed(expr, () => {
    if (typeof expr !== 'string') {
      throw new EnforceError('parse', 'the Grafana query is not a string');
    }
    const core = coreOf(e);
    const { parsed, protectedText } = parseProtected(expr, core.joinedText, analyseQuery);
    if (protectedText.count === 0) {
      return enforceParsed(parsed, core);
    }
    const back = protectedText.positional.map((p) => ({ from: p.from, to: p.to, insert: p.original }));
    return restoreVariables(enforceParsed(parsed, core, back), protectedText);
  });
}
