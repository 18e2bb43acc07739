#!/usr/bin/env node
// Sums jest --json reports into the single closing line CI reads: "N passed, N failed".
// Usage: summarise-jest.js <failed-steps-count> <report.json>...
const fs = require('fs');

const [failedSteps, ...reports] = process.argv.slice(2);
let passed = 0;
let failed = Number(failedSteps) || 0;
for (const file of reports) {
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A suite that fails to load runs no test; count it so it cannot hide.
  failed += report.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
