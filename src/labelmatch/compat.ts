/**
 * error-on-replace: which existing matchers on the enforced label are incompatible with the
 * enforced one. This is prom-label-proxy's table exactly (injectproxy/enforce.go EnforceMatchers,
 * described in ../shared/conformance/prom-label-proxy/BEHAVIOUR.md §3.3), including its known
 * over-rejections, so that a proxy built on this engine answers as prom-label-proxy does.
 */
import { LabelMatcher, matcherMatches, PreparedMatcher } from './matchers';
import { regexLiteralSet } from './regex';

/** True when `existing` may stay (or be replaced) next to `enforced` without an error. */
export function isCompatible(enforced: PreparedMatcher, existing: LabelMatcher): boolean {
  const E = enforced;
  const T = existing;
  const eLiterals = (): string[] => regexLiteralSet(E.value);
  // "R matches the empty string" is about the regex itself, whatever E's operator.
  const emptyMatchedByE = (): boolean => matcherMatches({ ...E, op: '=~' }, '');
  switch (E.op) {
    case '=':
      return matcherMatches(T, E.value);
    case '!=':
      if (T.op === '=') {
        return T.value === '' || T.value !== E.value;
      }
      if (T.op === '=~') {
        const set = regexLiteralSet(T.value);
        return set.length === 0 || set.some((s) => s !== E.value);
      }
      return true;
    case '=~':
      switch (T.op) {
        case '=':
          return matcherMatches(E, T.value);
        case '!=':
          return eLiterals().some((l) => l !== T.value) || (T.value === '' && !emptyMatchedByE());
        case '=~':
          return eLiterals().some((l) => matcherMatches(T, l));
        case '!~':
          return eLiterals().some((l) => matcherMatches(T, l)) || (T.value === '' && !emptyMatchedByE());
      }
      return false;
    case '!~':
      switch (T.op) {
        case '=':
          return T.value !== '' || emptyMatchedByE();
        case '=~': {
          const set = regexLiteralSet(T.value);
          return (
            set.some((l) => !matcherMatches({ ...E, op: '=~' }, l)) &&
            (T.value !== '' || emptyMatchedByE()) &&
            T.value !== E.value
          );
        }
        default:
          return true;
      }
  }
}
