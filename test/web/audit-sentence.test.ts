import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AuditEventFields, type AuditNames, auditSentence } from '../../src/web/audit-sentence.ts';

const names: AuditNames = {
  person: (user) => ({ 'fr.claire': 'Claire Dubois', 'de.officer': 'Klaus Weber' })[user],
  device: (device) =>
    device === 'dev-claire' ? { label: 'Claire laptop', owner: 'Claire Dubois' } : undefined,
};

const cases: [string, AuditEventFields, string][] = [
  [
    'a read names the person, the cable and the device',
    {
      type: 'cable.fetched',
      actor: { org: 'FR', user: 'fr.claire', device: 'dev-claire' },
      object: { kind: 'cable', id: 'c1' },
      detail: { reference: 'DE/1/26' },
    },
    "Claire Dubois (FR) opened DE/1/26 from 'Claire laptop'",
  ],
  [
    'a listing of subjects says how many, never which subjects',
    {
      type: 'cable.listed',
      actor: { org: 'FR', user: 'fr.claire', device: 'dev-claire' },
      object: { kind: 'device', id: 'dev-claire', org: 'FR' },
      detail: { cables: ['c1', 'c2', 'c3'], count: 3 },
    },
    "Claire Dubois (FR) listed the subjects of 3 cables from 'Claire laptop'",
  ],
  [
    'a watch alert on listing names what it counted',
    {
      type: 'watch.alert',
      actor: { org: 'FR', user: 'fr.claire', device: 'dev-claire' },
      object: { kind: 'device', id: 'dev-claire', org: 'FR' },
      detail: { kind: 'listing', window: 'minute', reads: 130, limit: 120 },
    },
    "The watch raised an alert about 'Claire laptop' (130 subjects listed in minute, limit 120)",
  ],
  [
    'a certificate issued by an officer names whose device it is',
    {
      type: 'directory.entry',
      actor: { org: 'DE', user: 'de.officer', device: 'dev-x' },
      object: { kind: 'device', id: 'dev-claire' },
      detail: { action: 'issued' },
    },
    "Klaus Weber (DE) issued the device certificate of Claire Dubois's 'Claire laptop'",
  ],
  [
    'an entry with no acting device is told in the passive',
    { type: 'directory.entry', actor: {}, object: { kind: 'org', id: 'DE' }, detail: { action: 'issued' } },
    'The org certificate of DE was issued',
  ],
  [
    'a refusal says its code and source, never free text',
    {
      type: 'request.refused',
      actor: {},
      object: { kind: 'request', id: 'POST /api/v1/cables' },
      detail: { code: 'SIGNATURE_INVALID', source: '203.0.113.0/24', suppressed: 4 },
    },
    'A request was refused: SIGNATURE_INVALID from 203.0.113.0/24, and 4 more since',
  ],
  [
    "a held officer act's confirmation names both officers and whom the act concerns",
    {
      type: 'officer-act.confirmed',
      actor: { org: 'DE', user: 'de.officer' },
      object: { kind: 'officer-act', id: 'act-1', org: 'DE' },
      detail: { act: 'device', subject: 'fr.claire', postedBy: 'de.officer.2', postedDevice: 'dev-2' },
    },
    'Klaus Weber (DE) confirmed a device certificate for Claire Dubois (FR), asked by de.officer.2',
  ],
  [
    'a device the directory no longer knows is shown by its short id',
    {
      type: 'watch.suspended',
      actor: {},
      object: { kind: 'device', id: 'AAAAAAAAAAAAAAAAAAAAAA' },
      detail: { reads: 31, window: 'minute', limit: 20 },
    },
    'device AAAAAAAA… was suspended (31 reads in minute, limit 20)',
  ],
  [
    'an event type this page does not know still reads as a line',
    {
      type: 'procedure.opened',
      actor: { org: 'FR', user: 'fr.claire' },
      object: { kind: 'cable', id: 'c9' },
      detail: {},
    },
    'Claire Dubois (FR): procedure opened · cable c9',
  ],
];

for (const [name, event, sentence] of cases) {
  test(name, () => assert.equal(auditSentence(event, names), sentence));
}
