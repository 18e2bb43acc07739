// force timezone to UTC to allow tests to work regardless of local timezone
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');

// Packages shipped only as ESM that the scaffold's list does not cover yet.
const esmPackages = [
  'yaml',
  '@prometheus-io',
  '@lezer',
  '@codemirror',
  '@marijn',
  'style-mod',
  'w3c-keyname',
  'crelt',
  'lru-cache',
  'jose',
];

module.exports = {
  ...base,
  testMatch: ['<rootDir>/src/**/*.test.{ts,tsx}', '<rootDir>/tests/**/*.test.{ts,tsx}', '<rootDir>/proxy/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/browser/'],
  transform: {
    ...base.transform,
    // d3 and friends ship .mjs files that jest cannot load untransformed.
    '^.+\\.mjs$': base.transform['^.+\\.(t|j)sx?$'],
  },
  transformIgnorePatterns: [
    `node_modules/(?!.*(${[...require('./.config/jest/utils').grafanaESModules, ...esmPackages].join('|')})/.*)`,
  ],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'jsx', 'mjs', 'cjs', 'json'],
};
