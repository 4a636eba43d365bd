/**
 * The end-to-end test of the command line: the real server (a child process) on loopback
 * HTTP with a fresh SQLite file, and the real `valise` command, run in-process through its
 * entry function, for every act. Three organisations, ten
 * devices (two security officers each with the org key, four people through invitation,
 * enrolment and approval, each act of the first officer confirmed by the second), one RESTREINT UE cable from DE to DE (info) and FR (action) for
 * the working group COEST. Exactly the entitled devices read it; an uncleared person of a
 * recipient org, a person outside the group, the officers and a device of the third org
 * cannot; and neither the server's database nor its log holds the subject, the body, or
 * any private key or invitation secret.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { passphraseFromEnvironment } from '../../src/cli/passphrase-from-environment.ts';
import { FileKeyStore } from '../../src/client/file-key-store.ts';
import { KeyFileLock } from '../../src/client/key-file-lock.ts';
import { heldKeys } from '../../src/client/key-store.ts';
import { readOrgKeyFile } from '../../src/client/org-key-file.ts';
import { exportSeed } from '../../src/core/crypto/ed25519.ts';
import { XWing } from '../../src/core/crypto/hpke/x-wing.ts';
import { fromBase64url, toBase64url } from '../../src/core/encoding/bytes.ts';
import type { RunningServer } from './child-processes.ts';
import { startServer } from './child-processes.ts';
import { type CliRun, runValise, TEST_PASSPHRASE } from './run-valise.ts';

const TEST_PASSPHRASES = passphraseFromEnvironment({ VALISE_PASSPHRASE: TEST_PASSPHRASE }, undefined);

/** Appears in an attachment's plaintext only: the server must never hold it. */
const ATTACHMENT_MARK = 'annex-plaintext-7f3a';
const SUBJECT = 'Démarche on the northern pipeline incident';
const BODY =
  'Paris and Berlin agree to seek an urgent meeting of COEST. Text for the démarche follows: ZEBRA-7741.';

interface Person {
  readonly profile: string;
  readonly org: string;
  readonly user: string;
  readonly name: string;
  readonly clearance: string;
  readonly groups: string;
  readonly role?: string;
  /** Bootstrapped with the org key rather than invited. */
  readonly officer?: boolean;
  device?: string;
}

const PEOPLE: Person[] = [
  {
    profile: 'de-so',
    org: 'DE',
    user: 'de.officer',
    name: 'Dieter Ott',
    clearance: 'RESTREINT UE',
    groups: '',
    officer: true,
  },
  {
    profile: 'fr-so',
    org: 'FR',
    user: 'fr.officer',
    name: 'Fanny Roux',
    clearance: 'RESTREINT UE',
    groups: '',
    officer: true,
  },
  {
    profile: 'cy-so',
    org: 'CY',
    user: 'cy.officer',
    name: 'Chloe Yiannou',
    clearance: 'RESTREINT UE',
    groups: 'COEST',
    officer: true,
  },
  // Each organisation's second officer, founded with the organisation key on the day it was
  // certified: they confirm the first officer's command-line acts (docs/design.md §5).
  {
    profile: 'de-so2',
    org: 'DE',
    user: 'de.officer.2',
    name: 'Dora Ott',
    clearance: 'RESTREINT UE',
    groups: '',
    officer: true,
  },
  {
    profile: 'fr-so2',
    org: 'FR',
    user: 'fr.officer.2',
    name: 'Fabien Roux',
    clearance: 'RESTREINT UE',
    groups: '',
    officer: true,
  },
  {
    profile: 'cy-so2',
    org: 'CY',
    user: 'cy.officer.2',
    name: 'Costas Yiannou',
    clearance: 'RESTREINT UE',
    groups: '',
    officer: true,
  },
  {
    profile: 'de-anna',
    org: 'DE',
    user: 'de.anna',
    name: 'Anna Schmidt',
    clearance: 'RESTREINT UE',
    groups: 'COEST',
  },
  {
    profile: 'de-bob',
    org: 'DE',
    user: 'de.bob',
    name: 'Bob Weber',
    clearance: 'RESTREINT UE',
    groups: 'COEST,CONUN',
  },
  {
    profile: 'fr-paul',
    org: 'FR',
    user: 'fr.paul',
    name: 'Paul Martin',
    clearance: 'RESTREINT UE',
    groups: 'COEST',
  },
  {
    profile: 'fr-claire',
    org: 'FR',
    user: 'fr.claire',
    name: 'Claire Petit',
    clearance: 'UNCLASSIFIED',
    groups: 'COEST',
  },
];
const person = (profile: string) => PEOPLE.find((p) => p.profile === profile)!;
/** docs/design.md §6 for this cable: the sender, and COEST members cleared RESTREINT UE of DE and FR. */
const ENTITLED = ['de-anna', 'de-bob', 'fr-paul'];
const NOT_ENTITLED = ['de-so', 'fr-so', 'cy-so', 'de-so2', 'fr-claire'];
/** The officer who confirms `officer`'s held acts: the other one of their organisation. */
const secondOf = (officer: Person) =>
  PEOPLE.find((o) => o.officer && o.org === officer.org && o !== officer)!;

