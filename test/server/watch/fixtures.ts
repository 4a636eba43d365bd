/**
 * What the watch's server tests share: a test app with cables for FR's COEST group, reads
 * from a chosen network and with a chosen sequence number, and the watch events of a device.
 */
import assert from 'node:assert/strict';
import { parseLogEvent } from '../../../src/core/log/log-event.ts';
import type { Backend } from '../fixtures/backends.ts';
import { device, type TestDevice } from '../fixtures/network.ts';
import type { TestResponse } from '../fixtures/test-api.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';
import { cableBody, nextPosition, testCable } from '../fixtures/test-cable.ts';

/** The diplomat's office network and the thief's. */
export const OFFICE = '192.0.2.10';
export const THIEF = '203.0.113.66';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface WatchApp extends TestApp {
  /** Ids of cables de.anna sent to FR's COEST group, in order. */
  readonly cables: readonly string[];
}

/** A fresh app with `count` cables from DE to FR's COEST group. */
export async function startWatchApp(backend: Backend, count: number): Promise<WatchApp> {
  const t = await startTestApp(backend);
  const anna = device(t.network, 'de.anna');
  const cables: string[] = [];
  for (let i = 0; i < count; i++) {
    const cable = await testCable(t.directory, {
      sender: anna,
      distribution: [{ org: 'FR', role: 'action' }],
      groups: ['COEST'],
      ...(await nextPosition(t.api, anna)),
    });
    const sent = await t.api.post('/api/v1/cables', cableBody(cable), { as: anna });
    assert.equal(sent.status, 201, sent.text);
    cables.push(cable.header.id);
  }
  return Object.assign(t, { cables });
}

/** Sends an ordinary cable from FR's officer to FR's COEST group; its id. */
export async function sendFrCable(t: TestApp): Promise<string> {
  const officer = device(t.network, 'fr.officer');
  const cable = await testCable(t.directory, {
    sender: officer,
    distribution: [{ org: 'FR', role: 'info' }],
    groups: ['COEST'],
    ...(await nextPosition(t.api, officer)),
  });
  const sent = await t.api.post('/api/v1/cables', cableBody(cable), { as: officer });
  assert.equal(sent.status, 201, sent.text);
  return cable.header.id;
}

export interface ReadOptions {
  readonly from?: string;
  /** The sequence number to sign with; default the device's next. */
  readonly sequence?: number;
}

export function read(
  t: TestApp,
  as: TestDevice,
  cable: string,
  options: ReadOptions = {},
): Promise<TestResponse> {
  return t.api.get(`/api/v1/cables/${cable}`, {
    as,
    from: options.from ?? OFFICE,
    ...(options.sequence === undefined ? {} : { sequence: options.sequence }),
  });
}

export interface WatchEvent {
  readonly type: string;
  readonly at: number;
  readonly detail: Record<string, unknown>;
}

/** The `watch.*` events about `device`, oldest first. */
export async function watchEvents(t: TestApp, deviceId: string): Promise<WatchEvent[]> {
  const events = await t.store.auditEvents(0, Number.MAX_SAFE_INTEGER);
  return events
    .map((e) => parseLogEvent(e.event))
    .filter((e) => e.type.startsWith('watch.') && e.object.id === deviceId)
    .map((e) => ({ type: e.type, at: e.at, detail: e.detail as Record<string, unknown> }));
}
