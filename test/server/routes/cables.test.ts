/**
 * POST /cables and GET /cables/:id: acceptance, receipts, idempotency, series conflicts and
 * delivery of one wrap per device. On every backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { resignCable } from '../../../src/core/cable/seal-cable.ts';
import { sealedCableDocument } from '../../../src/core/cable/sealed-cable.ts';
import { fromBase64url } from '../../../src/core/encoding/bytes.ts';
import {
  type BytesValue,
  encodeJsonWithBytes,
  JSON_WITH_BYTES_TYPE,
} from '../../../src/core/encoding/json-with-bytes.ts';
import { verifyReceipt } from '../../../src/server/receipt.ts';
import { backends } from '../fixtures/backends.ts';
import { actCounts, auditTypesAfter, lastAuditSeq } from '../fixtures/counts.ts';
import { device, T0 } from '../fixtures/network.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';
import { cableBody, hashOf, nextPosition, testCable } from '../fixtures/test-cable.ts';

function receiptOf(json: { receipt: Record<string, string | number> }) {
  const r = json.receipt;
  return {
    cable: r.cable as string,
    reference: r.reference as string,
    hash: fromBase64url(r.hash as string)!,
    acceptedAt: r.acceptedAt as number,
    signature: fromBase64url(r.signature as string)!,
  };
}

for (const backend of await backends()) {
  describe(`/cables on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => {
      await t?.close();
    });

    const toFr = [{ org: 'FR', role: 'action' as const }];

    async function send(name = 'de.anna', spec: Partial<Parameters<typeof testCable>[1]> = {}) {
      const sender = device(t.network, name);
      const cable = await testCable(t.directory, {
        sender,
        distribution: toFr,
        ...(await nextPosition(t.api, sender)),
        ...spec,
      });
      return { cable, response: await t.api.post('/api/v1/cables', cableBody(cable), { as: sender }) };
    }

    test('an accepted cable is answered 201 with a receipt signed by the server key', async () => {
      const { cable, response } = await send();
      assert.equal(response.status, 201, response.text);
      const receipt = receiptOf(response.json);
      assert.equal(receipt.cable, cable.header.id);
      assert.equal(receipt.reference, `DE/${cable.header.serial}/26`);
      assert.deepEqual(receipt.hash, hashOf(cable));
      assert.equal(receipt.acceptedAt, T0);
      const network = await t.api.get('/api/v1/network');
      assert.equal(await verifyReceipt(fromBase64url(network.json.serverKey)!, receipt), true);
      assert.equal(await verifyReceipt(fromBase64url(network.json.rootKey)!, receipt), false);
    });

    test('the cable, all its wraps and one cable.accepted event are stored together', async () => {
      const before = await actCounts(t.store);
      const seq = await lastAuditSeq(t.store);
      const { cable, response } = await send('de.anna', {
        groups: ['COEST'],
        distribution: [...toFr, { org: 'CY', role: 'info' }],
      });
      assert.equal(response.status, 201);
      const after = await actCounts(t.store);
      assert.equal(after.cables, before.cables! + 1);
      assert.equal(after.wraps, before.wraps! + cable.wraps.length);
      assert.deepEqual(await auditTypesAfter(t.store, seq), ['cable.accepted']);
    });

    test('the identical cable sent again gets its original receipt (200), even after the series moved on', async () => {
      const { cable, response } = await send();
      t.clock.advance(5000);
      try {
        await send();
        const before = await actCounts(t.store);
        const again = await t.api.post('/api/v1/cables', cableBody(cable), {
          as: device(t.network, 'de.anna'),
        });
        assert.equal(again.status, 200, again.text);
        assert.deepEqual(again.json, response.json);
        assert.deepEqual(await actCounts(t.store), before);
      } finally {
        t.clock.set(T0 * 1000);
      }
    });

    test('a cable sent as JSON with a bytes section is the cable sent as JSON: stored whole, delivered byte for byte, the same receipt again', async () => {
      const anna = device(t.network, 'de.anna');
      const claire = device(t.network, 'fr.claire');
      const cable = await testCable(t.directory, {
        sender: anna,
        distribution: toFr,
        ...(await nextPosition(t.api, anna)),
      });
      const before = await actCounts(t.store);
      const raw = encodeJsonWithBytes({ cable: sealedCableDocument(cable) });
      const response = await t.api.post('/api/v1/cables', raw, {
        as: anna,
        contentType: JSON_WITH_BYTES_TYPE,
      });
      assert.equal(response.status, 201, response.text);
      assert.equal(receiptOf(response.json).cable, cable.header.id);
      const after = await actCounts(t.store);
      assert.equal(after.wraps, before.wraps! + cable.wraps.length);
      const got = (await t.api.get(`/api/v1/cables/${cable.header.id}`, { as: claire })).json.cable;
      assert.deepEqual(fromBase64url(got.wraps[0].enc), cable.wraps.find((w) => w.device === claire.id)!.enc);
      assert.deepEqual(fromBase64url(got.content), cable.content);
      // The same cable as plain JSON is the same cable: its receipt again, nothing new stored.
      const again = await t.api.post('/api/v1/cables', cableBody(cable), { as: anna });
      assert.equal(again.status, 200, again.text);
      assert.deepEqual(again.json, response.json);
      assert.deepEqual(await actCounts(t.store), after);
    });

    test('in a body with a bytes section, bytes where text belongs and a wrap of the wrong size are 400 naming the field; nothing is stored', async () => {
      const anna = device(t.network, 'de.anna');
      const cable = await testCable(t.directory, {
        sender: anna,
        distribution: toFr,
        ...(await nextPosition(t.api, anna)),
      });
      const document = sealedCableDocument(cable) as { [field: string]: BytesValue };
      const wraps = document.wraps as { [field: string]: BytesValue }[];
      const before = await actCounts(t.store);
      for (const [what, changed, field] of [
        [
          'a device id as bytes',
          { ...document, wraps: [{ ...wraps[0], device: Uint8Array.of(1, 2) }, ...wraps.slice(1)] },
          'cable.wraps[0].device',
        ],
        [
          'a short enc',
          { ...document, wraps: [{ ...wraps[0], enc: new Uint8Array(1119) }, ...wraps.slice(1)] },
          'cable.wraps[0].enc',
        ],
        [
          'the sending org as bytes',
          {
            ...document,
            header: {
              ...(document.header as { [field: string]: BytesValue }),
              org: Uint8Array.of(0x44, 0x45),
            },
          },
          'cable.header.org',
        ],
      ] as const) {
        const response = await t.api.post('/api/v1/cables', encodeJsonWithBytes({ cable: changed }), {
          as: anna,
          contentType: JSON_WITH_BYTES_TYPE,
        });
        assert.equal(response.status, 400, `${what}: ${response.text}`);
        assert.equal(response.json.error.field, field, what);
      }
      assert.deepEqual(await actCounts(t.store), before);
    });

    test('another cable under a stored id is ALREADY_EXISTS', async () => {
      const { cable } = await send();
      const { response } = await send('de.anna', { id: cable.header.id });
      assert.equal(response.status, 409);
      assert.equal(response.json.error.code, 'ALREADY_EXISTS');
    });

    test('losing a serial race: 409 with the head, then re-signing (not re-sealing) at the head is accepted', async () => {
      const anna = device(t.network, 'de.anna');
      const registry = device(t.network, 'de.registry');
      const position = await nextPosition(t.api, anna);
      const mine = await testCable(t.directory, { sender: anna, distribution: toFr, ...position });
      const theirs = await testCable(t.directory, { sender: registry, distribution: toFr, ...position });
      assert.equal((await t.api.post('/api/v1/cables', cableBody(theirs), { as: registry })).status, 201);
      const lost = await t.api.post('/api/v1/cables', cableBody(mine), { as: anna });
      assert.equal(lost.status, 409);
      assert.equal(lost.json.error.code, 'SERIES_CONFLICT');
      assert.equal(lost.json.head.serial, position.serial);
      assert.equal(lost.json.head.year, 2026);
      assert.deepEqual(fromBase64url(lost.json.head.hash), hashOf(theirs));
      const resigned = await resignCable(
        mine,
        { serial: lost.json.head.serial + 1, prev: fromBase64url(lost.json.head.hash)! },
        anna.signer,
      );
      const accepted = await t.api.post('/api/v1/cables', cableBody(resigned), { as: anna });
      assert.equal(accepted.status, 201, accepted.text);
    });

    test('refusals by rule: classification, clearance, content, epoch, date, sender', async () => {
      const self = (name: string) => () => [device(t.network, name).id];
      const cases: [string, string, Partial<Parameters<typeof testCable>[1]>, number, string][] = [
        // Policy entitles nobody above these levels, so the sender lists itself.
        [
          'above the network cap',
          'de.anna',
          { classification: 'SECRET UE', recipients: self('de.anna') },
          403,
          'CLASSIFICATION_REFUSED',
        ],
        [
          'above the org accreditation',
          'cy.eva',
          { classification: 'CONFIDENTIEL UE', recipients: self('cy.eva') },
          403,
          'CLASSIFICATION_REFUSED',
        ],
        [
          'above the sender clearance',
          'de.bob',
          { classification: 'RESTREINT UE' },
          403,
          'SENDER_NOT_CLEARED',
        ],
        [
          'an epoch the directory has not reached',
          'de.anna',
          { epoch: t.directory.epoch + 1 },
          422,
          'EPOCH_INVALID',
        ],
        [
          'an epoch before the sender was enrolled',
          'de.anna',
          { epoch: 3, recipients: self('de.anna') },
          422,
          'EPOCH_INVALID',
        ],
        ['a date-time group in the future', 'de.anna', { sentAt: T0 + 3600 }, 422, 'DATE_INVALID'],
        ['a date-time group an hour in the past', 'de.anna', { sentAt: T0 - 3600 }, 422, 'DATE_INVALID'],
      ];
      for (const [what, name, spec, status, code] of cases) {
        const before = await actCounts(t.store);
        const { response } = await send(name, spec);
        assert.equal(response.status, status, `${what}: ${response.text}`);
        assert.equal(response.json.error.code, code, what);
        assert.deepEqual(await actCounts(t.store), before, what);
      }
      // Content that is not the one the header commits to.
      const anna = device(t.network, 'de.anna');
      const cable = await testCable(t.directory, {
        sender: anna,
        distribution: toFr,
        ...(await nextPosition(t.api, anna)),
      });
      const swapped = { ...cable, content: cable.content.map((b) => b ^ 1) };
      const mismatch = await t.api.post('/api/v1/cables', cableBody(swapped), { as: anna });
      assert.equal(mismatch.status, 422);
      assert.equal(mismatch.json.error.code, 'CIPHERTEXT_MISMATCH');
      // A cable naming another sender than the signing device.
      const asOther = await t.api.post('/api/v1/cables', cableBody(cable), {
        as: device(t.network, 'de.anna.2'),
      });
      assert.equal(asOther.status, 403);
      assert.equal(asOther.json.error.code, 'FORBIDDEN');
      // A suite this server does not know is refused (the cable checklist), never stored.
      const position = {
        serial: cable.header.serial,
        ...(cable.header.prev ? { prev: cable.header.prev } : {}),
      };
      const unknown = await resignCable(
        { ...cable, header: { ...cable.header, suite: 'valise-v9/unknown' } },
        position,
        anna.signer,
      );
      const before = await actCounts(t.store);
      const suite = await t.api.post('/api/v1/cables', cableBody(unknown), { as: anna });
      assert.equal(suite.status, 400, suite.text);
      assert.equal(suite.json.error.code, 'INVALID_VALUE');
      assert.equal(suite.json.error.field, 'cable.header.suite');
      assert.deepEqual(await actCounts(t.store), before);
    });

    test("a fetch returns the header, content and the caller's wrap only, logged before the answer", async () => {
      const { cable } = await send('de.anna', { groups: ['COEST'] });
      const claire = device(t.network, 'fr.claire');
      const seq = await lastAuditSeq(t.store);
      const response = await t.api.get(`/api/v1/cables/${cable.header.id}`, { as: claire });
      assert.equal(response.status, 200, response.text);
      const got = response.json.cable;
      assert.equal(got.wraps.length, 1);
      assert.equal(got.wraps[0].device, claire.id);
      const mine = cable.wraps.find((w) => w.device === claire.id)!;
      assert.deepEqual(fromBase64url(got.wraps[0].enc), mine.enc);
      assert.deepEqual(fromBase64url(got.content), cable.content);
      assert.deepEqual(fromBase64url(got.signature), cable.signature);
      assert.equal(got.header.id, cable.header.id);
      assert.deepEqual(await auditTypesAfter(t.store, seq), ['cable.fetched']);
    });

    test('a device without a wrap gets 404, exactly as for a cable that does not exist', async () => {
      const { cable } = await send('de.anna', { groups: ['COEST'] });
      for (const name of ['fr.officer', 'cy.eva', 'de.carl', 'de.bob']) {
        const response = await t.api.get(`/api/v1/cables/${cable.header.id}`, {
          as: device(t.network, name),
        });
        assert.equal(response.status, 404, name);
        assert.equal(response.json.error.code, 'NOT_FOUND');
      }
      const missing = await t.api.get('/api/v1/cables/AAAAAAAAAAAAAAAAAAAAAA', {
        as: device(t.network, 'fr.claire'),
      });
      assert.equal(missing.status, 404);
      assert.deepEqual(Object.keys(missing.json.error).sort(), ['code', 'message']);
    });

    test('a cable wrapped at an epoch before a revocation is 409 EPOCH_STALE with the current epoch; nothing is stored', async () => {
      const anna = device(t.network, 'de.anna');
      const old = device(t.network, 'de.anna.old');
      // The last entry of the directory revokes de.anna.old: one epoch earlier it was in force.
      const stale = t.directory.epoch - 1;
      const before = await actCounts(t.store);
      const { cable, response } = await send('de.anna', { epoch: stale });
      assert.ok(cable.header.recipients.includes(old.id), 'the stale cable wraps for the revoked device');
      assert.equal(response.status, 409, response.text);
      assert.equal(response.json.error.code, 'EPOCH_STALE');
      assert.equal(response.json.epoch, t.directory.epoch);
      assert.deepEqual(await actCounts(t.store), before);
      assert.equal((await t.api.get(`/api/v1/cables/${cable.header.id}`, { as: anna })).status, 404);
      // At the current epoch the same sender is accepted.
      assert.equal((await send('de.anna')).response.status, 201);
    });

    test('a cable asked for by its reference is 400 REFERENCE_NOT_ID, saying to use the id', async () => {
      const { response } = await send('de.anna');
      assert.equal(response.status, 201, response.text);
      const reference = response.json.receipt.reference as string;
      const claire = device(t.network, 'fr.claire');
      for (const path of [
        `/api/v1/cables/${encodeURIComponent(reference)}`,
        `/api/v1/cables/${encodeURIComponent(reference)}/attachments/${'A'.repeat(43)}`,
      ]) {
        const answer = await t.api.get(path, { as: claire });
        assert.equal(answer.status, 400, `${path}: ${answer.text}`);
        assert.equal(answer.json.error.code, 'REFERENCE_NOT_ID');
        assert.match(answer.json.error.message, /id/);
      }
    });
  });
}
