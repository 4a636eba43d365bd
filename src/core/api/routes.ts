/**
 * The HTTP API v1, every route in one table (docs/api.md is checked against it): the server
 * registers exactly these, the SDK and the web worker call them by name.
 */
import { CABLE_ROUTES } from './cable-routes.ts';
import { DIRECTORY_ROUTES } from './directory-routes.ts';
import { LOG_ROUTES } from './log-routes.ts';
import { OFFICER_ACT_ROUTES } from './officer-act-routes.ts';
import type { AnyRoute } from './route.ts';
import { SILENCE_ROUTES } from './silence-routes.ts';
import { WATCH_ROUTES } from './watch-routes.ts';
import { WEB_ROUTES } from './web-routes.ts';

export const API_PREFIX = '/api/v1';

export const ROUTES = {
  ...DIRECTORY_ROUTES,
  ...CABLE_ROUTES,
  ...LOG_ROUTES,
  ...WEB_ROUTES,
  ...WATCH_ROUTES,
  ...SILENCE_ROUTES,
  ...OFFICER_ACT_ROUTES,
} as const;
export type RouteName = keyof typeof ROUTES;

/** Every route, in the table's order. */
export const ROUTE_LIST: readonly AnyRoute[] = Object.values(ROUTES);
