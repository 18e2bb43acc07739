// Browser tests drive Debian's Chromium through playwright-core; each file starts its own harness server.
const unit = require('./jest.config');

module.exports = {
  ...unit,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/tests/browser/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120000,
};
