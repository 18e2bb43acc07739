/** Field errors for the config page (message says what is wrong and what to enter instead). */
export interface AppSettingsInput {
  tenantLabel: string;
  proxyUrl: string;
}

// Prometheus label names: [a-zA-Z_][a-zA-Z0-9_]* (https://prometheus.io/docs/concepts/data_model/).
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function validateAppSettings(input: AppSettingsInput): Partial<Record<keyof AppSettingsInput, string>> {
  const errors: Partial<Record<keyof AppSettingsInput, string>> = {};
  const label = input.tenantLabel.trim();
  if (!LABEL_NAME.test(label)) {
    errors.tenantLabel = `"${label}" is not a Prometheus label name; use letters, digits and _ (not starting with a digit), e.g. tenant`;
  } else if (label.startsWith('__')) {
    errors.tenantLabel = `"${label}" is reserved for Prometheus internals (starts with __); use e.g. tenant`;
  }
  const template = input.proxyUrl.trim();
  let url: URL | undefined;
  try {
    url = new URL(template);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    errors.proxyUrl = `"${template}" is not an http(s) URL; enter e.g. http://tenancy-proxy:8080`;
  }
  return errors;
}
