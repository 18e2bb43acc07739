import { validateAppSettings } from './validateAppSettings';

const ok = 'http://tenancy-proxy:9091';

test.each([
  ['tenant', ok, []],
  ['_tenant_1', 'https://proxy.example.com/prefix', []],
  ['1tenant', ok, ['tenantLabel']],
  ['ten-ant', ok, ['tenantLabel']],
  ['__name__', ok, ['tenantLabel']],
  ['', ok, ['tenantLabel']],
  ['tenant', 'proxy:9091', ['proxyUrl']],
  ['tenant', 'ftp://proxy', ['proxyUrl']],
  ['tenant', '', ['proxyUrl']],
])('label %j, url %j → errors on %j', (tenantLabel, proxyUrl, fields) => {
  const errors = validateAppSettings({ tenantLabel, proxyUrl });
  expect(Object.keys(errors).sort()).toEqual(fields);
  for (const message of Object.values(errors)) {
    expect(message).toMatch(/e\.g\./); // every error suggests a valid value
  }
});
