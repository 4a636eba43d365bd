/**
 * Two app processes over one PostgreSQL (docs/design.md §9: the watch's state is in the
 * store, not in a process): a copied key file spreads its machine-speed scrape over two real
 * HTTP servers on loopback and is still stopped within thirty cables; a number one server
 * saw is a duplicate to the other; and the watch's state survives a restart of both.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/server/app.ts';
import { Checkpointer } from '../../../src/server/log/checkpointer.ts';
import type { SqlStore } from '../../../src/server/store/sql-store.ts';
import { backends } from '../fixtures/backends.ts';
import { device } from '../fixtures/network.ts';
import { lastSequence, nextSequence } from '../fixtures/sequence.ts';
import { TestApi, type Transport } from '../fixtures/test-api.ts';
import { startWatchApp, type WatchApp } from './fixtures.ts';

const postgres = (await backends()).find((b) => b.name === 'postgres')!;

interface Node {
  readonly app: FastifyInstance;
  readonly store: SqlStore;
  readonly address: string;
}

describe('the watch over two app processes on one PostgreSQL', { skip: postgres.skip }, () => {
  let t: WatchApp;
  const nodes: Node[] = [];

  /** Another app process over the same database, listening on loopback. */
  async function startNode(): Promise<Node> {
    const store = await t.database.open();
    const app = await buildApp({
      store,
      root: t.network.root,
      serverSigner: t.serverSigner,
      clock: t.clock,
      checkpointer: new Checkpointer({
        log: store.log,
        network: t.network.root.network,
        key: t.logKey,
        clock: t.clock,
      }),
      rateLimit: { capacity: 1_000_000, refillPerSecond: 1_000_000 },
      unsignedRateLimit: { capacity: 1_000_000, refillPerSecond: 1_000_000 },
      origin: 'http://valise.test',
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const bound = app.server.address();
    const node = {
      app,
      store,
      address: `http://127.0.0.1:${typeof bound === 'object' && bound ? bound.port : 0}`,
    };
    nodes.push(node);
    return node;
  }

  async function stopNode(node: Node): Promise<void> {
    nodes.splice(nodes.indexOf(node), 1);
    await node.app.close();
    await node.store.close();
  }

  /** Signed for the nodes' origin, sent to each node in turn over real HTTP. */
  function spreadOver(over: readonly Node[]): TestApi {
    let turn = 0;
    const transport: Transport = {
      origin: 'http://valise.test',
      async send(call) {
        const node = over[turn++ % over.length]!;
        const response = await fetch(`${node.address}${call.target}`, {
          method: call.method,
          headers: call.headers,
          ...(call.body ? { body: call.body as Uint8Array<ArrayBuffer> } : {}),
        });
        const text = await response.text();
        return {
          status: response.status,
          headers: Object.fromEntries(response.headers),
          text,
          raw: new TextEncoder().encode(text),
          json: text ? JSON.parse(text) : undefined,
        };
      },
    };
    return new TestApi(transport, t.clock);
  }

  before(async () => {
    t = await startWatchApp(postgres, 60);
  });
  after(async () => {
    for (const node of [...nodes]) await stopNode(node);
    await t?.close();
  });

  test('a scrape spread over two servers is stopped within 30 cables, and stays stopped after a restart', async () => {
    const [first, second] = [await startNode(), await startNode()];
    const api = spreadOver([first, second]);
    const claire = device(t.network, 'fr.claire');
    let served = 0;
    let refused: string | undefined;
    // Both servers at once: each request goes to the other server, several in flight.
    for (let i = 0; i < t.cables.length && !refused; i += 4) {
      const answers = await Promise.all(
        t.cables.slice(i, i + 4).map((id) => api.get(`/api/v1/cables/${id}`, { as: claire })),
      );
      for (const got of answers) {
        if (got.status === 200) served++;
        else refused ??= got.json?.error?.code;
      }
    }
    assert.ok(served <= 30, `served ${served} cables over two servers`);
    assert.equal(refused, 'DEVICE_HELD');

    // Both app processes stop; two new ones over the same database still refuse the device.
    await stopNode(first);
    await stopNode(second);
    const restarted = spreadOver([await startNode(), await startNode()]);
    for (let i = 0; i < 2; i++) {
      const got = await restarted.get('/api/v1/inbox', { as: claire });
      assert.equal(got.status, 403);
      assert.equal(got.json.error.code, 'DEVICE_HELD');
    }
  });

  test('a request number one server saw is a duplicate to the other: the copy is suspended', async () => {
    const api = spreadOver(nodes);
    const dan = device(t.network, 'fr.dan');
    assert.equal((await api.get('/api/v1/inbox', { as: dan })).status, 200);
    // The copy signs the number the real device signs next, and sends it to the other server.
    const copied = lastSequence(dan.id) + 1;
    const real = await api.get('/api/v1/inbox', { as: dan, sequence: nextSequence(dan.id) });
    assert.equal(real.status, 200, real.text);
    const copy = await api.get('/api/v1/inbox', { as: dan, sequence: copied });
    assert.equal(copy.status, 403);
    assert.equal(copy.json.error.code, 'DEVICE_SUSPENDED');
    const after = await api.get('/api/v1/inbox', { as: dan });
    assert.equal(after.json.error.code, 'DEVICE_SUSPENDED');
  });
});
