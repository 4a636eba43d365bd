/**
 * core/cable/cable-summary and open-cable-summary: a format-4 cable's subject and tags are
 * sealed apart from the body, so an inbox lists them without the body; the listing opens to
 * what was sealed, every bit of the summary is covered by the signed header, a summary
 * moved from another cable is refused, and a sender who lists one subject and writes
 * another is caught when the cable is opened (SUMMARY_MISMATCH).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { CableError } from '../../../src/core/cable/cable-error.ts';
import { envelopeHash, envelopeOf } from '../../../src/core/cable/cable-header.ts';
import { sealSummary } from '../../../src/core/cable/cable-summary.ts';
import type { KemPrivateKey } from '../../../src/core/cable/key-wrap.ts';
import type { ListedCable } from '../../../src/core/cable/listed-cable.ts';
import { decodeListedCable } from '../../../src/core/cable/listed-cable.ts';
import { openCable } from '../../../src/core/cable/open-cable.ts';
import { openCableSummary } from '../../../src/core/cable/open-cable-summary.ts';
import type { ContentDraft } from '../../../src/core/cable/seal-cable.ts';
import { resignCable, sealCable, sealCableKeepingKey } from '../../../src/core/cable/seal-cable.ts';
import type { SealedCable } from '../../../src/core/cable/sealed-cable.ts';
import { sha256 } from '../../../src/core/crypto/sha256.ts';
import { toJsonValue } from '../../../src/core/encoding/to-json.ts';
import type { Directory } from '../../../src/core/identity/directory.ts';
import { buildCableNetwork } from '../fixtures/cable-network.ts';
import type { FixtureDevice, FixtureNetwork } from '../fixtures/network.ts';
import { T0 } from '../fixtures/network.ts';

const RUNS = Math.min(Number(process.env.VALISE_PROPERTY_RUNS ?? 1000), 200);

let net: FixtureNetwork;
let dir: Directory;
const device = (user: string): FixtureDevice => net.devicesOf(user)[0]!;
const recipient = (d: FixtureDevice) => ({ device: d.id, privateKey: d.kem.privateKey as KemPrivateKey });

const CONTENT: ContentDraft = {
  subject: 'Eastern partnership: instructions',
  tags: ['COEST', 'PSC'],
  body: 'The Council will meet on Monday.',
};

function request(content: ContentDraft = CONTENT) {
  const anna = device('de.anna');
  return {
    draft: {
      classification: 'RESTREINT UE' as const,
      precedence: 'PRIORITY' as const,
      distribution: [{ org: 'FR', role: 'action' as const }],
      groups: ['COEST'],
      sentAt: T0,
    },
    content,
    sender: { user: anna.user, device: anna.id, signer: anna.signer },
    directory: dir,
    series: { serial: 1 },
  };
}

/** What an inbox listing carries for `reader`: header, signature, summary and its own wrap. */
function listing(cable: SealedCable, reader: FixtureDevice): ListedCable {
  const wrap = cable.wraps.find((w) => w.device === reader.id)!;
  return decodeListedCable(
    toJsonValue({ header: cable.header, signature: cable.signature, summary: cable.summary, wrap }),
    'listed',
  );
}

async function code(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'OPENED';
  } catch (e) {
    if (e instanceof CableError) return e.code;
    throw e;
  }
}

before(async () => {
  net = await buildCableNetwork();
  dir = await net.directory();
});

