import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateSigner } from '../../src/core/crypto/ed25519.ts';
import { randomBytes } from '../../src/core/encoding/bytes.ts';
import { signReceipt, verifyReceipt } from '../../src/server/receipt.ts';

test('a receipt verifies with the server key, deterministically, and any change breaks it', async () => {
  const server = await generateSigner();
  const fields = {
    cable: 'AAAAAAAAAAAAAAAAAAAAAA',
    reference: 'DE/1/26',
    hash: randomBytes(32),
    acceptedAt: 1_772_445_600,
  };
  const receipt = await signReceipt(server, fields);
  assert.equal(await verifyReceipt(server.publicKey, receipt), true);
  assert.deepEqual((await signReceipt(server, fields)).signature, receipt.signature);
  const changes = [
    { ...receipt, cable: 'AAAAAAAAAAAAAAAAAAAAAQ' },
    { ...receipt, reference: 'DE/2/26' },
    { ...receipt, hash: randomBytes(32) },
    { ...receipt, acceptedAt: receipt.acceptedAt + 1 },
    { ...receipt, signature: receipt.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) },
  ];
  for (const changed of changes) assert.equal(await verifyReceipt(server.publicKey, changed), false);
  assert.equal(await verifyReceipt((await generateSigner()).publicKey, receipt), false);
});
