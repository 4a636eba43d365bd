/**
 * `npm run bench -- <name>`: runs one benchmark module (bench/<name>.ts, exporting
 * `run(log)`), prints its human-readable lines, then one last line that is a JSON object
 * `{"bench":"<name>", ...figures}`. Benchmarks measure and print; they never fail on a time.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Figures = Record<string, number | string | boolean | null>;
export type BenchModule = { run(log: (line: string) => void): Promise<Figures> };

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.includes('-cost') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));

const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>   (one of: ${available.join(', ')})`);
  process.exit(2);
}
const mod = (await import(join(here, `${name}.ts`))) as BenchModule;
const figures = await mod.run((line) => console.log(line));
console.log(JSON.stringify({ bench: name, ...figures }));
