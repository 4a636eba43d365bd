// Builds the command (`valise`) and the server as plain JavaScript in dist/node/, so they start
// without transpiling TypeScript on every run. Runs on `npm install` (prepare), before
// `npm start` and, when the sources changed since the last build, from bin/valise.mjs.
//
//   dist/node/cli.mjs          the command's entry (src/cli/main.ts)
//   dist/node/server.mjs       the server's entry (src/server/main.ts); `valise serve` imports it
//   dist/node/wrap-worker.mjs  the key-wrap worker thread (src/client/wrap-worker.ts)
//   dist/node/parse-worker.mjs the body parser's worker thread (src/server/parse-worker.ts)
//   dist/node/build.json       the source files each build read, to tell when it is stale
//
// Packages stay imports of node_modules (never bundled), so native addons and their own files
// resolve as they would from the sources. Each file is written to a temporary name and renamed,
// and build.json last: a command started during a build loads either build, never half of one.
// Tests run the sources through tsx; only the command and `npm start` run this output.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = join(ROOT, 'dist', 'node');
const MANIFEST = join(OUT_DIR, 'build.json');

const ENTRIES = {
  cli: 'src/cli/main.ts',
  server: 'src/server/main.ts',
  'wrap-worker': 'src/client/wrap-worker.ts',
  'parse-worker': 'src/server/parse-worker.ts',
};

/**
 * Why the build in dist/node cannot be used as it is (missing, or a source newer than it), or
 * undefined when it is current. Cheap (one small JSON read and one stat per source file): the
 * command calls it on every run.
 */
export function staleReason() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return 'not built yet';
  }
  if (manifest?.v !== 1 || !Array.isArray(manifest.inputs)) return 'built by another version';
  for (const entry of Object.keys(ENTRIES)) {
    try {
      statSync(join(OUT_DIR, `${entry}.mjs`));
    } catch {
      return `dist/node/${entry}.mjs is missing`;
    }
  }
  for (const input of manifest.inputs) {
    let modified;
    try {
      modified = statSync(join(ROOT, input)).mtimeMs;
    } catch {
      return `${input} was removed`;
    }
    if (modified > manifest.builtAt) return `${input} changed`;
  }
  return undefined;
}

/**
 * Packages stay imports of node_modules, except the small pure-JavaScript cryptography the
 * command loads on every run (@noble/*): bundled, they cost no module resolution at start.
 */
const BUNDLED_PACKAGES = /^@noble\//;
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      BUNDLED_PACKAGES.test(args.path) ? undefined : { path: args.path, external: true },
    );
  },
};

/** Chunks of earlier builds are removed once no command started from them can still need them. */
const OLD_CHUNK_MS = 10 * 60 * 1000;

/** Builds dist/node; `quiet` (the command's own rebuild) prints nothing but errors. */
export async function build({ quiet = false } = {}) {
  const { build: esbuild } = await import('esbuild');
  // Sources read before the build starts count as built: an edit made during it stays newer.
  const builtAt = Date.now();
  const result = await esbuild({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    plugins: [externalPackages],
    // Code shared by the entries, and what `valise serve` imports only when asked, is in chunks.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    metafile: true,
    write: false,
    logLevel: quiet ? 'silent' : 'warning',
  });
  mkdirSync(OUT_DIR, { recursive: true });
  const suffix = `.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  // Chunks first, entries after them, the manifest last: what is named is already there.
  const files = [...result.outputFiles].sort((a, b) => isChunk(b.path) - isChunk(a.path));
  for (const file of files) {
    writeFileSync(file.path + suffix, file.contents);
    renameSync(file.path + suffix, file.path);
  }
  const inputs = Object.keys(result.metafile.inputs)
    .map((input) => relative(ROOT, resolve(ROOT, input)))
    .sort();
  writeFileSync(MANIFEST + suffix, `${JSON.stringify({ v: 1, builtAt, inputs }, null, 1)}\n`);
  renameSync(MANIFEST + suffix, MANIFEST);
  removeOldChunks(new Set(files.map((f) => f.path)));
  return { inputs: inputs.length };
}

function isChunk(path) {
  return basename(path).startsWith('chunk-') ? 1 : 0;
}

function removeOldChunks(current) {
  for (const name of readdirSync(OUT_DIR)) {
    const path = join(OUT_DIR, name);
    if (current.has(path) || !(name.startsWith('chunk-') || name.endsWith('.tmp'))) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > OLD_CHUNK_MS) rmSync(path, { force: true });
    } catch {
      // removed by a build running beside this one
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--if-stale') && staleReason() === undefined) process.exit(0);
  const started = performance.now();
  const { inputs } = await build();
  console.error(
    `built dist/node from ${inputs} source files in ${Math.round(performance.now() - started)} ms`,
  );
}
