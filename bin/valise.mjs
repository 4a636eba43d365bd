#!/usr/bin/env node
// `npx valise`: runs the command built as plain JavaScript (dist/node/cli.mjs, made by
// scripts/build.mjs on `npm install`), so it starts without transpiling anything. When a
// source file is newer than the build, or the build is missing, it builds first (about a
// second), so the command never runs stale code. On a Node older than the project's (the
// system Node, run directly), it hands over to the Node 24 that `npm install` brought.
import { existsSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { fileURLToPath } from 'node:url';

const NEEDED_MAJOR = 24;

if (Number(process.versions.node.split('.')[0]) < NEEDED_MAJOR) {
  const bundled = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(bundled)) {
    process.stderr.write(
      `valise: NODE_TOO_OLD: valise runs on Node ${NEEDED_MAJOR} and this is ${process.version}; run npm install in ${fileURLToPath(new URL('..', import.meta.url))} (it brings Node ${NEEDED_MAJOR}), then npx valise\n`,
    );
    process.exit(1);
  }
  // Loaded only here: node:child_process alone costs a noticeable part of a command's start.
  const { spawnSync } = await import('node:child_process');
  const run = spawnSync(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(run.status ?? 1);
}

// V8 keeps the compiled build beside it, so later runs skip parsing and compiling it.
enableCompileCache?.(fileURLToPath(new URL('../dist/node/.compile-cache', import.meta.url)));
const { build, staleReason } = await import('../scripts/build.mjs');
const stale = staleReason();
if (stale !== undefined) {
  try {
    await build({ quiet: true });
  } catch (error) {
    process.stderr.write(
      `valise: BUILD_FAILED: the command could not be built (${stale}): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}; run npm install, then npm run build\n`,
    );
    process.exit(1);
  }
}
const cli = await import('../dist/node/cli.mjs');
// The entry either runs itself on import or exports `main` and `processIo` for this file to join.
if (typeof cli.main === 'function' && typeof cli.processIo === 'function') {
  process.exitCode = await cli.main(cli.processIo());
}
