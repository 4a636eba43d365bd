import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { AttachmentDescriptor } from '../../../src/core/cable/cable-content.ts';
import { CableError } from '../../../src/core/cable/cable-error.ts';
import { openAttachment } from '../../../src/core/cable/open-attachment.ts';
import { sealAttachment } from '../../../src/core/cable/seal-attachment.ts';

const RUNS = Number(process.env.VALISE_PROPERTY_RUNS ?? 1000);

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

function join(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

async function seal(
  data: Uint8Array,
  chunkSize = 1024,
): Promise<{ chunks: Uint8Array[]; descriptor: AttachmentDescriptor }> {
  const sealing = sealAttachment({ name: 'report.pdf', type: 'application/pdf', data }, { chunkSize });
  const chunks = await collect(sealing.chunks);
  return { chunks, descriptor: await sealing.descriptor };
}

async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof CableError && e.code === code);
}

describe('attachments', () => {
  test('open(seal(x)) = x for any size and any split of the ciphertext stream', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 5000 }),
        fc.integer({ min: 1, max: 3000 }),
        async (data, split) => {
          const { chunks, descriptor } = await seal(data);
          const ct = join(chunks);
          const pieces: Uint8Array[] = [];
          for (let i = 0; i < ct.length; i += split) pieces.push(ct.subarray(i, i + split));
          assert.deepEqual(join(await collect(openAttachment(descriptor, pieces))), data);
          assert.equal(descriptor.size, data.length);
        },
      ),
      { numRuns: Math.min(RUNS, 300) },
    );
  });

  test('a flipped bit anywhere in the stream is ATTACHMENT_INVALID, never altered plaintext', async () => {
    const data = new Uint8Array(3000).map((_, i) => i);
    const { chunks, descriptor } = await seal(data);
    const ct = join(chunks);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: ct.length * 8 - 1 }), async (bit) => {
        const bad = ct.slice();
        bad[bit >> 3]! ^= 1 << (bit & 7);
        await rejects(collect(openAttachment(descriptor, bad)), 'ATTACHMENT_INVALID');
      }),
      { numRuns: Math.min(RUNS, 500) },
    );
  });

  test('dropping, repeating or reordering chunks, or cutting the stream short, is detected', async () => {
    const { chunks, descriptor } = await seal(new Uint8Array(4000).fill(7));
    assert.equal(chunks.length, 4);
    await rejects(collect(openAttachment(descriptor, chunks.slice(0, 3))), 'ATTACHMENT_INVALID');
    await rejects(
      collect(openAttachment(descriptor, [chunks[0]!, chunks[2]!, chunks[1]!, chunks[3]!])),
      'ATTACHMENT_INVALID',
    );
    await rejects(collect(openAttachment(descriptor, [...chunks, chunks[3]!])), 'ATTACHMENT_INVALID');
    await rejects(
      collect(openAttachment(descriptor, [chunks[0]!, chunks[1]!, chunks[3]!])),
      'ATTACHMENT_INVALID',
    );
  });

  test('a stream cut exactly at a chunk boundary with a forged size fails on the last-chunk flag', async () => {
    const { chunks, descriptor } = await seal(new Uint8Array(3072).fill(1));
    const forged = { ...descriptor, size: 2048 };
    await rejects(collect(openAttachment(forged, chunks.slice(0, 2))), 'ATTACHMENT_INVALID');
  });

  test('an attachment over the limit is refused while streaming, with TOO_LARGE', async () => {
    async function* endless() {
      for (let i = 0; i < 100; i++) yield new Uint8Array(1024);
    }
    const sealing = sealAttachment(
      { name: 'big.bin', type: 'application/octet-stream', data: endless() },
      { maxSize: 10_000, chunkSize: 1024 },
    );
    await rejects(collect(sealing.chunks), 'TOO_LARGE');
    await rejects(sealing.descriptor, 'TOO_LARGE');
  });

  test('streams in constant memory: a large attachment is never held whole', async () => {
    let produced = 0;
    async function* source() {
      for (let i = 0; i < 64; i++) {
        produced += 64 * 1024;
        yield new Uint8Array(64 * 1024).fill(i);
      }
    }
    const sealing = sealAttachment({ name: 'scan.tiff', type: 'image/tiff', data: source() });
    let maxAhead = 0;
    let consumed = 0;
    for await (const c of sealing.chunks) {
      consumed += c.length - 16;
      maxAhead = Math.max(maxAhead, produced - consumed);
    }
    // The sealer holds back at most one chunk (to know which is last) plus the one in hand.
    assert.ok(maxAhead <= 2 * 64 * 1024, `read ${maxAhead} bytes ahead of what it emitted`);
    assert.equal((await sealing.descriptor).size, 64 * 64 * 1024);
  });

  test('a bad name or type is refused before any work', async () => {
    for (const name of ['', '../etc/passwd', 'a\u0000b']) {
      const s = sealAttachment({ name, type: 'text/plain', data: new Uint8Array(1) });
      await rejects(collect(s.chunks), 'MALFORMED');
    }
    const s = sealAttachment({ name: 'ok.txt', type: 'not a type', data: new Uint8Array(1) });
    await rejects(collect(s.chunks), 'MALFORMED');
  });
});
