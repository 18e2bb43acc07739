/**
 * prom-label-proxy conformance: every case of injectproxy/enforce_test.go, transcribed in
 * ../shared/conformance/prom-label-proxy/enforce-vectors.json, compared semantically (README there).
 */
import { readFileSync } from 'fs';
import { sharedPath } from '../../tests/support/shared';
import { EnforceError } from './errors';
import { createMatcherEnforcer, enforceWithMatchers } from './enforcer';
import { LabelMatcher } from './matchers';
import { semanticForm } from './testing/selectorWalk';

interface Vector {
  id: string;
  expr: string;
  enforcers: Array<{ name: string; type: LabelMatcher['op']; value: string }>;
  errorOnReplace: boolean;
  parserOptions: Record<string, boolean>;
  expected: string | null;
  error: 'illegal-label-matcher' | 'parse' | null;
}

const vectors: Vector[] = JSON.parse(
  readFileSync(sharedPath('conformance', 'prom-label-proxy', 'enforce-vectors.json'), 'utf8')
);

function run(v: Vector): string {
  const enforcer = createMatcherEnforcer(
    v.enforcers.map((e) => ({ name: e.name, op: e.type, value: e.value })),
    {
      errorOnReplace: v.errorOnReplace,
      features: {
        experimentalFunctions: v.parserOptions.EnableExperimentalFunctions === true,
        durationExpressions: v.parserOptions.ExperimentalDurationExpr === true,
        extendedRangeSelectors: v.parserOptions.EnableExtendedRangeSelectors === true,
        binopFillModifiers: v.parserOptions.EnableBinopFillModifiers === true,
      },
    }
  );
  return enforceWithMatchers(v.expr, enforcer);
}

describe(`prom-label-proxy enforce vectors (${vectors.length})`, () => {
  it('has all 120 vectors', () => {
    expect(vectors).toHaveLength(120);
  });

  const ok = vectors.filter((v) => v.error === null);
  const failing = vectors.filter((v) => v.error !== null);

  it.each(ok.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const got = run(v);
    const want = semanticForm(v.expected!);
    const have = semanticForm(got);
    expect(have.hasErrorNode).toBe(false);
    expect(have.selectors).toEqual(want.selectors);
    expect(have.skeleton).toEqual(want.skeleton);
  });

  it.each(failing.map((v) => [v.id, v] as const))('%s errors', (_id, v) => {
    let thrown: unknown;
    try {
      run(v);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(EnforceError);
    expect((thrown as EnforceError).kind).toBe(v.error);
  });
});
