// A node:test reporter for scripts/run-tests.mjs: counts what passed, failed and was skipped,
// and how long each test file took, and writes it as one JSON document when the run ends.
//
// A test is a leaf (`test()`, not a `describe()` suite). A skipped suite counts as one skipped
// test: the runner never reports the tests inside it. A suite fails on its own only when one of
// its hooks fails (its failure type is then not `subtestsFailed`), and that counts as a
// failure, since its tests may all have passed. A file that cannot load is reported as a
// failed test named after the file. A cancelled test counts as failed.
export default async function* summaryReporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures = [];
  /** Per file, the sum of its top-level tests' durations (they run one after another). */
  const fileMs = new Map();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    const suite = data.details?.type === 'suite';
    if (data.nesting === 0 && data.file) {
      fileMs.set(data.file, (fileMs.get(data.file) ?? 0) + (data.details?.duration_ms ?? 0));
    }
    if (event.type === 'test:pass') {
      if (data.skip !== undefined || data.todo !== undefined) skipped += 1;
      else if (!suite) passed += 1;
    } else if (!suite || data.details?.error?.failureType !== 'subtestsFailed') {
      if (data.todo !== undefined) skipped += 1;
      else {
        failed += 1;
        failures.push(`${data.file ?? '?'}: ${data.name}`);
      }
    }
  }
  const files = [...fileMs].map(([file, ms]) => ({ file, ms: Math.round(ms) })).sort((a, b) => b.ms - a.ms);
  yield `${JSON.stringify({ passed, failed, skipped, failures, files })}\n`;
}
