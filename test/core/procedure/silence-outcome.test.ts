/**
 * The silence procedure's outcome (src/core/procedure/silence-outcome.ts): the rules on
 * named cases, and a property: over any order-preserving subset of a random log, the outcome
 * equals the one a separate, plainly written reference computes (reference-outcome.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { LogEvent } from '../../../src/core/log/log-event.ts';
import { type SilenceProcedure, silenceOutcome } from '../../../src/core/procedure/silence-outcome.ts';
import { referenceOutcome } from './reference-outcome.ts';

const RUNS = Number(process.env.VALISE_PROPERTY_RUNS ?? 1000);
const T = 1_790_000_000;
const PROCEDURE: SilenceProcedure = {
  id: 'procedureAAAAAAAAAAAAA',
  org: 'IE',
  participants: ['CY', 'DE', 'FR'],
  deadline: T + 100,
};
const ORGS = ['IE', 'CY', 'DE', 'FR', 'PL'] as const;

function accepted(
  org: string,
  at: number,
  silence: Record<string, unknown>,
  cable = `cable-${at}-${org}`,
): LogEvent {
  return {
    at,
    type: 'cable.accepted',
    actor: { org, user: `${org.toLowerCase()}.user`, device: 'device' },
    object: { kind: 'cable', id: cable, org },
    detail: { reference: `${org}/1/26`, silence: silence as never },
  } as LogEvent;
}
function fetched(org: string, at: number, cable = PROCEDURE.id): LogEvent {
  return {
    at,
    type: 'cable.fetched',
    actor: { org, user: `${org.toLowerCase()}.user`, device: 'device' },
    object: { kind: 'cable', id: cable, org: 'IE' },
    detail: { reference: 'IE/1/26' },
  } as LogEvent;
}
const everyoneFetched = ['CY', 'DE', 'FR'].map((org, i) => fetched(org, T + i));

describe('silence outcome, named cases', () => {
  test('adopted when every participant fetched the text and nobody objected', () => {
    assert.equal(silenceOutcome(PROCEDURE, everyoneFetched).outcome, 'adopted');
  });
  test('an objection one second before the deadline breaks silence; at the deadline it is late', () => {
    const early = accepted('FR', T + 99, { act: 'object', procedure: PROCEDURE.id });
    const late = accepted('FR', T + 100, { act: 'object', procedure: PROCEDURE.id });
    assert.deepEqual(silenceOutcome(PROCEDURE, [...everyoneFetched, early]).objections, [
      { org: 'FR', at: T + 99, cable: early.object.id },
    ]);
    assert.equal(silenceOutcome(PROCEDURE, [...everyoneFetched, late]).outcome, 'adopted');
  });
  test('a participant with no fetch before the deadline makes it not valid, named', () => {
    const outcome = silenceOutcome(PROCEDURE, [
      fetched('CY', T),
      fetched('FR', T + 1),
      fetched('DE', T + 100),
    ]);
    assert.equal(outcome.outcome, 'not-valid');
    assert.deepEqual(outcome.undelivered, ['DE']);
  });
  test('only the Presidency extends or withdraws, and only participants object', () => {
    const log = [
      ...everyoneFetched,
      accepted('FR', T + 10, { act: 'withdraw', procedure: PROCEDURE.id }),
      accepted('FR', T + 11, { act: 'extend', procedure: PROCEDURE.id, deadline: T + 500 }),
      accepted('PL', T + 12, { act: 'object', procedure: PROCEDURE.id }),
      accepted('IE', T + 13, { act: 'object', procedure: PROCEDURE.id }),
    ];
    assert.deepEqual(silenceOutcome(PROCEDURE, log), {
      outcome: 'adopted',
      deadline: T + 100,
      objections: [],
      undelivered: [],
    });
  });
  test('an extension moves the deadline; a withdrawal ends the procedure', () => {
    const extended = [
      ...everyoneFetched,
      accepted('IE', T + 50, { act: 'extend', procedure: PROCEDURE.id, deadline: T + 300 }),
      accepted('CY', T + 200, { act: 'object', procedure: PROCEDURE.id }),
    ];
    assert.equal(silenceOutcome(PROCEDURE, extended).outcome, 'broken');
    assert.equal(silenceOutcome(PROCEDURE, extended).deadline, T + 300);
    const withdrawn = [
      ...extended.slice(0, 3),
      accepted('IE', T + 20, { act: 'withdraw', procedure: PROCEDURE.id }),
    ];
    assert.deepEqual(silenceOutcome(PROCEDURE, withdrawn), {
      outcome: 'withdrawn',
      deadline: T + 100,
      objections: [],
      undelivered: [],
      withdrawnAt: T + 20,
    });
  });
});

/** A random log in time order: acts, fetches and noise, for this procedure and others. */
const arbitraryLog = fc
  .array(
    fc.record({
      step: fc.integer({ min: 0, max: 40 }),
      org: fc.constantFrom(...ORGS),
      kind: fc.constantFrom('open', 'extend', 'withdraw', 'object', 'fetch', 'ack', 'noise', 'bad'),
      other: fc.boolean(),
      deadline: fc.integer({ min: 0, max: 400 }),
    }),
    { maxLength: 40 },
  )
  .map((items) => {
    let at = T - 5;
    return items.map((item, i): LogEvent => {
      at += item.step;
      const procedure = item.other ? 'otherprocAAAAAAAAAAAAA' : PROCEDURE.id;
      switch (item.kind) {
        case 'fetch':
          return fetched(item.org, at, item.other ? 'other-cable-0000000000' : PROCEDURE.id);
        case 'ack':
          return { ...fetched(item.org, at), type: 'cable.acknowledged' } as LogEvent;
        case 'noise':
          return {
            ...fetched(item.org, at),
            type: 'silence.outcome',
            detail: { outcome: 'adopted' },
          } as LogEvent;
        case 'bad':
          return accepted(item.org, at, { act: 'object', procedure: 42 }, `bad-${i}`);
        case 'extend':
          return accepted(item.org, at, { act: 'extend', procedure, deadline: T + item.deadline }, `c-${i}`);
        default:
          return accepted(item.org, at, { act: item.kind, procedure }, `c-${i}`);
      }
    });
  });

describe('silence outcome, property', () => {
  test('over any order-preserving subset of the log, the outcome equals the reference', () => {
    fc.assert(
      fc.property(
        arbitraryLog.chain((log) => fc.subarray(log)),
        (subset) => {
          assert.deepEqual(silenceOutcome(PROCEDURE, subset), referenceOutcome(PROCEDURE, subset));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
