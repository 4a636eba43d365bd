import assert from 'node:assert/strict';
import { chmod, cp, lstat, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ClientError } from '../../src/client/client-error.ts';
import { FileKeyStore, profileFolder } from '../../src/client/file-key-store.ts';
import { heldKeys } from '../../src/client/key-store.ts';
import { makeDeviceKeys } from '../../src/client/make-device-keys.ts';
import { makeOrgKeyFile, readOrgKeyFile } from '../../src/client/org-key-file.ts';
import type { PassphraseSource } from '../../src/client/passphrase-source.ts';
import { exportSeed, generateSigner } from '../../src/core/crypto/ed25519.ts';
import { XWing } from '../../src/core/crypto/hpke/x-wing.ts';
import { randomBytes, toBase64url } from '../../src/core/encoding/bytes.ts';
import { testNetwork } from './test-network.ts';

/** The temporary folders made here, removed when the file's tests end. */
const folders: string[] = [];
after(async () => {
  for (const made of folders) await rm(made, { recursive: true, force: true });
});

/** Always answers `passphrase`, and counts how often it was asked. */
function passphrase(text: string): PassphraseSource & { asked: number } {
  const source = {
    asked: 0,
    unlock: async () => {
      source.asked += 1;
      return text;
    },
    choose: async () => {
      source.asked += 1;
      return text;
    },
  };
  return source;
}

const PASSPHRASE = 'correct horse battery staple';
/** Low through the explicit option, so the suite stays quick; the format records it. */
const WORK_FACTOR = 10;

async function folder(): Promise<string> {
  const config = await mkdtemp(join(tmpdir(), 'valise-keystore-'));
  folders.push(config);
  return config;
}

function storeIn(
  dir: string,
  options: { passphrase?: PassphraseSource; service?: boolean } = { passphrase: passphrase(PASSPHRASE) },
): FileKeyStore {
  return new FileKeyStore({ dir, name: 'default', workFactor: WORK_FACTOR, ...options });
}

async function store(): Promise<FileKeyStore> {
  return storeIn(profileFolder(await folder(), 'default'));
}

