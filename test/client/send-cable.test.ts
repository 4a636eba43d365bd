import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiClient } from '../../src/client/api-client.ts';
import { ClientError } from '../../src/client/client-error.ts';
import { fixedClock } from '../../src/client/clock.ts';
import type { SendRequest } from '../../src/client/send-cable.ts';
import { nextPosition, sendCable } from '../../src/client/send-cable.ts';
import { cableHash } from '../../src/core/cable/cable-header.ts';
import { openCable } from '../../src/core/cable/open-cable.ts';
import type { SealedCable } from '../../src/core/cable/sealed-cable.ts';
import { decodeSealedCable } from '../../src/core/cable/sealed-cable.ts';
import type { Signer } from '../../src/core/crypto/ed25519.ts';
import { generateSigner, signLabelled } from '../../src/core/crypto/ed25519.ts';
import { LABELS } from '../../src/core/crypto/labels.ts';
import { randomBytes, toBase64url } from '../../src/core/encoding/bytes.ts';
import { encodeCanonical } from '../../src/core/encoding/canonical-json.ts';
import { openDirectory } from '../../src/core/identity/directory.ts';
import type { Handler, SentRequest } from './fake-fetch.ts';
import { counter, errorResponse, fakeFetch, jsonResponse } from './fake-fetch.ts';
import { T0, testNetwork } from './test-network.ts';

const YEAR = 2026;

async function setup() {
  const net = await testNetwork();
  await net.addOrg('DE');
  await net.addOrg('FR');
  await net.addUser('DE', 'de.anna', { groups: ['COEST'] });
  const anna = await net.addDevice('DE', 'de.anna');
  await net.addUser('FR', 'fr.paul', { groups: ['COEST'] });
  const paul = await net.addDevice('FR', 'fr.paul');
  const directory = await openDirectory(net.root, net.entries);
  const server = await generateSigner();
  return { net, anna, paul, directory, server };
}

async function receiptFor(server: Signer, cable: SealedCable, acceptedAt = T0 + 1) {
  const reference = `DE/${cable.header.serial}/26`;
  const hash = toBase64url(cableHash(cable.header, cable.signature));
  const signature = await signLabelled(
    server,
    LABELS.receipt,
    encodeCanonical({ cable: cable.header.id, reference, hash, acceptedAt }),
  );
  return {
    receipt: { cable: cable.header.id, reference, hash, acceptedAt, signature: toBase64url(signature) },
  };
}

function cableOf(request: SentRequest): SealedCable {
  return decodeSealedCable((request.json as { cable: unknown }).cable, 'cable');
}

const request = (ctx: Awaited<ReturnType<typeof setup>>, handler: Handler, attempts?: number) => {
  const { fetch, sent } = fakeFetch(handler);
  const send: SendRequest = {
    session: {
      api: new ApiClient({
        server: 'http://127.0.0.1:1',
        fetch,
        clock: fixedClock(T0),
        device: { id: ctx.anna.device, signer: ctx.anna.signer, sequence: counter() },
      }),
      device: ctx.anna,
      directory: ctx.directory,
      network: { root: ctx.net.root, serverKey: ctx.server.publicKey },
      clock: fixedClock(T0),
    },
    draft: {
      classification: 'RESTREINT UE',
      precedence: 'IMMEDIATE',
      distribution: [{ org: 'FR', role: 'action' }],
      groups: ['COEST'],
    },
    content: { subject: 'Sanctions', body: 'Text of the cable.' },
    ...(attempts === undefined ? {} : { attempts }),
  };
  return { send, sent };
};

