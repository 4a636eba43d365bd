/**
 * Hostile input (see hostile-table.ts) for the directory and what reads it: `openDirectory`
 * and the methods of the Directory it returns, policy, and the series check.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { SeriesItem } from '../../../src/core/cable/check-series.ts';
import { checkSeries } from '../../../src/core/cable/check-series.ts';
import { sha256 } from '../../../src/core/crypto/sha256.ts';
import { randomBytes, toBase64url } from '../../../src/core/encoding/bytes.ts';
import { EncodingError } from '../../../src/core/encoding/encoding-error.ts';
import type { SignedEntry } from '../../../src/core/identity/certificate.ts';
import type { Directory } from '../../../src/core/identity/directory.ts';
import { isDirectory, openDirectory } from '../../../src/core/identity/directory.ts';
import type { PolicyInput } from '../../../src/core/policy.ts';
import { entitledDevices, isEntitled } from '../../../src/core/policy.ts';
import type { FixtureDevice, FixtureNetwork } from '../fixtures/network.ts';
import { buildNetwork, T0 } from '../fixtures/network.ts';
import type { Row } from '../hostile-table.ts';
import { runRow } from '../hostile-table.ts';

const E = [EncodingError] as const;

let net: FixtureNetwork;
let dir: Directory;
let anna: FixtureDevice;
let input: PolicyInput;
let series: SeriesItem[];

before(async () => {
  net = await buildNetwork({
    orgs: [{ org: 'DE' }, { org: 'FR' }],
    users: [
      { user: 'de.anna', org: 'DE', clearance: 'SECRET UE', groups: ['COEST'] },
      { user: 'fr.bruno', org: 'FR', groups: ['COEST'] },
    ],
  });
  dir = await net.directory();
  anna = net.devicesOf('de.anna')[0]!;
  input = {
    org: 'DE',
    sender: { user: anna.user, device: anna.id },
    classification: 'RESTREINT UE',
    distribution: [{ org: 'FR', role: 'action' }],
    groups: ['COEST'],
    epoch: dir.epoch,
    sentAt: T0,
  };
  const first = { org: 'DE', serial: 1, sentAt: T0, id: toBase64url(randomBytes(16)) };
  const hash = sha256(randomBytes(8));
  series = [
    { header: first as never, hash },
    {
      header: { org: 'DE', serial: 2, sentAt: T0, id: toBase64url(randomBytes(16)), prev: hash } as never,
      hash: sha256(randomBytes(8)),
    },
  ];
});

const isString = (v: unknown) => typeof v === 'string';
/** An epoch: nothing (the latest) or any integer (clamped to 0..latest). */
const isEpoch = (v: unknown) => v === undefined || Number.isSafeInteger(v);

/** A Directory method: ids are strings (unknown ones answer undefined), epochs integers. */
const methodRow = (name: string, call: (d: Directory, id: unknown, epoch: unknown) => unknown): Row => ({
  name: `Directory#${name}`,
  args: () => [anna.id, dir.epoch],
  call: (id, epoch) => call(dir, id, epoch),
  errors: E,
  accepts: (v, path) => (path === '0' ? isString(v) : isEpoch(v)),
});

const ROWS: readonly Row[] = [
  {
    name: 'openDirectory',
    args: () => [net.root, net.entries],
    call: (root, entries) => openDirectory(root as never, entries as never),
    errors: E,
    async: true,
    // An empty directory is a directory (a network before its first organisation).
    accepts: (v, path) => path === '1' && Array.isArray(v) && v.length === 0,
  },
  {
    name: 'openDirectory (a last entry)',
    args: () => [net.entries[2]],
    call: (entry) => openDirectory(net.root, [...net.entries, entry as SignedEntry]),
    errors: E,
    async: true,
  },
  {
    name: 'isDirectory',
    args: () => [dir],
    call: (d) => isDirectory(d),
    errors: E,
    channel: 'false',
    // A shallow guard against look-alikes; a directory's own fields are its own business.
    opaque: [0],
  },
  methodRow('device', (d, id, epoch) => d.device(id as never, epoch as never)),
  methodRow('deviceProblem', (d, id, epoch) => d.deviceProblem(id as never, epoch as never)),
  methodRow('user', (d, id, epoch) => d.user(id as never, epoch as never)),
  methodRow('org', (d, id, epoch) => d.org(id as never, epoch as never)),
  {
    name: 'Directory#devices',
    args: () => [dir.epoch],
    call: (epoch) => dir.devices(epoch as never),
    errors: E,
    accepts: isEpoch,
  },
  // policy.ts: the sender is always entitled, whatever the groups; epoch 0 is a valid epoch.
  {
    name: 'isEntitled',
    args: () => [input, dir.device(anna.id), 'SECRET UE'],
    call: (i, e, c) => isEntitled(i as never, e as never, c as never),
    errors: E,
    channel: 'false',
    accepts: (v, path) =>
      (path === '0.groups' && Array.isArray(v) && v.length === 0) || (path === '0.epoch' && Object.is(v, -0)),
  },
  {
    name: 'entitledDevices',
    args: () => [input, dir],
    call: (i, d) => entitledDevices(i as never, d as never),
    errors: E,
    opaque: [1],
    accepts: (v, path) =>
      (path === '0.groups' && Array.isArray(v) && v.length === 0) || (path === '0.epoch' && Object.is(v, -0)),
    check: (result) => assert.ok(Array.isArray(result) && result.every(isString), 'not a list of device ids'),
  },
  // check-series.ts: the list, one item, and the header fields it reads.
  {
    name: 'checkSeries',
    args: () => [series],
    call: (items) => checkSeries(items as never),
    errors: E,
    accepts: (v) => Array.isArray(v) && v.length === 0,
  },
  {
    name: 'checkSeries (an item)',
    args: () => [series[1]],
    call: (item) => checkSeries([series[0]!, item as SeriesItem]),
    errors: E,
  },
  {
    name: 'checkSeries (a header)',
    args: () => [series[1]!.header],
    call: (header) => checkSeries([series[0]!, { header: header as never, hash: series[1]!.hash }]),
    errors: E,
    // Without prev the cable is a fork of the series, which the report says.
    accepts: (v, path) => path === '0.prev' && v === undefined,
    check: (report) => assert.equal((report as { ok: boolean }).ok, false),
  },
];

describe('hostile input to the directory, policy and the series check', () => {
  for (const row of ROWS) {
    test(`${row.name}: hostile arguments give its typed error, never a bare one`, { timeout: 30_000 }, () =>
      runRow(row),
    );
  }

  test('a malformed entry is named by its index and field', async () => {
    const entries = [...net.entries, { ...net.entries[1]!, body: { ...net.entries[1]!.body, kind: 'root' } }];
    await assert.rejects(
      openDirectory(net.root, entries as SignedEntry[]),
      (e: unknown) => e instanceof EncodingError && e.field === `entries[${net.entries.length}].body.kind`,
    );
  });

  test('a directory lookup refuses an epoch that is not an integer rather than answer for the latest', () => {
    assert.throws(
      () => dir.device(anna.id, Number.NaN),
      (e: unknown) => e instanceof EncodingError && e.field === 'epoch',
    );
    assert.equal(dir.device(anna.id, -5), undefined); // clamped to epoch 0: nothing yet
  });

  test('checkSeries names the item and field that is malformed', () => {
    const bad = [series[0]!, { header: { ...series[1]!.header, serial: 0 }, hash: series[1]!.hash }];
    assert.throws(
      () => checkSeries(bad),
      (e: unknown) => e instanceof EncodingError && e.field === 'items[1].header.serial',
    );
  });
});
