/**
 * Serves the built web app (`vite build` → dist/web): `GET /` is index.html, `GET /assets/*`
 * the hashed scripts, styles and the worker. Files are read once at start and kept with
 * their Brotli and gzip forms. The app's answers carry their own strict CSP (scripts and
 * styles from this origin only, no inline script, no framing, no plugins, no <base>), set
 * after the API's headers in this plugin's own onSend hook.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServerError } from '../server-error.ts';

export const APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'";

const TYPES: { readonly [ext: string]: string } = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

interface StaticFile {
  readonly type: string;
  readonly raw: Buffer;
  readonly br: Buffer;
  readonly gzip: Buffer;
}

function load(path: string): StaticFile {
  const raw = readFileSync(path);
  return {
    type: TYPES[extname(path)] ?? 'application/octet-stream',
    raw,
    br: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    gzip: gzipSync(raw, { level: 9 }),
  };
}

/** Every file of the build, by URL path. */
export function loadWebApp(appDir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const index = join(appDir, 'index.html');
  if (!existsSync(index)) return files;
  files.set('/', load(index));
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
      else files.set(`${prefix}${name}`, load(path));
    }
  };
  const assets = join(appDir, 'assets');
  if (existsSync(assets)) walk(assets, '/assets/');
  return files;
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  file: StaticFile,
  immutable: boolean,
): FastifyReply {
  const accepted = String(request.headers['accept-encoding'] ?? '');
  reply.type(file.type).header('vary', 'accept-encoding');
  reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-store');
  if (/\bbr\b/.test(accepted)) return reply.header('content-encoding', 'br').send(file.br);
  if (/\bgzip\b/.test(accepted)) return reply.header('content-encoding', 'gzip').send(file.gzip);
  return reply.send(file.raw);
}

export function serveWebApp(app: FastifyInstance, appDir: string | undefined): void {
  const files = appDir === undefined ? new Map<string, StaticFile>() : loadWebApp(appDir);
  app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      reply.header('content-security-policy', APP_CSP);
      reply.header('cross-origin-opener-policy', 'same-origin');
      return payload;
    });
    const notBuilt = () =>
      new ServerError(
        'NOT_FOUND',
        'this node serves no web app (build it with npm run build:web, then restart)',
      );
    scope.get('/', { config: { auth: 'none', session: 'none' } }, async (request, reply) => {
      const index = files.get('/');
      if (!index) throw notBuilt();
      return send(request, reply, index, false);
    });
    scope.get('/assets/*', { config: { auth: 'none', session: 'none' } }, async (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      const file = files.get(path);
      if (!file) throw files.size === 0 ? notBuilt() : new ServerError('NOT_FOUND', `no such file ${path}`);
      return send(request, reply, file, true);
    });
  });
}