describe('the sealed summary of format 4', () => {
  test('a sealed cable is format 4 and its listing opens to its subject and tags', async () => {
    const cable = await sealCable(request());
    assert.equal(cable.header.v, 4);
    assert.ok(cable.summary && cable.header.summaryHash);
    const bruno = device('fr.bruno');
    const opened = await openCableSummary(listing(cable, bruno), {
      directory: dir,
      recipient: recipient(bruno),
    });
    assert.equal(opened.summary.subject, CONTENT.subject);
    assert.deepEqual([...opened.summary.tags], CONTENT.tags);
    assert.equal(opened.signedBy.user.user, 'de.anna');
    const whole = await openCable(cable, { directory: dir, recipient: recipient(bruno) });
    assert.equal(whole.content.body, CONTENT.body);
  });

  test('list(seal(x)) = x for random subjects and tags', async () => {
    const bruno = device('fr.bruno');
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 }),
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 40 }), { maxLength: 5 }),
        async (subject, tags) => {
          const cable = await sealCable(request({ subject, tags, body: 'b' }));
          const opened = await openCableSummary(listing(cable, bruno), {
            directory: dir,
            recipient: recipient(bruno),
          });
          assert.equal(opened.summary.subject, subject);
          assert.deepEqual([...opened.summary.tags], tags);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('every single-bit flip of the summary is CIPHERTEXT_MISMATCH, listed or opened', async () => {
    const cable = await sealCable(request());
    const bruno = device('fr.bruno');
    const summary = cable.summary!;
    for (let bit = 0; bit < summary.length * 8; bit += 7) {
      const flipped = summary.slice();
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      const altered = { ...cable, summary: flipped };
      assert.equal(
        await code(() => openCable(altered, { directory: dir, recipient: recipient(bruno) })),
        'CIPHERTEXT_MISMATCH',
      );
      assert.equal(
        await code(() =>
          openCableSummary(listing(altered, bruno), { directory: dir, recipient: recipient(bruno) }),
        ),
        'CIPHERTEXT_MISMATCH',
      );
    }
  });

  test("a server that serves another cable's summary, or none, is refused", async () => {
    const one = await sealCable(request());
    const other = await sealCable(request({ ...CONTENT, subject: 'Something else' }));
    const bruno = device('fr.bruno');
    const swapped = { ...one, summary: other.summary! };
    assert.equal(
      await code(() =>
        openCableSummary(listing(swapped, bruno), { directory: dir, recipient: recipient(bruno) }),
      ),
      'CIPHERTEXT_MISMATCH',
    );
    const { summary: _s, ...without } = one;
    assert.equal(
      await code(() => openCable(without, { directory: dir, recipient: recipient(bruno) })),
      'CIPHERTEXT_MISMATCH',
    );
  });

  test('a sender who lists one subject and writes another is caught at opening: SUMMARY_MISMATCH', async () => {
    const { cable, contentKey } = await sealCableKeepingKey(request());
    const aad = envelopeHash(envelopeOf(cable.header));
    const lie = await sealSummary(contentKey, { subject: 'Canteen menu', tags: [] }, aad);
    const anna = device('de.anna');
    // The sender signs for the lie: the header's digest and signature are honest about it.
    const lying = await resignCable(
      { ...cable, summary: lie, header: { ...cable.header, summaryHash: sha256(lie) } },
      { serial: 1 },
      anna.signer,
    );
    const bruno = device('fr.bruno');
    const listed = await openCableSummary(listing(lying, bruno), {
      directory: dir,
      recipient: recipient(bruno),
    });
    assert.equal(listed.summary.subject, 'Canteen menu');
    assert.equal(
      await code(() => openCable(lying, { directory: dir, recipient: recipient(bruno) })),
      'SUMMARY_MISMATCH',
    );
    // Tags count too.
    const tagLie = await sealSummary(contentKey, { subject: CONTENT.subject, tags: ['COEST'] }, aad);
    const lyingTags = await resignCable(
      { ...cable, summary: tagLie, header: { ...cable.header, summaryHash: sha256(tagLie) } },
      { serial: 1 },
      anna.signer,
    );
    assert.equal(
      await code(() => openCable(lyingTags, { directory: dir, recipient: recipient(bruno) })),
      'SUMMARY_MISMATCH',
    );
  });

  test('a listing is opened only by its own device, and a summary is refused in an older format', async () => {
    const cable = await sealCable(request());
    const bruno = device('fr.bruno');
    const registry = device('fr.registry');
    assert.equal(
      await code(() =>
        openCableSummary(listing(cable, bruno), { directory: dir, recipient: recipient(registry) }),
      ),
      'NOT_A_RECIPIENT',
    );
    const json = toJsonValue({ ...cable, header: { ...cable.header, v: 3 } }) as Record<string, unknown>;
    const { kind: _k, ...rest } = json;
    assert.throws(
      () => decodeListedCable({ ...rest, wrap: (rest.wraps as unknown[])[0], wraps: undefined }, 'listed'),
      (e: unknown) => e instanceof Error && 'code' in e,
    );
  });
});
