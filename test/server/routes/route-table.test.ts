/**
 * The server serves exactly the routes of the API table (core/api/routes.ts), with the
 * authentication the table names; besides them only the web app's static files. And a route
 * named in an audit event (`request.refused`: `METHOD /path`) always fits the event's bounds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { routeKey } from '../../../src/core/api/route.ts';
import { ROUTE_LIST } from '../../../src/core/api/routes.ts';
import { EVENT_LIMITS } from '../../../src/core/log/log-event.ts';
import { backends } from '../fixtures/backends.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';

const sqlite = (await backends()).find((b) => b.name === 'sqlite')!;
const STATIC = ['GET /', 'GET /assets/*'];

describe('the route table is the server', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(sqlite);
  });
  after(async () => {
    await t?.close();
  });

  test('every route the app serves is in the table, and every route of the table is served', () => {
    const served = t.app.apiRoutes().filter((r) => !STATIC.includes(r));
    assert.deepEqual([...served].sort(), ROUTE_LIST.map(routeKey).sort());
  });

  test('an unsigned request to a route the table says needs a device is refused before any work', async () => {
    for (const route of ROUTE_LIST.filter((r) => r.auth === 'device')) {
      const path = route.path.replace(/:([a-z]+)/gi, 'AAAAAAAAAAAAAAAAAAAAAA');
      const response = await t.api.send(route.method, path, route.method === 'GET' ? {} : { body: {} });
      assert.equal(response.status, 401, `${routeKey(route)}: ${response.text}`);
      assert.equal(response.json.error.code, 'SIGNATURE_MISSING', routeKey(route));
    }
  });

  test('each route, as an audit event names it, fits the event', () => {
    for (const route of ROUTE_LIST) assert.ok(routeKey(route).length <= EVENT_LIMITS.id, routeKey(route));
  });
});
