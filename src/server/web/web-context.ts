/** What the web layer's hooks and routes are given: the API's context, the options, and the store's web aggregate. */
import type { ServerContext } from '../server-context.ts';
import type { SessionRecord, WebStore } from '../store/web-store.ts';
import type { ResolvedWebOptions } from './web-options.ts';

export interface WebContext {
  readonly ctx: ServerContext;
  readonly options: ResolvedWebOptions;
  readonly store: WebStore;
}

/** How a route treats the session: `required` (default for signed requests of browser devices) or `none`. */
export const SESSION_MODES = ['required', 'none'] as const;
export type SessionMode = (typeof SESSION_MODES)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    session?: SessionMode;
  }
  interface FastifyRequest {
    /** The live browser session of this request, or null (CLI devices, unsigned requests). */
    webSession: SessionRecord | null;
  }
}
