/** The audit page's summary line: proven of read, the checkpoint and its witnessing, the failures. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auditSummary } from '../../src/web/audit-summary.ts';
import type { AuditRow, AuditView } from '../../src/web/device-protocol.ts';

function view(proven: number, failed: number, witnessing: AuditView['witnessing'], more = false): AuditView {
  const row = (leaf: number) => ({ leaf }) as AuditRow;
  return {
    items: Array.from({ length: proven }, (_, i) => row(i)),
    failed: Array.from({ length: failed }, (_, i) => ({ leaf: proven + i, what: 'x' })),
    size: 1234,
    witnessing,
    more,
    gaps: [],
    unproven: [],
  };
}

test('one failed event: how many proved, against which checkpoint, witnessed, and where to look', () => {
  assert.equal(
    auditSummary(view(48, 1, 'WITNESSED'), 48),
    "48 of 49 events proven against the log's checkpoint of 1234 entries (witnessed); 1 failed — see the marked row. Newest first.",
  );
});

test('several failures point to the marked rows; filters and older pages are said', () => {
  assert.equal(
    auditSummary(view(10, 2, 'NOT_YET_WITNESSED', true), 3),
    "10 of 12 events proven against the log's checkpoint of 1234 entries (signed by the log, not yet cosigned by the witnesses); 2 failed — see the marked rows. 3 shown by the filters. Newest first. Older events follow; narrow by type to see them.",
  );
});

test('all proven, in a network without witnesses, says so and names no failure', () => {
  const said = auditSummary(view(1, 0, 'NO_WITNESSES'), 1);
  assert.equal(
    said,
    "1 of 1 event proven against the log's checkpoint of 1234 entries (signed by the log; this network has no witnesses). Newest first.",
  );
  assert.doesNotMatch(said, /failed/);
});
