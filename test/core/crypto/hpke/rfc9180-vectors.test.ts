import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Aes128Gcm, Aes256Gcm } from '../../../../src/core/crypto/hpke/aes-gcm.ts';
import { DhkemX25519 } from '../../../../src/core/crypto/hpke/dhkem-x25519.ts';
import { HkdfSha256 } from '../../../../src/core/crypto/hpke/hkdf-sha256.ts';
import {
  type HpkeRecipientContext,
  HpkeSenderContext,
} from '../../../../src/core/crypto/hpke/hpke-context.ts';
import { hpkeOpen } from '../../../../src/core/crypto/hpke/hpke-open.ts';
import { hpkeSuite } from '../../../../src/core/crypto/hpke/hpke-suite.ts';
import { keySchedule } from '../../../../src/core/crypto/hpke/key-schedule.ts';
import { setupRecipient } from '../../../../src/core/crypto/hpke/setup-recipient.ts';
import { fromHex, toHex } from '../../../../src/core/encoding/bytes.ts';
import file from '../../../vectors/hpke-rfc9180.json' with { type: 'json' };

function hex(value: string | undefined): Uint8Array {
  assert.ok(value !== undefined, 'vector field missing');
  const bytes = fromHex(value);
  assert.ok(bytes !== undefined, `not hex: ${value}`);
  return bytes;
}

function suiteOf(aeadId: number) {
  const aead = aeadId === 1 ? Aes128Gcm : Aes256Gcm;
  assert.equal(aead.id, aeadId);
  return hpkeSuite(DhkemX25519, HkdfSha256, aead);
}

type Vector = (typeof file.vectors)[number] & {
  ikmE?: string;
  ikmR?: string;
  enc?: string;
  shared_secret?: string;
  key_schedule_context?: string;
  secret?: string;
  key?: string;
  base_nonce?: string;
  exporter_secret?: string;
};

/** Seals seq 0..max in order and checks every listed ciphertext; returns all ciphertexts. */
async function checkEncryptions(context: HpkeSenderContext, vector: Vector): Promise<Uint8Array[]> {
  const listed = new Map(vector.encryptions.map((e) => [e.seq, e]));
  const last = Math.max(...listed.keys());
  const sealed: Uint8Array[] = [];
  for (let seq = 0; seq <= last; seq++) {
    const entry = listed.get(seq);
    const aad = entry === undefined ? new TextEncoder().encode(`Count-${seq}`) : hex(entry.aad);
    const plaintext = hex(vector.encryptions[0]?.pt);
    const ciphertext = await context.seal(aad, plaintext);
    if (entry !== undefined)
      assert.equal(toHex(ciphertext), entry.ct, `ciphertext at sequence number ${seq}`);
    sealed.push(ciphertext);
  }
  return sealed;
}

async function checkOpens(
  context: HpkeRecipientContext,
  vector: Vector,
  sealed: Uint8Array[],
): Promise<void> {
  const listed = new Map(vector.encryptions.map((e) => [e.seq, e]));
  for (const [seq, ciphertext] of sealed.entries()) {
    const entry = listed.get(seq);
    const aad = entry === undefined ? new TextEncoder().encode(`Count-${seq}`) : hex(entry.aad);
    const opened = await context.open(aad, entry === undefined ? ciphertext : hex(entry.ct));
    assert.equal(toHex(opened), vector.encryptions[0]?.pt, `plaintext at sequence number ${seq}`);
  }
}

function checkExports(context: HpkeSenderContext | HpkeRecipientContext, vector: Vector): void {
  for (const entry of vector.exports) {
    assert.equal(toHex(context.export(hex(entry.exporter_context), entry.L)), entry.exported_value);
  }
}