function isClientError(code: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ClientError, `expected a ClientError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

describe('sendCable', () => {
  test('the first cable of an org is serial 1 with no prev, and its receipt is verified', async () => {
    const ctx = await setup();
    const { send, sent } = request(ctx, async (r) => {
      if (r.method === 'GET') return jsonResponse(200, { serial: 0, year: YEAR, hash: null });
      return jsonResponse(201, await receiptFor(ctx.server, cableOf(r)));
    });
    const result = await sendCable(send);
    assert.equal(result.reference, 'DE/1/26');
    assert.equal(result.header.serial, 1);
    assert.equal(result.header.prev, undefined);
    assert.deepEqual(
      sent.map((r) => `${r.method} ${r.url.pathname}`),
      ['GET /api/v1/orgs/DE/head', 'POST /api/v1/cables'],
    );
    // Sealed for exactly the entitled devices: the sender and the FR COEST member.
    assert.deepEqual([...result.header.recipients], [ctx.anna.device, ctx.paul.device].sort());
  });

  test('on 409 SERIES_CONFLICT the cable is re-signed at the head the server returned, never sealed again', async () => {
    const ctx = await setup();
    const otherHash = randomBytes(32);
    const posted: SealedCable[] = [];
    const { send } = request(ctx, async (r) => {
      if (r.method === 'GET') return jsonResponse(200, { serial: 0, year: YEAR, hash: null });
      posted.push(cableOf(r));
      if (posted.length === 1) {
        return errorResponse(409, 'SERIES_CONFLICT', 'DE/1/26 is taken', {
          head: { serial: 1, year: YEAR, hash: toBase64url(otherHash) },
        });
      }
      return jsonResponse(201, await receiptFor(ctx.server, posted.at(-1)!));
    });
    const result = await sendCable(send);
    assert.equal(posted.length, 2);
    const [first, second] = posted as [SealedCable, SealedCable];
    assert.equal(first.header.serial, 1);
    assert.equal(second.header.serial, 2);
    assert.deepEqual(second.header.prev, otherHash);
    assert.equal(result.reference, 'DE/2/26');
    // Same id, content and wraps: the expensive sealing happened once.
    assert.equal(second.header.id, first.header.id);
    assert.deepEqual(second.content, first.content);
    assert.deepEqual(second.wraps, first.wraps);
    // The re-signed cable is valid: the recipient opens it and sees the sender's signature.
    const opened = await openCable(second, {
      directory: ctx.directory,
      recipient: { device: ctx.paul.device, privateKey: ctx.paul.kemPrivateKey },
    });
    assert.equal(opened.content.subject, 'Sanctions');
    assert.equal(opened.signedBy.user.user, 'de.anna');
  });

  test('a 409 without a head makes the client ask for the head again', async () => {
    const ctx = await setup();
    let heads = 0;
    let posts = 0;
    const { send } = request(ctx, async (r) => {
      if (r.method === 'GET') {
        heads++;
        return jsonResponse(
          200,
          heads === 1
            ? { serial: 0, year: YEAR, hash: null }
            : { serial: 7, year: YEAR, hash: toBase64url(randomBytes(32)) },
        );
      }
      posts++;
      if (posts === 1) return errorResponse(409, 'SERIES_CONFLICT', 'taken');
      return jsonResponse(201, await receiptFor(ctx.server, cableOf(r)));
    });
    assert.equal((await sendCable(send)).reference, 'DE/8/26');
    assert.equal(heads, 2);
  });

  test('a head from last year starts the serials again at 1, chained to that last cable', () => {
    const hash = randomBytes(32);
    assert.deepEqual(nextPosition({ serial: 812, year: YEAR - 1, hash }, YEAR), { serial: 1, prev: hash });
    assert.deepEqual(nextPosition({ serial: 812, year: YEAR, hash }, YEAR), { serial: 813, prev: hash });
    assert.deepEqual(nextPosition({ serial: 0, year: YEAR, hash: null }, YEAR), { serial: 1 });
  });

  test('a series that keeps moving gives up after the allowed attempts with SERIES_BUSY', async () => {
    const ctx = await setup();
    let posts = 0;
    const { send } = request(
      ctx,
      async (r) => {
        if (r.method === 'GET') return jsonResponse(200, { serial: 0, year: YEAR, hash: null });
        posts++;
        return errorResponse(409, 'SERIES_CONFLICT', 'taken', {
          head: { serial: posts, year: YEAR, hash: toBase64url(randomBytes(32)) },
        });
      },
      3,
    );
    await assert.rejects(sendCable(send), isClientError('SERIES_BUSY'));
    assert.equal(posts, 3);
  });

  test('a receipt that does not verify under the pinned server key is RECEIPT_INVALID', async () => {
    const ctx = await setup();
    const impostor = await generateSigner();
    for (const forge of [
      (c: SealedCable) => receiptFor(impostor, c),
      async (c: SealedCable) => {
        const r = await receiptFor(ctx.server, c);
        return { receipt: { ...r.receipt, reference: 'DE/99/26' } };
      },
      async (c: SealedCable) => {
        const r = await receiptFor(ctx.server, c);
        return { receipt: { ...r.receipt, hash: toBase64url(randomBytes(32)) } };
      },
    ]) {
      const { send } = request(ctx, async (r) =>
        r.method === 'GET'
          ? jsonResponse(200, { serial: 0, year: YEAR, hash: null })
          : jsonResponse(201, await forge(cableOf(r))),
      );
      await assert.rejects(sendCable(send), isClientError('RECEIPT_INVALID'));
    }
  });

  test("other refusals carry the server's code unchanged", async () => {
    const ctx = await setup();
    const { send } = request(ctx, (r) =>
      r.method === 'GET'
        ? jsonResponse(200, { serial: 0, year: YEAR, hash: null })
        : errorResponse(422, 'WRAPPED_SET_MISMATCH', 'the wrapped set differs from policy'),
    );
    await assert.rejects(sendCable(send), isClientError('WRAPPED_SET_MISMATCH'));
  });
});
