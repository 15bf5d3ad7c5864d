// node:test reporter that counts results for scripts/test.mjs: pass it as a second reporter next to `spec`
//   node --test --test-reporter=spec --test-reporter-destination=stdout \
//        --test-reporter=./scripts/node-test-reporter.mjs --test-reporter-destination=.test-results/node.json
// Suites (describe) are not counted, their tests are. A test file that fails outside any test (does not load, throws
// at top level, exits non-zero) counts as one failure, so it cannot pass unseen.
export default async function* countingReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const data = event.data;
    if (data.details?.type === 'suite') continue;
    const isFileLevel = data.nesting === 0 && data.file && data.name === data.file;
    if (event.type === 'test:fail') counts.failed += 1;
    else if (isFileLevel) continue;
    else if (data.skip || data.todo) counts.skipped += 1;
    else counts.passed += 1;
  }
  yield `${JSON.stringify(counts)}\n`;
}
