/**
 * docs/api.md is checked against the contract in code: every route of the API table
 * (core/api/routes.ts) has its row, no row names a route that does not exist, and the
 * error table lists every code of core/api/error-codes.ts with its status, and nothing else.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ERROR_CODES, isErrorCode } from '../../src/core/api/error-codes.ts';
import { routeKey } from '../../src/core/api/route.ts';
import { ROUTE_LIST } from '../../src/core/api/routes.ts';

const DOC = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'api.md'), 'utf8');

/** `METHOD /path` of every table row that starts with a route, query strings left out. */
function documentedRoutes(markdown: string): string[] {
  const routes: string[] = [];
  for (const line of markdown.split('\n')) {
    const match = /^\|\s*`(GET|POST|PUT|DELETE|PATCH) (\/[^`?\s]*)(?:\?[^`]*)?`/.exec(line);
    if (match) routes.push(`${match[1]} ${match[2]}`);
  }
  return routes;
}

/** `[code, status]` of every row of the error table (`| \`CODE\` | 400 | … |`). */
function documentedCodes(markdown: string): [string, number][] {
  const rows: [string, number][] = [];
  for (const line of markdown.split('\n')) {
    const match = /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|\s*(\d{3})\s*\|/.exec(line);
    if (match) rows.push([match[1]!, Number(match[2])]);
  }
  return rows;
}

test('every route of the API table is documented once, and docs/api.md names no other', () => {
  const documented = documentedRoutes(DOC);
  const table = ROUTE_LIST.map(routeKey);
  assert.deepEqual(
    documented.filter((r) => !table.includes(r)),
    [],
    'routes in docs/api.md that the API does not have',
  );
  assert.deepEqual(
    table.filter((r) => !documented.includes(r)),
    [],
    'routes of the API that docs/api.md does not document',
  );
  assert.equal(new Set(documented).size, documented.length, 'a route documented twice');
});

test('the error table lists every code with its status, and no other code', () => {
  const rows = documentedCodes(DOC);
  const codes = Object.keys(ERROR_CODES).filter(isErrorCode);
  assert.deepEqual(
    rows.filter(([code]) => !isErrorCode(code)).map(([code]) => code),
    [],
    'codes in docs/api.md that the API does not have',
  );
  assert.deepEqual(
    codes.filter((code) => !rows.some(([c]) => c === code)),
    [],
    'codes of the API that docs/api.md does not list',
  );
  for (const [code, status] of rows) {
    if (isErrorCode(code)) assert.equal(status, ERROR_CODES[code].status, `${code} in docs/api.md`);
  }
});

test('the checks find what they look for', () => {
  assert.deepEqual(documentedRoutes('| `GET /api/v1/inbox?limit=5` | device |\n| `POST /x` |'), [
    'GET /api/v1/inbox',
    'POST /x',
  ]);
  assert.deepEqual(documentedCodes('| `NOT_FOUND` | 404 | no such route |'), [['NOT_FOUND', 404]]);
});
