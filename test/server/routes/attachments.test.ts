/**
 * PUT /attachments/:digest and GET /cables/:id/attachments/:digest: uploads are
 * content-addressed and idempotent, a cable links the digests its sender lists, and only a
 * device entitled to the cable fetches a linked blob, after an attachment.fetched event.
 * On every backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sha256 } from '../../../src/core/crypto/sha256.ts';
import { randomBytes, toBase64url } from '../../../src/core/encoding/bytes.ts';
import { parseLogEvent } from '../../../src/core/log/log-event.ts';
import { MAX_ATTACHMENT_BYTES } from '../../../src/server/routes/attachments.ts';
import { backends } from '../fixtures/backends.ts';
import { actCounts, auditTypesAfter, lastAuditSeq } from '../fixtures/counts.ts';
import { device, type TestDevice } from '../fixtures/network.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';
import { cableBody, nextPosition, testCable } from '../fixtures/test-cable.ts';

for (const backend of await backends()) {
  describe(`attachments on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => {
      await t?.close();
    });

    const put = (blob: Uint8Array, digest: string, as: TestDevice) =>
      t.api.send('PUT', `/api/v1/attachments/${digest}`, {
        as,
        body: blob,
        contentType: 'application/octet-stream',
      });

    async function send(attachments: string[], sender = device(t.network, 'de.anna')) {
      const cable = await testCable(t.directory, {
        sender,
        distribution: [{ org: 'FR', role: 'action' }],
        ...(await nextPosition(t.api, sender)),
      });
      const response = await t.api.post(
        '/api/v1/cables',
        { ...cableBody(cable), attachments },
        { as: sender },
      );
      return { id: cable.header.id, response };
    }

    test('upload (idempotent), link, entitled fetch byte-identical, others 404', async () => {
      const anna = device(t.network, 'de.anna');
      const blob = randomBytes(5000);
      const digest = toBase64url(sha256(blob));
      const first = await put(blob, digest, anna);
      assert.equal(first.status, 201, first.text);
      const before = await actCounts(t.store);
      assert.equal((await put(blob, digest, anna)).status, 200);
      assert.deepEqual(await actCounts(t.store), before);

      const { id, response } = await send([digest]);
      assert.equal(response.status, 201, response.text);
      assert.equal((await actCounts(t.store)).cable_attachments, before.cable_attachments! + 1);

      const seq = await lastAuditSeq(t.store);
      const fetched = await t.api.get(`/api/v1/cables/${id}/attachments/${digest}`, {
        as: device(t.network, 'fr.claire'),
      });
      assert.equal(fetched.status, 200, fetched.text);
      assert.equal(fetched.headers['content-type'], 'application/octet-stream');
      assert.deepEqual(fetched.raw, blob);
      assert.deepEqual(await auditTypesAfter(t.store, seq), ['attachment.fetched']);

      const after = await lastAuditSeq(t.store);
      const eva = await t.api.get(`/api/v1/cables/${id}/attachments/${digest}`, {
        as: device(t.network, 'cy.eva'),
      });
      assert.equal(eva.status, 404);
      assert.deepEqual(await auditTypesAfter(t.store, after), ['request.refused']);

      // A blob uploaded but not linked to this cable is not served through it.
      const other = randomBytes(10);
      const otherDigest = toBase64url(sha256(other));
      assert.equal((await put(other, otherDigest, anna)).status, 201);
      const unlinked = await t.api.get(`/api/v1/cables/${id}/attachments/${otherDigest}`, {
        as: device(t.network, 'fr.claire'),
      });
      assert.equal(unlinked.status, 404);
    });

    test('the bytes fetched are the bytes uploaded', async () => {
      const anna = device(t.network, 'de.anna');
      const blob = randomBytes(60_000);
      const digest = toBase64url(sha256(blob));
      assert.equal((await put(blob, digest, anna)).status, 201);
      const { id, response } = await send([digest]);
      assert.equal(response.status, 201, response.text);
      const fetched = await t.api.get(`/api/v1/cables/${id}/attachments/${digest}`, {
        as: device(t.network, 'fr.claire'),
      });
      assert.equal(fetched.status, 200);
      assert.equal(toBase64url(sha256(fetched.raw)), digest);
    });

    test('a body that is not the digest named is 422, and nothing is stored', async () => {
      const before = await actCounts(t.store);
      const blob = randomBytes(100);
      const response = await put(blob, toBase64url(sha256(randomBytes(100))), device(t.network, 'de.anna'));
      assert.equal(response.status, 422, response.text);
      assert.equal(response.json.error.code, 'CIPHERTEXT_MISMATCH');
      assert.equal((await put(blob, 'not-a-digest', device(t.network, 'de.anna'))).status, 400);
      assert.deepEqual(await actCounts(t.store), before);
    });

    test('an attachment over the limit is 413', async () => {
      const blob = new Uint8Array(MAX_ATTACHMENT_BYTES + 1);
      const response = await put(blob, toBase64url(sha256(blob)), device(t.network, 'de.anna'));
      assert.equal(response.status, 413, response.text);
    });

    test('a cable listing an attachment never uploaded is refused, and nothing is stored', async () => {
      const before = await actCounts(t.store);
      const { response } = await send([toBase64url(sha256(randomBytes(8)))]);
      assert.equal(response.status, 400, response.text);
      assert.equal(response.json.error.field, 'attachments');
      assert.deepEqual(await actCounts(t.store), before);
    });

    test('an upload is an attachment.uploaded event naming its device, digest and size', async () => {
      const anna = device(t.network, 'de.anna');
      const blob = randomBytes(321);
      const digest = toBase64url(sha256(blob));
      const seq = await lastAuditSeq(t.store);
      assert.equal((await put(blob, digest, anna)).status, 201);
      const events = await t.store.auditEvents(seq, 10);
      assert.deepEqual(
        events.map((e) => e.type),
        ['attachment.uploaded'],
      );
      const event = parseLogEvent(events[0]!.event);
      assert.deepEqual(event.actor, { org: 'DE', user: 'de.anna', device: anna.id });
      assert.deepEqual(event.object, { kind: 'attachment', id: digest, org: 'DE' });
      assert.equal(event.detail.size, 321);
    });

    test("a device not entitled to a cable cannot link its attachment's digest to its own cable and fetch it", async () => {
      const anna = device(t.network, 'de.anna');
      const eva = device(t.network, 'cy.eva');
      const blob = randomBytes(2000);
      const digest = toBase64url(sha256(blob));
      assert.equal((await put(blob, digest, anna)).status, 201);
      const { id: annas } = await send([digest]);
      // Eva learnt the digest (a header, a log line); she is not entitled to Anna's cable.
      assert.equal(
        (await t.api.get(`/api/v1/cables/${annas}/attachments/${digest}`, { as: eva })).status,
        404,
      );
      const before = await actCounts(t.store);
      const { id, response } = await send([digest], eva);
      assert.equal(response.status, 403, response.text);
      assert.equal(response.json.error.code, 'ATTACHMENT_NOT_YOURS');
      assert.equal(response.json.error.field, 'attachments');
      assert.deepEqual(await actCounts(t.store), before);
      const through = await t.api.get(`/api/v1/cables/${id}/attachments/${digest}`, { as: eva });
      assert.equal(through.status, 404);
      // Uploading the same bytes again does not make her their uploader either.
      const again = await put(blob, digest, eva);
      assert.equal(again.status, 409, again.text);
      assert.equal(again.json.error.code, 'ALREADY_EXISTS');
      assert.equal((await send([digest], eva)).response.json.error.code, 'ATTACHMENT_NOT_YOURS');
    });

    test('a blob is linked once: its own uploader cannot link it to a second cable', async () => {
      const anna = device(t.network, 'de.anna');
      const blob = randomBytes(700);
      const digest = toBase64url(sha256(blob));
      assert.equal((await put(blob, digest, anna)).status, 201);
      assert.equal((await send([digest])).response.status, 201);
      const before = await actCounts(t.store);
      const { response } = await send([digest]);
      assert.equal(response.status, 409, response.text);
      assert.equal(response.json.error.code, 'ATTACHMENT_LINKED');
      assert.deepEqual(await actCounts(t.store), before);
      // Another device of the same person is another device.
      const other = randomBytes(50);
      const otherDigest = toBase64url(sha256(other));
      assert.equal((await put(other, otherDigest, device(t.network, 'de.anna.2'))).status, 201);
      assert.equal((await send([otherDigest])).response.json.error.code, 'ATTACHMENT_NOT_YOURS');
    });
  });
}
