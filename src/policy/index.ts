export {
  parsePolicy,
  parseRule,
  policyFromLabelValues,
  policyText,
  PolicyError,
  ruleText,
  simplifyPolicy,
} from './policy';
export type { Policy, PolicyRule } from './policy';
