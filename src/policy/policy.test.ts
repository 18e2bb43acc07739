import { parsePolicy, parseRule, policyFromLabelValues, policyText, PolicyError, simplifyPolicy } from './policy';

describe('parseRule', () => {
  it.each([
    ['{tenant="acme"}', [{ name: 'tenant', op: '=', value: 'acme' }]],
    [
      '{tenant="acme", env=~"prod|staging", cluster!="lab"}',
      [
        { name: 'tenant', op: '=', value: 'acme' },
        { name: 'env', op: '=~', value: 'prod|staging' },
        { name: 'cluster', op: '!=', value: 'lab' },
      ],
    ],
    ['{"service.name"="api"}', [{ name: 'service.name', op: '=', value: 'api' }]],
  ])('%s', (text, matchers) => {
    expect(parseRule(text).matchers).toEqual(matchers);
  });

  // One line per refusal: the rule text and a word of the message that names the fault and the fix.
  it.each([
    ['tenant="acme"', /selector of label matchers in braces/],
    ['{}', /empty string/],
    ['{env=~".*"}', /empty string/],
    ['{tenant!="b"}', /empty string/],
    ['up{tenant="a"}', /in braces/],
    ['{__name__="up", tenant="a"}', /metric name/],
    ['{"up", tenant="a"}', /metric name/],
    ['{tenant="a", tenant="b"}', /appears twice/],
    ['{tenant=~"a("}', /regex|parse/i],
    ['{tenant="a"} or {env="x"}', /one selector/],
    ['rate({tenant="a"}[5m])', /selector of label matchers in braces/],
    ['{tenant="a"}[5m]', /one selector/],
  ])('refuses %s', (text, why) => {
    expect(() => parseRule(text, 2)).toThrow(PolicyError);
    expect(() => parseRule(text, 2)).toThrow(why);
    expect(() => parseRule(text, 2)).toThrow(/^rule 3 /);
  });
});

describe('policies', () => {
  it('needs a rule', () => {
    expect(() => parsePolicy([])).toThrow(/at least one rule/);
  });

  it('names the faulty rule by its position', () => {
    expect(() => parsePolicy(['{tenant="a"}', '{env=""}'])).toThrow(/^rule 2 "\{env=\\"\\"\}"/);
  });

  it('label + values is the one-rule case', () => {
    expect(policyText(policyFromLabelValues('tenant', ['b', 'a']))).toBe('{tenant=~"a|b"}');
    expect(policyText(policyFromLabelValues('tenant', ['a']))).toBe('{tenant="a"}');
  });

  it.each([
    [['{tenant="a"}', '{tenant="b"}'], '{tenant=~"a|b"}'],
    [['{tenant="a"}', '{tenant="a"}'], '{tenant="a"}'],
    [['{tenant="a"}', '{env="prod"}'], '{tenant="a"} or {env="prod"}'],
    [['{tenant="a"}', '{tenant=~"b|c"}'], '{tenant="a"} or {tenant=~"b|c"}'],
    [['{tenant="a", env="prod"}', '{tenant="b"}'], '{tenant="a", env="prod"} or {tenant="b"}'],
  ])('simplify %j → %s', (rules, text) => {
    expect(policyText(simplifyPolicy(parsePolicy(rules)))).toBe(text);
  });
});