function rejectsWith(code: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ClientError, `expected a ClientError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

describe('FileKeyStore', () => {
  test('an empty profile reads as {} and an empty directory as []', async () => {
    const s = await store();
    assert.deepEqual(await s.loadProfile(), {});
    assert.deepEqual(await s.loadDirectory(), []);
    assert.equal(await s.loadRootKey(), undefined);
    assert.equal(await s.loadOrgKey('DE'), undefined);
  });

  test('device keys survive a round trip through the 0600 key file and still work', async () => {
    const s = await store();
    const keys = await makeDeviceKeys('laptop');
    const archiveKey = randomBytes(32);
    await s.saveProfile({
      server: 'http://127.0.0.1:8080',
      network: {
        root: { network: 'test', key: randomBytes(32), accreditation: 'RESTREINT UE' },
        serverKey: randomBytes(32),
      },
      device: { ...keys, user: 'de.anna', org: 'DE' },
      archiveKey,
    });
    assert.equal((await lstat(s.profilePath)).mode & 0o777, 0o600);
    const back = await s.loadProfile();
    assert.equal(back.server, 'http://127.0.0.1:8080');
    assert.equal(back.device?.device, keys.device);
    assert.equal(back.device?.user, 'de.anna');
    assert.equal(back.device?.org, 'DE');
    assert.deepEqual(back.device?.signer.publicKey, keys.signer.publicKey);
    assert.deepEqual(back.device?.kemPublicKey, keys.kemPublicKey);
    assert.deepEqual(back.archiveKey, archiveKey);
    // The loaded keys are the same keys: a signature verifies, an encapsulation opens.
    const message = randomBytes(40);
    const signature = await back.device!.signer.sign(message);
    const verifyKey = await crypto.subtle.importKey(
      'raw',
      new Uint8Array(keys.signer.publicKey),
      'Ed25519',
      false,
      ['verify'],
    );
    assert.ok(
      await crypto.subtle.verify('Ed25519', verifyKey, new Uint8Array(signature), new Uint8Array(message)),
    );
    const { enc, sharedSecret } = await XWing.encapsulate(keys.kemPublicKey);
    assert.deepEqual(await XWing.decapsulate(enc, heldKeys(back.device!)!.kemPrivateKey), sharedSecret);
  });

  test('the key file holds no byte of the private keys in any form but the seeds it must keep', async () => {
    // A service profile, whose file is in clear, shows what the encrypted ones hold inside.
    const s = storeIn(profileFolder(await folder(), 'default'), { service: true });
    const keys = await makeDeviceKeys('laptop');
    await s.saveProfile({ device: keys });
    const text = await readFile(s.profilePath, 'utf8');
    assert.ok(text.includes(toBase64url(await XWing.exportPrivateKey(keys.kemPrivateKey))));
    assert.ok(
      !text.includes(toBase64url(keys.kemPrivateKey.mlKemSecretKey)),
      'the expanded ML-KEM key is not stored',
    );
  });

  test('the root key round-trips in its own 0600 file, sealed under the profile passphrase', async () => {
    const s = await store();
    const root = await generateSigner(true);
    await s.saveRootKey({
      root: { network: 'test', key: root.publicKey, accreditation: 'SECRET UE' },
      signer: root,
    });
    const rootBack = await storeIn(s.dir).loadRootKey();
    assert.deepEqual(rootBack?.root, { network: 'test', key: root.publicKey, accreditation: 'SECRET UE' });
    assert.equal((await lstat(join(s.dir, 'root-key.json'))).mode & 0o777, 0o600);
    const text = await readFile(join(s.dir, 'root-key.json'), 'utf8');
    assert.ok(
      !text.includes(toBase64url(await exportSeed(root.privateKey))),
      'the root seed is not in clear',
    );
  });

  test('an organisation key lives in its own sealed file, which a profile names but never holds', async () => {
    const dir = await folder();
    const path = join(dir, 'de-org-key.json');
    const org = await makeOrgKeyFile(path, 'DE', {
      passphrase: passphrase('org key passphrase'),
      workFactor: WORK_FACTOR,
    });
    assert.equal((await lstat(path)).mode & 0o777, 0o600);
    const text = await readFile(path, 'utf8');
    assert.ok(!text.includes(toBase64url(await exportSeed(org.privateKey))), 'the seed is not in clear');
    const file = await readOrgKeyFile(path, { passphrase: passphrase('org key passphrase') });
    assert.equal(file.org, 'DE');
    assert.deepEqual(file.signer.publicKey, org.publicKey);
    await assert.rejects(
      readOrgKeyFile(path, { passphrase: passphrase(PASSPHRASE) }),
      rejectsWith('PASSPHRASE_WRONG'),
    );
    await assert.rejects(
      makeOrgKeyFile(path, 'DE', { passphrase: passphrase('another passphrase') }),
      rejectsWith('PROFILE_IN_USE'),
      'an organisation key is never replaced',
    );
    // A profile stores the path only, and refuses to store the key.
    const s = await store();
    await assert.rejects(s.saveOrgKey('DE', org), rejectsWith('NOT_CONFIGURED'));
    await s.saveProfile({ orgKeyFile: path });
    const profileText = await readFile(s.profilePath, 'utf8');
    assert.ok(!profileText.includes(toBase64url(await exportSeed(org.privateKey))));
    const withBoth = storeIn(s.dir, { passphrase: passphrase('org key passphrase') });
    await assert.rejects(
      withBoth.loadOrgKey('DE'),
      rejectsWith('PASSPHRASE_WRONG'),
      'the profile opens first',
    );
    // Another officer's profile that names no file is given one for its acts.
    const second = await store();
    assert.equal(await second.loadOrgKey('DE'), undefined);
    const given = new FileKeyStore({
      dir: second.dir,
      name: 'default',
      passphrase: passphrase('org key passphrase'),
      orgKeyFile: path,
    });
    assert.deepEqual((await given.loadOrgKey('DE'))?.publicKey, org.publicKey);
  });

  test('the directory round-trips entry for entry', async () => {
    const s = await store();
    const net = await testNetwork();
    await net.addOrg('DE');
    await net.addUser('DE', 'de.anna', { groups: ['COEST'] });
    await net.addDevice('DE', 'de.anna');
    await s.saveDirectory(net.entries);
    assert.deepEqual(await s.loadDirectory(), net.entries);
  });

  test('a key file readable by others is refused, not silently fixed', async () => {
    const s = await store();
    await s.saveProfile({ device: await makeDeviceKeys('laptop') });
    await chmod(s.profilePath, 0o644);
    await assert.rejects(s.loadProfile(), rejectsWith('KEY_FILE_PERMISSIONS'));
    assert.equal((await lstat(s.profilePath)).mode & 0o777, 0o644);
    const path = join(s.dir, 'org-key.json');
    await makeOrgKeyFile(path, 'DE', { passphrase: passphrase(PASSPHRASE), workFactor: WORK_FACTOR });
    await chmod(path, 0o640);
    await assert.rejects(
      readOrgKeyFile(path, { passphrase: passphrase(PASSPHRASE) }),
      rejectsWith('KEY_FILE_PERMISSIONS'),
    );
  });

  test('a corrupt or hand-edited key file is KEY_FILE_INVALID', async () => {
    const s = await store();
    await s.saveProfile({ server: 'http://127.0.0.1:1' });
    for (const text of [
      '{"v":1',
      '{"kind":"valise-profile","v":2}',
      '{"kind":"valise-profile","v":1,"extra":1}',
      ' {"kind":"valise-profile","v":1}',
    ]) {
      await writeFile(s.profilePath, text, { mode: 0o600 });
      await assert.rejects(s.loadProfile(), rejectsWith('KEY_FILE_INVALID'), text);
    }
  });

  test('an org key file that names another organisation is refused', async () => {
    const s = await store();
    const path = join(s.dir, 'fr-org-key.json');
    await makeOrgKeyFile(path, 'FR', { passphrase: passphrase(PASSPHRASE), workFactor: WORK_FACTOR });
    await s.saveProfile({ orgKeyFile: path });
    await assert.rejects(s.loadOrgKey('DE'), rejectsWith('KEY_FILE_INVALID'));
  });

  test('profile names cannot escape the config folder', () => {
    for (const name of ['../x', 'a/b', '', '.hidden', 'x'.repeat(65)]) {
      assert.throws(() => profileFolder('/cfg', name), rejectsWith('INVALID_ARGUMENT'), name);
    }
    assert.equal(profileFolder('/cfg', 'de-officer'), '/cfg/de-officer');
  });
});

describe('key files at rest (docs/design.md §5, "Keys on disk")', () => {
  /** A device profile as after enrolment, with its archive key. */
  async function enrolledProfile(s: FileKeyStore) {
    const keys = await makeDeviceKeys('laptop');
    const archiveKey = randomBytes(32);
    await s.saveProfile({
      server: 'http://127.0.0.1:8080',
      device: { ...keys, user: 'de.anna', org: 'DE' },
      archiveKey,
    });
    return { keys, archiveKey };
  }

  test('a copy of the profile folder without the passphrase yields no key: nothing in clear, nothing to sign with', async () => {
    const s = await store();
    const { keys, archiveKey } = await enrolledProfile(s);
    const copy = join(await folder(), 'stolen');
    await cp(s.dir, copy, { recursive: true });
    // Nothing of the private keys or the archive key is in any file, in any encoding.
    const seeds = [
      await exportSeed(keys.signer.privateKey),
      await XWing.exportPrivateKey(keys.kemPrivateKey),
      archiveKey,
    ];
    for (const name of await readdir(copy)) {
      const bytes = await readFile(join(copy, name));
      for (const seed of seeds) {
        assert.ok(!bytes.toString('utf8').includes(toBase64url(seed)), `${name} holds a seed in base64url`);
        assert.ok(!bytes.includes(Buffer.from(seed)), `${name} holds a seed in raw bytes`);
        assert.ok(
          !bytes.toString('utf8').includes(Buffer.from(seed).toString('hex')),
          `${name} holds a seed in hex`,
        );
      }
    }
    // Without a passphrase, or with a wrong one, the copy cannot load the device (so cannot sign).
    await assert.rejects(storeIn(copy, {}).loadProfile(), rejectsWith('PASSPHRASE_REQUIRED'));
    const wrong = storeIn(copy, { passphrase: passphrase('Tr0ub4dor&3') });
    await assert.rejects(wrong.loadProfile(), (error: unknown) => {
      rejectsWith('PASSPHRASE_WRONG')(error);
      assert.match((error as Error).message, /wrong passphrase for .*keys\.json/);
      return true;
    });
    // With it, the copy is the device: the passphrase is what protects it.
    const back = await storeIn(copy).loadProfile();
    assert.deepEqual(back.device?.signer.publicKey, keys.signer.publicKey);
    assert.deepEqual(back.archiveKey, archiveKey);
  });

  test('one command derives the key once: loads and saves after the first reuse it', async () => {
    const s = await store();
    await enrolledProfile(s);
    const source = passphrase(PASSPHRASE);
    const again = storeIn(s.dir, { passphrase: source });
    const profile = await again.loadProfile();
    await again.saveProfile({ ...profile, server: 'http://127.0.0.1:9090' });
    await again.loadProfile();
    assert.equal(source.asked, 1);
    assert.equal((await storeIn(s.dir).loadProfile()).server, 'http://127.0.0.1:9090');
  });

  test('every file of a profile is under its one passphrase: a second one is refused, not started', async () => {
    const s = await store();
    await enrolledProfile(s);
    const other = storeIn(s.dir, { passphrase: passphrase('a different passphrase') });
    const root = await generateSigner(true);
    await assert.rejects(
      other.saveRootKey({
        root: { network: 'test', key: root.publicKey, accreditation: 'SECRET UE' },
        signer: root,
      }),
      rejectsWith('PASSPHRASE_WRONG'),
    );
    assert.equal(await storeIn(s.dir).loadRootKey(), undefined);
  });

  test('an altered encrypted file reads as a wrong passphrase or an invalid file, never as other keys', async () => {
    const s = await store();
    await enrolledProfile(s);
    const original = JSON.parse(await readFile(s.profilePath, 'utf8')) as Record<string, unknown>;
    const flip = (text: unknown) => {
      const bytes = Buffer.from(String(text), 'base64url');
      bytes[0]! ^= 1;
      return bytes.toString('base64url');
    };
    for (const [field, value] of [
      ['ciphertext', flip(original.ciphertext)],
      ['nonce', flip(original.nonce)],
      ['salt', flip(original.salt)],
      ['logN', 11],
    ] as const) {
      await writeFile(s.profilePath, JSON.stringify({ ...original, [field]: value }), { mode: 0o600 });
      await assert.rejects(storeIn(s.dir).loadProfile(), rejectsWith('PASSPHRASE_WRONG'), field);
    }
    for (const logN of [9, 21]) {
      await writeFile(s.profilePath, JSON.stringify({ ...original, logN }), { mode: 0o600 });
      await assert.rejects(storeIn(s.dir).loadProfile(), rejectsWith('KEY_FILE_INVALID'), `logN ${logN}`);
    }
  });

  test('keys in clear only on a declared service device; any other clear profile is refused', async () => {
    const dir = profileFolder(await folder(), 'registry');
    const service = storeIn(dir, { service: true });
    const { keys } = await enrolledProfile(service);
    const text = await readFile(service.profilePath, 'utf8');
    assert.match(text, /"service":true/);
    // No passphrase is asked to load it, and it stays a service profile when saved again.
    const back = await storeIn(dir, {}).loadProfile();
    assert.equal(back.service, true);
    assert.deepEqual(back.device?.signer.publicKey, keys.signer.publicKey);
    await storeIn(dir, {}).saveProfile({ ...back, server: 'http://127.0.0.1:1' });
    // The same file without the declaration (as older versions wrote every profile) is refused.
    await writeFile(service.profilePath, text.replace(',"service":true', ''), { mode: 0o600 });
    await assert.rejects(storeIn(dir).loadProfile(), rejectsWith('KEY_FILE_UNENCRYPTED'));
  });
});
