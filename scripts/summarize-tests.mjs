// Adds up jest's JSON reports and pytest's JUnit XML reports (the Python SDK) and prints one
// closing line: `tests: N passed, N failed`.
// Exits non-zero when a report is missing, a test failed, or no test ran at all.
import { existsSync, readFileSync } from 'node:fs';

/** passed and failed of one pytest JUnit report: every <testsuite> element's counts (skipped cases count as neither). */
function junitCounts(xml) {
  let passed = 0;
  let failed = 0;
  for (const [, attributes] of xml.matchAll(/<testsuite\b([^>]*)>/g)) {
    const count = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(attributes)?.[1] ?? 0);
    const broken = count('failures') + count('errors');
    passed += count('tests') - broken - count('skipped');
    failed += broken;
  }
  return { passed, failed };
}

let passed = 0;
let failed = 0;
let missing = 0;
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    console.error(`no test report at ${file}`);
    missing += 1;
    continue;
  }
  if (file.endsWith('.xml')) {
    const counts = junitCounts(readFileSync(file, 'utf8'));
    passed += counts.passed;
    failed += counts.failed;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || missing > 0 || passed === 0 ? 1 : 0);
