import { defineConfig } from 'eslint/config';
import baseConfig from './.config/eslint.config.mjs';

export default defineConfig([
  {
    ignores: [
      '**/logs',
      '**/*.log',
      '**/node_modules/',
      '**/coverage',
      '**/dist/',
      '**/artifacts/',
      'tests/artifacts/',
      '**/.eslintcache',
    ],
  },
  ...baseConfig,
  {
    // The scaffold lints only src/; the proxy, CLI, benchmarks and tests are product code too.
    files: ['tests/**/*.{ts,tsx}', 'proxy/**/*.ts', 'cli/**/*.ts', 'benchmarks/**/*.ts'],
  },
]);
