/** What the web layer's hooks and routes are given: the API's context, the options, the store. */
import type { ServerContext } from '../server-context.ts';
import type { ResolvedWebOptions } from './web-options.ts';
import type { SessionRecord, WebStore } from './web-store.ts';

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