describe('RFC 9180 A.1.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode', () => {
  const vector: Vector = file.vectors[0]!;
  const suite = suiteOf(vector.aead_id);

  test("the suite ids are the vector's", () => {
    assert.deepEqual(
      [suite.kem.id, suite.kdf.id, suite.aead.id],
      [vector.kem_id, vector.kdf_id, vector.aead_id],
    );
  });

  test("DeriveKeyPair(ikmR) and DeriveKeyPair(ikmE) give the vector's key pairs", async () => {
    for (const [ikm, pk, sk] of [
      [vector.ikmR, vector.pkRm, vector.skRm],
      [vector.ikmE, vector.pkEm, vector.skEm],
    ] as const) {
      const pair = await DhkemX25519.deriveKeyPair(hex(ikm), { extractable: true });
      assert.equal(toHex(pair.publicKey), pk);
      assert.equal(toHex(await DhkemX25519.exportPrivateKey(pair.privateKey)), sk);
    }
  });

  test('Encap with the derived ephemeral key gives enc and shared_secret; Decap agrees', async () => {
    const recipient = await DhkemX25519.deriveKeyPair(hex(vector.ikmR));
    const { enc, sharedSecret } = await DhkemX25519.encapsulateDerand(recipient.publicKey, hex(vector.ikmE));
    assert.equal(toHex(enc), vector.enc);
    assert.equal(toHex(sharedSecret), vector.shared_secret);
    const decapsulated = await DhkemX25519.decapsulate(hex(vector.enc), recipient.privateKey);
    assert.equal(toHex(decapsulated), vector.shared_secret);
  });

  test('the key schedule gives key_schedule_context, secret, key, base_nonce, exporter_secret', () => {
    const secrets = keySchedule(suite, hex(vector.shared_secret), hex(vector.info));
    assert.equal(toHex(secrets.keyScheduleContext), vector.key_schedule_context);
    assert.equal(toHex(secrets.secret), vector.secret);
    assert.equal(toHex(secrets.key), vector.key);
    assert.equal(toHex(secrets.baseNonce), vector.base_nonce);
    assert.equal(toHex(secrets.exporterSecret), vector.exporter_secret);
  });

  test('the sender context seals every listed sequence number to its ciphertext, and exports', async () => {
    const secrets = keySchedule(suite, hex(vector.shared_secret), hex(vector.info));
    const sender = await HpkeSenderContext.create(suite, secrets);
    const sealed = await checkEncryptions(sender, vector);
    checkExports(sender, vector);
    const recipientKey = await DhkemX25519.importPrivateKey(hex(vector.skRm));
    const recipient = await setupRecipient(suite, recipientKey, hex(vector.enc), hex(vector.info));
    await checkOpens(recipient, vector, sealed);
    checkExports(recipient, vector);
  });

  test('single-shot hpkeOpen opens the sequence-0 ciphertext', async () => {
    const recipientKey = await DhkemX25519.importPrivateKey(hex(vector.skRm));
    const first = vector.encryptions[0]!;
    const plaintext = await hpkeOpen(
      suite,
      recipientKey,
      hex(vector.enc),
      hex(vector.info),
      hex(first.aad),
      hex(first.ct),
    );
    assert.equal(toHex(plaintext), first.pt);
  });

  test('the listed nonces are base_nonce XOR seq', () => {
    const base = hex(vector.base_nonce);
    for (const entry of vector.encryptions) {
      const expected = base.slice();
      let seq = entry.seq;
      for (let i = expected.length - 1; seq > 0; i--, seq = Math.floor(seq / 256)) expected[i]! ^= seq % 256;
      assert.equal(toHex(expected), (entry as { nonce?: string }).nonce);
    }
  });
});

describe('CFRG vectors: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM, base mode', () => {
  const vector: Vector = file.vectors[1]!;
  const suite = suiteOf(vector.aead_id);

  test('importing skRm and skEm gives pkRm and pkEm', async () => {
    assert.equal(toHex((await DhkemX25519.importPrivateKey(hex(vector.skRm))).publicKey), vector.pkRm);
    assert.equal(toHex((await DhkemX25519.importPrivateKey(hex(vector.skEm))).publicKey), vector.pkEm);
  });

  test('the recipient opens every listed ciphertext at its sequence number, and exports', async () => {
    const recipientKey = await DhkemX25519.importPrivateKey(hex(vector.skRm));
    const sharedSecret = await DhkemX25519.decapsulate(hex(vector.pkEm), recipientKey);
    const secrets = keySchedule(suite, sharedSecret, hex(vector.info));
    // The sender side reproduces the listed ciphertexts from the same key schedule...
    const sealed = await checkEncryptions(await HpkeSenderContext.create(suite, secrets), vector);
    // ...and the recipient, set up from skRm and enc = pkEm, opens them all in order.
    const recipient = await setupRecipient(suite, recipientKey, hex(vector.pkEm), hex(vector.info));
    await checkOpens(recipient, vector, sealed);
    checkExports(recipient, vector);
  });

  test('single-shot hpkeOpen opens the sequence-0 ciphertext', async () => {
    const recipientKey = await DhkemX25519.importPrivateKey(hex(vector.skRm));
    const first = vector.encryptions[0]!;
    const plaintext = await hpkeOpen(
      suite,
      recipientKey,
      hex(vector.pkEm),
      hex(vector.info),
      hex(first.aad),
      hex(first.ct),
    );
    assert.equal(toHex(plaintext), first.pt);
  });
});
