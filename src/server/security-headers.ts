/**
 * Headers on every answer, errors included: the API serves JSON only, so nothing may be
 * framed, sniffed, cached, referred or loaded by it (OWASP Secure Headers for APIs).
 * Every header is forced except the caching rule, which a route may set for itself: the
 * web app's content-hashed assets are `immutable` (serve-web-app.ts). A route that says
 * nothing gets `no-store`.
 */
import type { FastifyInstance } from 'fastify';

export const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
} as const;

export function addSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    const cacheControl = reply.getHeader('cache-control');
    reply.headers(SECURITY_HEADERS);
    if (cacheControl !== undefined) reply.header('cache-control', cacheControl);
    return payload;
  });
}
