/** A thread from the headers a device holds: up to the first cable, down to every reply. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { InboxRow } from '../../src/web/device-protocol.ts';
import { threadOf } from '../../src/web/thread-of.ts';

function row(reference: string, sentAt: number, replyTo?: string, verified = true): InboxRow {
  return {
    id: `id-${reference.replaceAll('/', '-')}`,
    reference,
    sentAt,
    dtg: '',
    precedence: 'ROUTINE',
    classification: 'RESTREINT UE',
    markings: [],
    from: reference.split('/')[0] ?? '',
    role: 'action',
    acknowledged: false,
    verified,
    read: false,
    ...(replyTo ? { replyTo } : {}),
  };
}

const refs = (rows: readonly InboxRow[]) => rows.map((r) => r.reference);

describe('threadOf', () => {
  const rows = [
    row('FR/3/26', 30, 'DE/2/26'),
    row('DE/1/26', 10),
    row('DE/2/26', 20, 'DE/1/26'),
    row('IT/1/26', 25, 'DE/1/26'),
    row('CY/1/26', 40),
    row('CY/2/26', 50, 'CY/1/26'),
  ];

  test('from any cable of it, the whole thread oldest first, and nothing else', () => {
    for (const id of ['id-DE-1-26', 'id-DE-2-26', 'id-FR-3-26', 'id-IT-1-26']) {
      assert.deepEqual(refs(threadOf(rows, id)), ['DE/1/26', 'DE/2/26', 'IT/1/26', 'FR/3/26'], id);
    }
  });

  test('a reply whose original this device never got starts its thread', () => {
    const orphan = [row('FR/9/26', 5, 'DE/99/26'), row('DE/5/26', 6, 'FR/9/26')];
    assert.deepEqual(refs(threadOf(orphan, 'id-DE-5-26')), ['FR/9/26', 'DE/5/26']);
  });

  test('an unverified header never joins a thread', () => {
    const forged = [...rows, row('XX/1/26', 60, 'DE/1/26', false)];
    assert.ok(!refs(threadOf(forged, 'id-DE-1-26')).includes('XX/1/26'));
    assert.deepEqual(threadOf(forged, 'id-XX-1-26'), []);
  });

  test('references that loop end the climb', () => {
    const loop = [row('DE/1/26', 1, 'FR/1/26'), row('FR/1/26', 2, 'DE/1/26')];
    assert.deepEqual(refs(threadOf(loop, 'id-DE-1-26')).sort(), ['DE/1/26', 'FR/1/26']);
  });
});
