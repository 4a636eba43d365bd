// Runs every test file under test/ with node's test runner (Node 20 has no --test globs).
// TEST_FILTER=path-fragment narrows the run while working on one area.
//
// It ends with a human summary: `N passed, N failed, N skipped` alone on a line, then the
// wall time, counted by scripts/summary-reporter.mjs while the spec reporter prints the tests
// as they finish. Every test cleans up what it makes: the run gets a fresh TMPDIR, and
// anything left in it afterwards fails the run, named, before the folder is removed.
// Exit code: non-zero when a test failed or something was left behind.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, relative } from 'node:path';

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

function duration(ms) {
  const seconds = Math.round(ms / 1000);
  return seconds < 60
    ? `${seconds}s`
    : `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
}

const filter = process.env.TEST_FILTER ?? '';
const files = collect('test')
  .filter((f) => f.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${JSON.stringify(filter)}`);
  process.exit(1);
}

// runDir holds the tests' TMPDIR and the reporter's summary, side by side.
const runDir = mkdtempSync(join(tmpdir(), 'valise-test-run-'));
const testTmp = join(runDir, 'tmp');
const summaryFile = join(runDir, 'summary.json');
mkdirSync(testTmp);
// tsx keeps its compile cache in $TMPDIR/tsx-<euid>, and Node 24 its own module compile
// cache in $TMPDIR/node-compile-cache: point both at the usual ones, so that a run starts
// warm and a cache is not taken for something a test left behind.
const caches = [`tsx-${process.geteuid?.() ?? userInfo().username}`, 'node-compile-cache'];
for (const cache of caches) {
  mkdirSync(join(tmpdir(), cache), { recursive: true });
  symlinkSync(join(tmpdir(), cache), join(testTmp, cache));
}

const started = performance.now();
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${new URL('./summary-reporter.mjs', import.meta.url).href}`,
    `--test-reporter-destination=${summaryFile}`,
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, TMPDIR: testTmp } },
);
// Stopped from outside (Ctrl-C, a time limit): stop the tests too, and leave nothing behind.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    child.kill(signal);
    rmSync(runDir, { recursive: true, force: true });
    process.exit(1);
  });
}
const [code, stopSignal] = await once(child, 'exit');
const result = { status: code, signal: stopSignal };
const wallMs = performance.now() - started;

let summary;
try {
  summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
} catch {
  summary = undefined;
}
const leftovers = readdirSync(testTmp).filter((name) => !caches.includes(name));
rmSync(runDir, { recursive: true, force: true });

if (summary) {
  if (summary.failures.length > 0) {
    console.log('\nfailed:');
    for (const failure of summary.failures) console.log(`  ${failure}`);
  }
  console.log('\nslowest files:');
  for (const { file, ms } of summary.files.slice(0, 5))
    console.log(`  ${duration(ms).padStart(7)}  ${relative(process.cwd(), file)}`);
}
if (leftovers.length > 0) {
  console.log(`\nleft behind in the tests' TMPDIR (every test must remove what it makes):`);
  for (const name of leftovers.sort()) console.log(`  ${name}`);
}
console.log('');
console.log(
  summary
    ? `${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`
    : `no summary: the test runner stopped (${result.signal ?? `exit code ${result.status}`})`,
);
console.log(
  `wall time ${duration(wallMs)}${leftovers.length > 0 ? `; ${leftovers.length} left behind` : ''}`,
);

const failed = result.status !== 0 || !summary || summary.failed > 0 || leftovers.length > 0;
process.exit(failed ? result.status || 1 : 0);
