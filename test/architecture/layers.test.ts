/**
 * docs/design.md §3: the folders are layers and an arrow is "may import". core imports nothing of
 * the project outside itself and no Node built-in; server never imports client or web;
 * client never imports server, cli or web; web never imports server or cli. platform holds
 * Node's native implementations of core's seams (e.g. `node:crypto` primitives): it imports
 * only core, and server, client and cli may import it; core and web never do.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const LAYERS = ['core', 'platform', 'server', 'client', 'cli', 'web'] as const;
type Layer = (typeof LAYERS)[number];

const ALLOWED: Record<Layer, readonly Layer[]> = {
  core: ['core'],
  platform: ['core', 'platform'],
  server: ['core', 'platform', 'server'],
  client: ['core', 'platform', 'client'],
  cli: ['core', 'platform', 'client', 'cli', 'server'],
  web: ['core', 'client', 'web'],
};

/** npm packages core may use: the audited primitives, nothing with I/O. */
const CORE_PACKAGES = ['@noble/hashes', '@noble/curves', '@noble/post-quantum', '@noble/ciphers'];

/**
 * Inside core, each concept is a folder, and the folders are layers too: encoding at the
 * bottom, then the primitives, identity, the log and request signatures, the access rule,
 * the cable, and the API contract (routes and error codes) on top. `valise-error.ts` at the
 * root of core is the base every area uses.
 * The access rule (`policy.ts`) reads the cable header model, and sealing and opening ask it
 * who is entitled: the one two-way arrow, limited to the two model files the rule names.
 */
const CORE_AREAS = [
  'encoding',
  'crypto',
  'identity',
  'wire',
  'log',
  'policy',
  'cable',
  'procedure',
  'api',
] as const;
type CoreArea = (typeof CORE_AREAS)[number] | 'root';
const CORE_ALLOWED: Record<(typeof CORE_AREAS)[number], readonly CoreArea[]> = {
  encoding: ['root'],
  crypto: ['root', 'encoding'],
  identity: ['root', 'encoding', 'crypto'],
  wire: ['root', 'encoding', 'crypto'],
  log: ['root', 'encoding', 'crypto', 'identity'],
  policy: ['root', 'encoding', 'identity'],
  cable: ['root', 'encoding', 'crypto', 'identity', 'policy'],
  // The silence procedure reads cable headers and the audit log's events.
  procedure: ['root', 'encoding', 'crypto', 'identity', 'log', 'cable'],
  // The API contract (routes, error codes) names the documents of every area below it.
  api: ['root', 'encoding', 'crypto', 'identity', 'wire', 'log', 'policy', 'cable', 'procedure'],
};
const POLICY_READS_FROM_CABLE = ['cable/cable-header.ts', 'cable/precedence.ts'];

function coreAreaOf(path: string): CoreArea | undefined {
  const rel = relative(join(ROOT, 'src', 'core'), path);
  if (rel.startsWith('..')) return undefined;
  if (rel === 'policy.ts') return 'policy';
  const first = rel.split(/[\\/]/)[0];
  return CORE_AREAS.find((a) => a === first) ?? 'root';
}

function sources(dir: string): string[] {
  const out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.(ts|tsx)$/.test(name)) out.push(path);
  }
  return out;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

function layerOf(path: string): Layer | undefined {
  const rel = relative(join(ROOT, 'src'), path).split(/[\\/]/)[0];
  return LAYERS.find((l) => l === rel);
}

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

describe('layer arrows (docs/design.md §3)', () => {
  for (const layer of LAYERS) {
    test(`src/${layer} imports only what its layer may`, () => {
      const problems: string[] = [];
      for (const file of sources(join(ROOT, 'src', layer))) {
        for (const spec of importsOf(file)) {
          const where = relative(ROOT, file);
          if (spec.startsWith('.')) {
            const target = layerOf(resolve(dirname(file), spec));
            if (!target) problems.push(`${where} imports ${spec}, outside src/`);
            else if (!ALLOWED[layer].includes(target))
              problems.push(`${where} imports ${spec} (${layer} → ${target})`);
          } else if (layer === 'core') {
            if (builtins.has(spec) || spec.startsWith('node:'))
              problems.push(`${where} imports the Node built-in ${spec}`);
            else if (!CORE_PACKAGES.some((p) => spec === p || spec.startsWith(`${p}/`))) {
              problems.push(
                `${where} imports the package ${spec}; core may use only ${CORE_PACKAGES.join(', ')}`,
              );
            }
          }
        }
      }
      assert.deepEqual(problems, []);
    });
  }

  for (const area of CORE_AREAS) {
    test(`src/core/${area} imports only the core areas below it`, () => {
      const problems: string[] = [];
      const files =
        area === 'policy'
          ? [join(ROOT, 'src', 'core', 'policy.ts')]
          : sources(join(ROOT, 'src', 'core', area));
      for (const file of files) {
        for (const spec of importsOf(file)) {
          if (!spec.startsWith('.')) continue;
          const target = resolve(dirname(file), spec);
          const targetArea = coreAreaOf(target);
          if (targetArea === undefined || targetArea === area) continue;
          const rel = relative(join(ROOT, 'src', 'core'), target);
          const allowed =
            CORE_ALLOWED[area].includes(targetArea) ||
            (area === 'policy' && POLICY_READS_FROM_CABLE.includes(rel));
          if (!allowed)
            problems.push(`${relative(ROOT, file)} imports ${spec} (core/${area} → core/${targetArea})`);
        }
      }
      assert.deepEqual(problems, []);
    });
  }

  test('the checker sees a forbidden import when there is one', () => {
    // Guard against a checker that passes because it reads nothing.
    const coreFiles = sources(join(ROOT, 'src', 'core'));
    assert.ok(coreFiles.length > 10, 'core has sources');
    const all = coreFiles.flatMap(importsOf);
    assert.ok(all.includes('./bytes.ts'), 'imports are parsed');
    assert.equal(layerOf(join(ROOT, 'src', 'server', 'x.ts')), 'server');
    assert.equal(layerOf(join(ROOT, 'src', 'platform', 'node-crypto.ts')), 'platform');
    assert.ok(!ALLOWED.core.includes('platform') && !ALLOWED.web.includes('platform'));
    assert.equal(coreAreaOf(join(ROOT, 'src', 'core', 'crypto', 'hpke', 'x-wing.ts')), 'crypto');
    assert.equal(coreAreaOf(join(ROOT, 'src', 'core', 'valise-error.ts')), 'root');
  });
});
