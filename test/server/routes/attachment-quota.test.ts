/**
 * Attachment quotas and expiry (docs/design.md §7): unlinked blobs count against their
 * device's and organisation's quotas, a refusal is 413 QUOTA_EXCEEDED with nothing stored,
 * linking a blob frees its share, and the sweep removes blobs left unlinked past the grace
 * period (the clock is the test's), each with an `attachment.expired` event, while linked
 * blobs stay fetchable. On every backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sha256 } from '../../../src/core/crypto/sha256.ts';
import { randomBytes, toBase64url } from '../../../src/core/encoding/bytes.ts';
import { sweepAttachments } from '../../../src/server/routes/attachments.ts';
import { DEFAULT_LIMITS } from '../../../src/server/server-context.ts';
import { backends } from '../fixtures/backends.ts';
import { actCounts, auditTypesAfter, lastAuditSeq } from '../fixtures/counts.ts';
import { device, type TestDevice } from '../fixtures/network.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';
import { cableBody, nextPosition, testCable } from '../fixtures/test-cable.ts';

const KIB = 1024;
const limits = {
  attachmentDeviceBytes: 10 * KIB,
  attachmentOrgBytes: 15 * KIB,
  attachmentGraceSeconds: 3600,
};

for (const backend of await backends()) {
  describe(`attachment quotas on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, { deps: { limits } });
    });
    after(async () => {
      await t?.close();
    });

    const upload = async (as: TestDevice, bytes: number) => {
      const blob = randomBytes(bytes);
      const digest = toBase64url(sha256(blob));
      const response = await t.api.send('PUT', `/api/v1/attachments/${digest}`, {
        as,
        body: blob,
        contentType: 'application/octet-stream',
      });
      return { blob, digest, response };
    };

    test('the defaults are generous for people and bounded for a thief', () => {
      assert.equal(DEFAULT_LIMITS.attachmentDeviceBytes, 256 * 1024 * 1024);
      assert.equal(DEFAULT_LIMITS.attachmentOrgBytes, 2048 * 1024 * 1024);
      assert.equal(DEFAULT_LIMITS.attachmentGraceSeconds, 24 * 3600);
    });

    test('quotas per device and per organisation, freed by linking and by expiry', async () => {
      const anna = device(t.network, 'de.anna');
      const carl = device(t.network, 'de.carl');
      const bob = device(t.network, 'de.bob');

      const first = await upload(anna, 6 * KIB);
      assert.equal(first.response.status, 201, first.response.text);
      // 6 + 6 KiB is over Anna's 10 KiB.
      let before = await actCounts(t.store);
      const over = await upload(anna, 6 * KIB);
      assert.equal(over.response.status, 413, over.response.text);
      assert.equal(over.response.json.error.code, 'QUOTA_EXCEEDED');
      assert.match(over.response.json.error.message, /this device/);
      assert.deepEqual(await actCounts(t.store), before);

      // Carl's 6 KiB fits his quota and DE's (12 of 15 KiB); Bob's would make DE hold 18.
      assert.equal((await upload(carl, 6 * KIB)).response.status, 201);
      before = await actCounts(t.store);
      const orgOver = await upload(bob, 6 * KIB);
      assert.equal(orgOver.response.status, 413, orgOver.response.text);
      assert.equal(orgOver.response.json.error.code, 'QUOTA_EXCEEDED');
      assert.match(orgOver.response.json.error.message, /DE/);
      assert.deepEqual(await actCounts(t.store), before);
      // Another organisation's devices are not held to DE's quota.
      assert.equal((await upload(device(t.network, 'fr.claire'), 6 * KIB)).response.status, 201);

      // Anna sends the cable her blob belongs to: it no longer counts, she may upload again.
      const cable = await testCable(t.directory, {
        sender: anna,
        distribution: [{ org: 'FR', role: 'action' }],
        ...(await nextPosition(t.api, anna)),
      });
      const sent = await t.api.post(
        '/api/v1/cables',
        { ...cableBody(cable), attachments: [first.digest] },
        { as: anna },
      );
      assert.equal(sent.status, 201, sent.text);
      const later = await upload(anna, 6 * KIB);
      assert.equal(later.response.status, 201, later.response.text);

      // Past the grace period Carl's unsent blob counts for nothing, and cannot be linked.
      t.clock.advance((limits.attachmentGraceSeconds + 1) * 1000);
      assert.equal((await upload(bob, 6 * KIB)).response.status, 201);
      const stale = await testCable(t.directory, {
        sender: anna,
        distribution: [{ org: 'FR', role: 'action' }],
        sentAt: Math.floor(t.clock.now() / 1000),
        ...(await nextPosition(t.api, anna)),
      });
      const refused = await t.api.post(
        '/api/v1/cables',
        { ...cableBody(stale), attachments: [later.digest] },
        { as: anna },
      );
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.json.error.field, 'attachments');
    });

    test('the sweep removes unlinked blobs past the grace period, each on record; linked ones stay', async () => {
      const anna = device(t.network, 'de.anna');
      const kept = await upload(anna, 100);
      const cable = await testCable(t.directory, {
        sender: anna,
        distribution: [{ org: 'FR', role: 'action' }],
        sentAt: Math.floor(t.clock.now() / 1000),
        ...(await nextPosition(t.api, anna)),
      });
      const sent = await t.api.post(
        '/api/v1/cables',
        { ...cableBody(cable), attachments: [kept.digest] },
        { as: anna },
      );
      assert.equal(sent.status, 201, sent.text);
      const dropped = await upload(anna, 100);
      assert.equal(dropped.response.status, 201);

      t.clock.advance((limits.attachmentGraceSeconds + 1) * 1000);
      const blobsBefore = (await actCounts(t.store)).attachments!;
      const seq = await lastAuditSeq(t.store);
      const removed = await sweepAttachments({
        store: t.store,
        clock: t.clock,
        limits: { ...DEFAULT_LIMITS, ...limits },
      });
      assert.ok(removed >= 1);
      assert.equal((await actCounts(t.store)).attachments, blobsBefore - removed);
      const types = await auditTypesAfter(t.store, seq);
      assert.equal(types.length, removed);
      assert.ok(types.every((type) => type === 'attachment.expired'));
      assert.equal(
        await sweepAttachments({ store: t.store, clock: t.clock, limits: { ...DEFAULT_LIMITS, ...limits } }),
        0,
      );

      const fetched = await t.api.get(`/api/v1/cables/${cable.header.id}/attachments/${kept.digest}`, {
        as: device(t.network, 'fr.claire'),
      });
      assert.equal(fetched.status, 200, fetched.text);
      // The swept one is gone: its bytes are anyone's to upload afresh (409 while it was stored).
      const again = await t.api.send('PUT', `/api/v1/attachments/${dropped.digest}`, {
        as: device(t.network, 'de.carl'),
        body: dropped.blob,
        contentType: 'application/octet-stream',
      });
      assert.equal(again.status, 201, again.text);
    });
  });
}