describe('end to end: CLI and server over loopback HTTP', { timeout: 600_000 }, () => {
  let configDir: string;
  let dataDir: string;
  let server: RunningServer | undefined;
  let rootKey: string;
  const codes: string[] = [];
  let cable: { id: string; reference: string; recipients: string[] } | undefined;

  const valise = (profile: string, argv: readonly string[], stdin = '') =>
    runValise(['--profile', profile, ...argv], { VALISE_CONFIG_DIR: configDir }, stdin);

  /** Runs a command that must succeed; returns its --json output. */
  const ok = async (
    profile: string,
    argv: readonly string[],
    stdin = '',
  ): Promise<Record<string, unknown>> => {
    const run = await valise(profile, [...argv, '--json'], stdin);
    assert.equal(run.code, 0, `valise --profile ${profile} ${argv.join(' ')} failed: ${run.stderr}`);
    assert.equal(run.stderr, '', `no stderr on success: ${run.stderr}`);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };

  /**
   * The officer acts in a verb's --json output that the server held (docs/design.md §5),
   * confirmed by the organisation's second officer; returns how many.
   */
  const confirmHeld = async (officer: Person, output: Record<string, unknown>): Promise<number> => {
    const held = Array.isArray(output.held) ? output.held : output.held ? [output.held] : [];
    for (const act of held as { id: string }[]) {
      const confirmed = await ok(secondOf(officer).profile, ['officer', 'confirm', act.id]);
      assert.equal(confirmed.outcome, 'confirmed');
    }
    return held.length;
  };

  /** A failure: non-zero exit and exactly one line on stderr, with this code. */
  const failsWith = (run: CliRun, code: string, what: string): void => {
    assert.notEqual(run.code, 0, `${what} should fail`);
    const lines = run.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 1, `${what}: one line on stderr, got ${run.stderr}`);
    assert.match(lines[0]!, new RegExp(`^valise: ${code}: `), `${what}: ${lines[0]}`);
  };

  before(async () => {
    configDir = await folder('valise-e2e-config-');
    dataDir = await folder('valise-e2e-data-');
    const init = await ok('authority', [
      'network',
      'init',
      '--network',
      'coreu',
      '--accreditation',
      'RESTREINT UE',
    ]);
    rootKey = String(init.rootKey);
    server = await startServer({
      VALISE_DATA_DIR: dataDir,
      VALISE_NETWORK: 'coreu',
      VALISE_ROOT_KEY: rootKey,
    });
  });

  /** Each organisation's key file, on its officer's machine (here: beside the profiles). */
  const orgKeyFile = (org: string) => join(configDir, `${org}-org-key.json`);

  /** The profile folders under the config folder. */
  const profiles = async () =>
    (await readdir(configDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);

  /** Every file of a folder as text, encrypted key files decrypted with the suites' passphrase. */
  const decryptedFiles = async (dir: string): Promise<[string, string][]> => {
    const lock = new KeyFileLock({ passphrase: TEST_PASSPHRASES, what: dir });
    const files: [string, string][] = [];
    for (const file of await readdir(dir)) {
      const path = join(dir, file);
      const read = file.endsWith('.json')
        ? await lock.read(path, (v) => v, {}, 512 * 1024 * 1024)
        : undefined;
      files.push([file, read ? JSON.stringify(read.value) : (await readFile(path)).toString('latin1')]);
    }
    return files;
  };

  /** Every private key the clients made, decrypted with the suites' passphrase. */
  const privateKeys = async (): Promise<[string, Uint8Array][]> => {
    const keys: [string, Uint8Array][] = [];
    for (const profile of await profiles()) {
      const store = new FileKeyStore({
        dir: join(configDir, profile),
        name: profile,
        passphrase: TEST_PASSPHRASES,
      });
      const { device, archiveKey } = await store.loadProfile();
      const held = device && heldKeys(device);
      if (held) {
        keys.push([`${profile} signing key`, await exportSeed(held.signer.privateKey)]);
        keys.push([`${profile} X-Wing key`, await XWing.exportPrivateKey(held.kemPrivateKey)]);
      }
      if (archiveKey) keys.push([`${profile} archive key`, archiveKey]);
      const root = await store.loadRootKey();
      if (root) keys.push([`${profile} root key`, await exportSeed(root.signer.privateKey)]);
    }
    for (const org of ['DE', 'FR', 'CY']) {
      const { signer } = await readOrgKeyFile(orgKeyFile(org), { passphrase: TEST_PASSPHRASES });
      keys.push([`${org} organisation key`, await exportSeed(signer.privateKey)]);
    }
    return keys;
  };

  /** Every temporary folder made, removed at the end (they hold private keys). */
  const folders: string[] = [];
  const folder = async (prefix: string) => {
    const made = await mkdtemp(join(tmpdir(), prefix));
    folders.push(made);
    return made;
  };

  after(async () => {
    await server?.stop();
    for (const made of folders) await rm(made, { recursive: true, force: true });
  });

  test('each organisation makes its key and the network authority certifies it', async () => {
    for (const [org, name] of [
      ['DE', 'Auswärtiges Amt'],
      ['FR', 'Ministère de l’Europe et des Affaires étrangères'],
      ['CY', 'Ministry of Foreign Affairs of Cyprus'],
    ] as const) {
      // The organisation's first officer makes its key on their own machine, apart from any profile.
      const officer = PEOPLE.find((p) => p.officer && p.org === org)!;
      const requested = await ok(officer.profile, ['org', 'request', org, '--key-file', orgKeyFile(org)]);
      const added = await ok('authority', [
        'org',
        'certify',
        String(requested.request),
        '--name',
        name,
        '--accreditation',
        'RESTREINT UE',
        '--server',
        server!.url,
      ]);
      assert.equal(added.org, org);
    }
  });

  test('each organisation bootstraps its first security officer with the organisation key', async () => {
    for (const p of PEOPLE.filter((x) => x.officer)) {
      const enrolled = await ok(p.profile, [
        'enrol',
        '--org-key',
        orgKeyFile(p.org),
        '--user',
        p.user,
        '--name',
        p.name,
        '--clearance',
        p.clearance,
        ...(p.groups ? ['--groups', p.groups] : []),
        '--server',
        server!.url,
        '--root',
        rootKey,
        '--label',
        'officer laptop',
      ]);
      assert.equal(enrolled.org, p.org);
      assert.equal(enrolled.trust, 'given');
      p.device = String(enrolled.device);
    }
  });

  test('officers invite four people, who enrol with their one-time codes and are approved', async () => {
    for (const p of PEOPLE.filter((x) => !x.officer)) {
      const officer = PEOPLE.find((o) => o.officer && o.org === p.org)!;
      const invitation = await ok(officer.profile, [
        'invite',
        '--user',
        p.user,
        '--name',
        p.name,
        '--clearance',
        p.clearance,
        '--groups',
        p.groups,
        '--expires',
        '1h',
      ]);
      assert.equal(invitation.rootKey, rootKey);
      // From the command line, the certificate and the invitation wait for the second officer.
      assert.equal(await confirmHeld(officer, invitation), 2);
      const code = String(invitation.code);
      codes.push(code);
      const enrolled = await ok(p.profile, [
        'enrol',
        code,
        '--server',
        server!.url,
        '--root',
        rootKey,
        '--label',
        'laptop',
      ]);
      assert.equal(enrolled.status, 'pending');
      assert.match(String(enrolled.comparisonCode), /^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
      p.device = String(enrolled.device);

      // Before approval the device cannot act, and says why.
      failsWith(await valise(p.profile, ['inbox']), 'DEVICE_NOT_CERTIFIED', `${p.profile} before approval`);

      const pending = (await ok(officer.profile, ['approve'])).items as {
        device: string;
        user: string;
        comparisonCode: string;
      }[];
      assert.equal(
        pending.find((x) => x.device === p.device && x.user === p.user)?.comparisonCode,
        enrolled.comparisonCode,
        `${p.device} is pending, listed with the code its device shows`,
      );
      // The officer must say which code the person read from their device.
      failsWith(
        await valise(officer.profile, ['approve', p.device]),
        'COMPARISON_REQUIRED',
        'an approval without the comparison code',
      );
      const approval = await ok(officer.profile, [
        'approve',
        p.device,
        '--code',
        String(enrolled.comparisonCode),
      ]);
      assert.equal(approval.status, 'held');
      failsWith(
        await valise(p.profile, ['inbox']),
        'DEVICE_NOT_CERTIFIED',
        `${p.profile} before confirmation`,
      );
      // The second officer sees what they confirm: who asked, for whom, the device's code.
      const waiting = (await ok(secondOf(officer).profile, ['officer', 'pending'])).items as {
        id: string;
        by: string;
        subject: string;
        comparisonCode?: string;
      }[];
      assert.deepEqual(
        waiting.map((w) => [w.id, w.by, w.subject, w.comparisonCode]),
        [[(approval.held as { id: string }).id, officer.user, p.user, enrolled.comparisonCode]],
      );
      assert.equal(await confirmHeld(officer, approval), 1);
    }
    // Ten devices, all active.
    for (const officer of PEOPLE.filter((x) => x.officer)) {
      const devices = (await ok(officer.profile, ['devices'])).items as { device: string; status: string }[];
      for (const p of PEOPLE.filter((x) => x.org === officer.org)) {
        assert.equal(devices.find((d) => d.device === p.device)?.status, 'active', `${p.profile} active`);
      }
    }
    assert.equal(new Set(PEOPLE.map((p) => p.device)).size, 10);
  });

  test('an invitation code works once', async () => {
    const again = await valise('reuse', [
      'enrol',
      codes[0]!,
      '--server',
      server!.url,
      '--root',
      rootKey,
      '--label',
      'thief',
    ]);
    failsWith(again, 'INVITATION_USED', 'a second enrolment with the same code');
  });

  test("keys swapped in the server's database are refused at the officer's approve", async () => {
    const invitation = await ok('de-so', [
      'invite',
      '--user',
      'de.eve',
      '--name',
      'Eve Neu',
      '--clearance',
      'RESTREINT UE',
    ]);
    await confirmHeld(person('de-so'), invitation);
    // `--` before the code: a code may start with '-' (its id is random base64url).
    const enrolling = await valise('de-eve', [
      'enrol',
      '--server',
      server!.url,
      '--root',
      rootKey,
      '--label',
      'laptop',
      '--json',
      '--',
      String(invitation.code),
    ]);
    assert.equal(enrolling.code, 0, enrolling.stderr);
    const enrolled = JSON.parse(enrolling.stdout) as Record<string, unknown>;
    // The operator replaces the pending keys with a key pair of their own (the same shape).
    const { default: Sqlite } = await import('better-sqlite3');
    const db = new Sqlite(join(dataDir, 'valise.db'));
    try {
      db.pragma('busy_timeout = 5000');
      const swapped = db
        .prepare(
          'UPDATE enrolments SET signing_key = randomblob(32), kem_key = randomblob(1216) WHERE device = ?',
        )
        .run(String(enrolled.device));
      assert.equal(swapped.changes, 1);
    } finally {
      db.close();
    }
    failsWith(
      await valise('de-so', ['approve', String(enrolled.device), '--code', String(enrolled.comparisonCode)]),
      'ENROLMENT_TAMPERED',
      'approving swapped keys',
    );
    const devices = (await ok('de-so', ['devices'])).items as { device: string; status: string }[];
    assert.notEqual(devices.find((d) => d.device === enrolled.device)?.status, 'active');
  });

  test('DE sends a RESTREINT UE cable to DE and FR for the working group COEST, sealed for exactly the entitled devices', async () => {
    const sent = await ok(
      'de-anna',
      [
        'send',
        '--subject',
        SUBJECT,
        '--classification',
        'RESTREINT UE',
        '--precedence',
        'IMMEDIATE',
        '--to',
        'FR:action',
        '--to',
        'DE:info',
        '--groups',
        'COEST',
        '--tag',
        'pipeline',
      ],
      BODY,
    );
    cable = {
      id: String(sent.id),
      reference: String(sent.reference),
      recipients: sent.recipients as string[],
    };
    assert.match(cable.reference, /^DE\/1\/\d\d$/);
    assert.deepEqual(
      [...cable.recipients].sort(),
      ENTITLED.map((p) => person(p).device!).sort(),
      'the wrapped set is exactly the entitled devices',
    );
  });

  test('a cable to an organisation where nobody may read it is refused before sealing and says how to send it anyway', async () => {
    const argv = ['send', '--subject', 'For CY', '--classification', 'RESTREINT UE', '--to', 'CY:action'];
    // Nobody in CY is in CONUN: the action would never be taken.
    const refused = await valise('de-anna', [...argv, '--groups', 'CONUN'], 'text');
    failsWith(refused, 'UNDELIVERABLE', 'a cable CY cannot read');
    assert.match(refused.stderr, /CY \(action\) — nobody can read this cable.*--allow-undeliverable/);
    const head = await ok('de-anna', ['inbox']);
    assert.ok(
      !(head.items as { subject?: string }[]).some((item) => item.subject === 'For CY'),
      'nothing was sent',
    );
  });

  test('every entitled device reads it, verified locally, and is told who signed it', async () => {
    for (const profile of ENTITLED) {
      // Before opening: the subject from the cable's sealed summary (format 4), opened here.
      const listed = (await ok(profile, ['inbox'])).items as { id: string; subject?: string }[];
      assert.equal(listed.find((i) => i.id === cable!.id)?.subject, SUBJECT, `${profile} listed subject`);
      const read = await ok(profile, ['read', cable!.reference]);
      assert.equal(read.id, cable!.id);
      assert.equal(read.subject, SUBJECT);
      assert.equal(read.body, BODY);
      assert.equal(read.classification, 'RESTREINT UE');
      assert.deepEqual(read.signedBy, {
        name: 'Anna Schmidt',
        user: 'de.anna',
        org: 'DE',
        orgName: 'Auswärtiges Amt',
        device: person('de-anna').device,
        deviceLabel: 'laptop',
      });
      // Once opened, the inbox shows the subject from the device's own record.
      const inbox = (await ok(profile, ['inbox'])).items as {
        id: string;
        subject?: string;
        verified: boolean;
      }[];
      const item = inbox.find((i) => i.id === cable!.id);
      assert.equal(item?.subject, SUBJECT, `${profile} inbox subject`);
      assert.equal(item?.verified, true);
    }
    const human = await valise('fr-paul', ['read', cable!.id]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /signed by Anna Schmidt \(de\.anna\) of DE/);
  });

  test('no other device can read it: not the uncleared person in FR, not the officers, not the third organisation', async () => {
    for (const profile of NOT_ENTITLED) {
      const inbox = (await ok(profile, ['inbox'])).items as { id: string }[];
      assert.ok(!inbox.some((i) => i.id === cable!.id), `${profile} does not see the cable in its inbox`);
      failsWith(await valise(profile, ['read', cable!.id]), 'NOT_FOUND', `${profile} reading by id`);
      failsWith(
        await valise(profile, ['read', cable!.reference]),
        'NOT_FOUND',
        `${profile} reading by reference`,
      );
    }
  });

  test('FR acknowledges; the sender sees who has and who has not', async () => {
    const ack = await ok('fr-paul', ['ack', cable!.reference]);
    assert.equal(ack.org, 'FR');
    const acks = (await ok('de-anna', ['acks', cable!.reference])).items as {
      org: string;
      acknowledged: boolean;
    }[];
    assert.deepEqual(acks.map((a) => [a.org, a.acknowledged]).sort(), [
      ['DE', false],
      ['FR', true],
    ]);
    const unacked = (await ok('fr-paul', ['inbox', '--unacknowledged'])).items as { id: string }[];
    assert.ok(!unacked.some((i) => i.id === cable!.id));
  });

  test('a revoked device is refused from then on', async () => {
    // A revocation the second officer refuses applies nothing.
    const first = await ok('de-so', ['revoke', person('de-bob').device!, '--reason', 'laptop lost']);
    const refused = await ok('de-so2', [
      'officer',
      'refuse',
      (first.held as { id: string }).id,
      '--reason',
      'Bob has his laptop; I called him',
    ]);
    assert.equal(refused.outcome, 'refused');
    const stillActive = (await ok('de-so', ['devices'])).items as { device: string; status: string }[];
    assert.equal(stillActive.find((d) => d.device === person('de-bob').device)?.status, 'active');

    const held = await ok('de-so', ['revoke', person('de-bob').device!, '--reason', 'laptop lost']);
    assert.equal(held.status, 'held');
    assert.equal((await ok('de-bob', ['inbox'])).items !== undefined, true, 'held: not revoked yet');
    // The officer cannot confirm their own act; the second officer does.
    failsWith(
      await valise('de-so', ['officer', 'confirm', (held.held as { id: string }).id]),
      'INVALID_ARGUMENT',
      'an officer confirming their own act',
    );
    assert.equal(await confirmHeld(person('de-so'), held), 1);
    failsWith(await valise('de-bob', ['read', cable!.id]), 'DEVICE_REVOKED', 'the revoked device reading');
    failsWith(await valise('de-bob', ['inbox']), 'DEVICE_REVOKED', 'the revoked device listing its inbox');
  });

  test('a cable with two attachments is read back byte-identical with --save-attachments', async () => {
    const attachments = await folder('valise-e2e-attach-');
    const report = join(attachments, 'report.pdf');
    const data = join(attachments, 'figures.bin');
    const reportBytes = Buffer.from(`%PDF-1.7 ${ATTACHMENT_MARK} `.repeat(5000));
    const dataBytes = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31) % 256));
    await writeFile(report, reportBytes);
    await writeFile(data, dataBytes);
    const sent = await ok(
      'de-anna',
      [
        'send',
        '--subject',
        'With annexes',
        '--classification',
        'RESTREINT UE',
        '--to',
        'FR:action',
        '--groups',
        'COEST',
        '--attach',
        report,
        '--attach',
        data,
      ],
      'See the annexes.',
    );
    const out = await folder('valise-e2e-saved-');
    const read = await ok('fr-paul', ['read', String(sent.id), '--save-attachments', out]);
    assert.deepEqual(read.attachments, [
      { name: 'report.pdf', type: 'application/pdf', size: reportBytes.length },
      { name: 'figures.bin', type: 'application/octet-stream', size: dataBytes.length },
    ]);
    assert.deepEqual(await readFile(join(out, 'report.pdf')), reportBytes);
    assert.deepEqual(await readFile(join(out, 'figures.bin')), dataBytes);
    // Never overwrites: a second save into the same folder fails in plain words.
    failsWith(
      await valise('fr-paul', ['read', String(sent.id), '--save-attachments', out]),
      'INPUT_FAILED',
      'saving over an existing file',
    );
    failsWith(await valise('cy-so', ['read', String(sent.id)]), 'NOT_FOUND', 'another organisation');
  });

  test('a canary planted for a person suspends a copy of their key file at its first fetch', async () => {
    const planted = await ok(
      'fr-so',
      [
        'canary',
        'plant',
        '--for',
        'fr.paul',
        '--group',
        'COEST',
        '--subject',
        'Minutes of the 2019 budget working party',
        '--reason',
        'a copy of the key of fr.paul is suspected',
      ],
      'Attached are the minutes as circulated.',
    );
    const id = String(planted.cable);
    const quiet = await ok('fr-so', ['canary', 'list']);
    assert.deepEqual(
      (quiet.items as { cable: string; tripped?: unknown }[]).map((c) => [c.cable, c.tripped]),
      [[id, undefined]],
    );
    // The real device keeps its request counter beside its key, owner-only.
    const real = join(configDir, 'fr-paul');
    const counter = JSON.parse(await readFile(join(real, 'sequence.json'), 'utf8')) as { last: number };
    assert.ok(counter.last > 0);
    assert.equal((await stat(join(real, 'sequence.json'))).mode & 0o777, 0o600);
    // A thief copies the profile folder (and has watched the passphrase typed) and walks
    // the archive; the canary stops the copy.
    await cp(real, join(configDir, 'fr-paul-copy'), { recursive: true });
    failsWith(await valise('fr-paul-copy', ['read', id]), 'DEVICE_SUSPENDED', 'the copy fetching the canary');
    failsWith(await valise('fr-paul', ['inbox']), 'DEVICE_SUSPENDED', 'the device itself, afterwards');
    const tripped = await ok('fr-so', ['canary', 'list']);
    const [item] = tripped.items as { tripped?: { device: string } }[];
    assert.equal(item?.tripped?.device, person('fr-paul').device);
  });

  test('a copy of a profile folder without its passphrase cannot act as the device', async () => {
    // docs/design.md §5: the key file is encrypted; the folder alone is not the device.
    await cp(join(configDir, 'de-anna'), join(configDir, 'thief'), { recursive: true });
    const withPassphrase = (passphrase: string, argv: readonly string[]) =>
      runValise(['--profile', 'thief', ...argv], {
        VALISE_CONFIG_DIR: configDir,
        VALISE_PASSPHRASE: passphrase,
      });
    failsWith(await withPassphrase('', ['inbox']), 'PASSPHRASE_REQUIRED', 'inbox with no passphrase');
    failsWith(
      await withPassphrase('', ['send', '--to', 'FR', '--classification', 'UNCLASSIFIED', '--subject', 'x']),
      'PASSPHRASE_REQUIRED',
      'send with no passphrase',
    );
    const wrong = await withPassphrase('a guess at the passphrase', ['read', cable!.reference]);
    failsWith(wrong, 'PASSPHRASE_WRONG', 'read with a wrong passphrase');
    assert.match(wrong.stderr, /wrong passphrase for .*thief.*keys\.json/);
    assert.ok(!wrong.stderr.includes('a guess at the passphrase'), 'the passphrase is never printed');
    // Nothing in the copied folder is a key in clear.
    for (const file of await readdir(join(configDir, 'thief'))) {
      const text = await readFile(join(configDir, 'thief', file), 'utf8');
      assert.ok(!/"(signingSeed|kemSeed|archiveKey|seed)"/.test(text), `${file} holds no key in clear`);
    }
  });

  test("no organisation's private key is in the authority's folder or in any device profile", async () => {
    const orgSeeds: [string, Uint8Array][] = [];
    for (const org of ['DE', 'FR', 'CY']) {
      const { signer } = await readOrgKeyFile(orgKeyFile(org), { passphrase: TEST_PASSPHRASES });
      orgSeeds.push([org, await exportSeed(signer.privateKey)]);
    }
    for (const profile of await profiles()) {
      for (const [file, content] of await decryptedFiles(join(configDir, profile))) {
        for (const [org, seed] of orgSeeds) {
          assert.ok(
            !content.includes(toBase64url(seed)),
            `${profile}/${file} holds ${org}'s organisation key`,
          );
          assert.ok(!content.includes(Buffer.from(seed).toString('latin1')), `${profile}/${file} (raw)`);
        }
      }
    }
  });

  test("the server's database and log hold no subject, no body, no private key and no invitation secret", async () => {
    await server!.stop();
    const files = (await readdir(dataDir)).filter((f) => f.startsWith('valise.db'));
    assert.ok(files.includes('valise.db'), `the SQLite file is in ${dataDir}: ${files.join(', ')}`);
    const database = Buffer.concat(await Promise.all(files.map((f) => readFile(join(dataDir, f)))));
    assert.ok(database.length > 10_000, 'the database holds the data (sanity check of the scan)');
    assert.ok(database.includes(Buffer.from(person('de-anna').device!)), 'the scan sees stored ids');
    const log = Buffer.from(server!.log());

    const secrets: [string, Buffer][] = [
      ['subject', Buffer.from(SUBJECT)],
      ['body', Buffer.from(BODY)],
      ['body marker', Buffer.from('ZEBRA-7741')],
      ['attachment plaintext', Buffer.from(ATTACHMENT_MARK)],
    ];
    // Every private key made on the clients, decrypted: device seeds, archive, organisation and root keys.
    for (const [what, seed] of await privateKeys()) {
      secrets.push([`${what} (base64url)`, Buffer.from(toBase64url(seed))]);
      secrets.push([`${what} (raw)`, Buffer.from(seed)]);
    }
    // The binding keys of the invitations an officer issued never reach the server.
    for (const profile of await readdir(configDir)) {
      const path = join(configDir, profile, 'invitations.json');
      const book = await readFile(path, 'utf8').catch(() => undefined);
      for (const kept of book ? (JSON.parse(book).invitations as { bindingKey: string }[]) : []) {
        secrets.push([`${path} binding key`, Buffer.from(fromBase64url(kept.bindingKey)!)]);
      }
    }
    for (const code of codes) {
      const secret = code.split('.')[1]!;
      secrets.push(['invitation secret (base64url)', Buffer.from(secret)]);
      secrets.push(['invitation secret (raw)', Buffer.from(fromBase64url(secret)!)]);
    }
    assert.ok(secrets.length > 20, 'keys were found to look for');
    for (const [what, bytes] of secrets) {
      assert.ok(!database.includes(bytes), `the database must not hold the ${what}`);
      assert.ok(!log.includes(bytes), `the server log must not hold the ${what}`);
    }
  });
});
