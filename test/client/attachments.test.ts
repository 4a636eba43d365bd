/**
 * Attachments through the SDK: sendCable seals and uploads each file before the
 * cable, describes it in the encrypted content and lists its digest beside the cable;
 * fetchAttachment downloads the ciphertext and opens it byte-identical, and refuses a blob
 * that is not the one the signed content describes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiClient } from '../../src/client/api-client.ts';
import { fixedClock } from '../../src/client/clock.ts';
import { fetchAttachment } from '../../src/client/read-cable.ts';
import { sendCable } from '../../src/client/send-cable.ts';
import { CableError } from '../../src/core/cable/cable-error.ts';
import { cableHash } from '../../src/core/cable/cable-header.ts';
import { openCable } from '../../src/core/cable/open-cable.ts';
import { decodeSealedCable } from '../../src/core/cable/sealed-cable.ts';
import { generateSigner, signLabelled } from '../../src/core/crypto/ed25519.ts';
import { LABELS } from '../../src/core/crypto/labels.ts';
import { sha256 } from '../../src/core/crypto/sha256.ts';
import { randomBytes, toBase64url } from '../../src/core/encoding/bytes.ts';
import { encodeCanonical } from '../../src/core/encoding/canonical-json.ts';
import { openDirectory } from '../../src/core/identity/directory.ts';
import { counter, errorResponse, fakeFetch, jsonResponse, type SentRequest } from './fake-fetch.ts';
import { T0, testNetwork } from './test-network.ts';

describe('attachments through sendCable and fetchAttachment', () => {
  test('a cable with two attachments is sent and its attachments read back byte-identical', async () => {
    const net = await testNetwork();
    await net.addOrg('DE');
    await net.addOrg('FR');
    await net.addUser('DE', 'de.anna', { groups: ['COEST'] });
    const anna = await net.addDevice('DE', 'de.anna');
    await net.addUser('FR', 'fr.paul', { groups: ['COEST'] });
    const paul = await net.addDevice('FR', 'fr.paul');
    const directory = await openDirectory(net.root, net.entries);
    const server = await generateSigner();

    // A fake server: blobs by digest (checked as the real one does), and the posted cable.
    const blobs = new Map<string, Uint8Array>();
    let posted: SentRequest | undefined;
    const { fetch, sent } = fakeFetch(async (r) => {
      const path = r.url.pathname;
      if (r.method === 'PUT') {
        const digest = path.split('/').at(-1)!;
        assert.equal(r.headers['content-type'], 'application/octet-stream');
        assert.equal(toBase64url(sha256(r.body)), digest);
        blobs.set(digest, r.body);
        return jsonResponse(201, { digest });
      }
      if (r.method === 'GET' && path.endsWith('/head'))
        return jsonResponse(200, { serial: 0, year: 2026, hash: null });
      if (r.method === 'GET') {
        const blob = blobs.get(path.split('/').at(-1)!);
        return blob
          ? new Response(blob as Uint8Array<ArrayBuffer>)
          : errorResponse(404, 'NOT_FOUND', 'no such attachment');
      }
      posted = r;
      const cable = decodeSealedCable((r.json as { cable: unknown }).cable, 'cable');
      const reference = `DE/${cable.header.serial}/26`;
      const hash = toBase64url(cableHash(cable.header, cable.signature));
      const acceptedAt = T0 + 1;
      const signature = await signLabelled(
        server,
        LABELS.receipt,
        encodeCanonical({ cable: cable.header.id, reference, hash, acceptedAt }),
      );
      return jsonResponse(201, {
        receipt: { cable: cable.header.id, reference, hash, acceptedAt, signature: toBase64url(signature) },
      });
    });
    const api = (device: { device: string; signer: typeof anna.signer }) =>
      new ApiClient({
        server: 'http://127.0.0.1:1',
        fetch,
        clock: fixedClock(T0),
        device: { id: device.device, signer: device.signer, sequence: counter() },
      });

    const report = new TextEncoder().encode('Annex A: figures.\n'.repeat(10_000));
    const image = randomBytes(50_000);
    const result = await sendCable({
      session: {
        api: api(anna),
        device: anna,
        directory,
        network: { root: net.root, serverKey: server.publicKey },
        clock: fixedClock(T0),
      },
      draft: {
        classification: 'RESTREINT UE',
        precedence: 'ROUTINE',
        distribution: [{ org: 'FR', role: 'action' }],
        groups: ['COEST'],
      },
      content: { subject: 'With annexes', body: 'See the annexes.' },
      attachments: [
        { name: 'annex-a.txt', type: 'text/plain', data: report },
        { name: 'photo.png', type: 'image/png', data: image },
      ],
    });
    assert.equal(result.reference, 'DE/1/26');
    // Uploaded before the cable, and listed beside it.
    assert.deepEqual(
      sent.map((r) => r.method),
      ['PUT', 'PUT', 'GET', 'POST'],
    );
    assert.deepEqual((posted!.json as { attachments: string[] }).attachments, [...blobs.keys()]);
    // The server holds ciphertext only.
    for (const blob of blobs.values()) assert.ok(!Buffer.from(blob).includes(Buffer.from('Annex A')));

    const cable = decodeSealedCable((posted!.json as { cable: unknown }).cable, 'cable');
    const opened = await openCable(cable, {
      directory,
      recipient: { device: paul.device, privateKey: paul.kemPrivateKey },
    });
    const [a, b] = opened.content.attachments;
    assert.deepEqual(
      opened.content.attachments.map((d) => [d.name, d.type, d.size]),
      [
        ['annex-a.txt', 'text/plain', report.length],
        ['photo.png', 'image/png', image.length],
      ],
    );
    const session = { api: api(paul) };
    assert.deepEqual(await fetchAttachment(session, cable.header.id, a!), report);
    assert.deepEqual(await fetchAttachment(session, cable.header.id, b!), image);

    // A server swapping one blob for another is caught by the descriptor in the signed content.
    blobs.set(toBase64url(a!.digest), blobs.get(toBase64url(b!.digest))!);
    await assert.rejects(fetchAttachment(session, cable.header.id, a!), (e) => e instanceof CableError);
  });
});
