import assert from 'node:assert/strict';
import { chmod, lstat, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ClientError } from '../../src/client/client-error.ts';
import { FileKeyStore, profileFolder, readOrgKeyFile } from '../../src/client/file-key-store.ts';
import { makeDeviceKeys } from '../../src/client/make-device-keys.ts';
import { generateSigner } from '../../src/core/crypto/ed25519.ts';
import { XWing } from '../../src/core/crypto/hpke/x-wing.ts';
import { randomBytes, toBase64url } from '../../src/core/encoding/bytes.ts';
import { testNetwork } from './test-network.ts';

/** The temporary folders made here, removed when the file's tests end. */
const folders: string[] = [];
after(async () => {
  for (const made of folders) await rm(made, { recursive: true, force: true });
});

async function store(): Promise<FileKeyStore> {
  const config = await mkdtemp(join(tmpdir(), 'valise-keystore-'));
  folders.push(config);
  return new FileKeyStore({ dir: profileFolder(config, 'default'), name: 'default' });
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
    assert.deepEqual(await XWing.decapsulate(enc, back.device!.kemPrivateKey), sharedSecret);
  });

  test('the key file holds no byte of the private keys in any form but the seeds it must keep', async () => {
    const s = await store();
    const keys = await makeDeviceKeys('laptop');
    await s.saveProfile({ device: keys });
    const text = await readFile(s.profilePath, 'utf8');
    assert.ok(text.includes(toBase64url(await XWing.exportPrivateKey(keys.kemPrivateKey))));
    assert.ok(
      !text.includes(toBase64url(keys.kemPrivateKey.mlKemSecretKey)),
      'the expanded ML-KEM key is not stored',
    );
  });

  test('root and organisation keys round-trip in their own 0600 files', async () => {
    const s = await store();
    const root = await generateSigner(true);
    await s.saveRootKey({
      root: { network: 'test', key: root.publicKey, accreditation: 'SECRET UE' },
      signer: root,
    });
    const org = await generateSigner(true);
    await s.saveOrgKey('DE', org);
    const rootBack = await s.loadRootKey();
    assert.deepEqual(rootBack?.root, { network: 'test', key: root.publicKey, accreditation: 'SECRET UE' });
    assert.deepEqual((await s.loadOrgKey('DE'))?.publicKey, org.publicKey);
    assert.equal((await lstat(s.orgKeyPath('DE'))).mode & 0o777, 0o600);
    assert.equal((await lstat(join(s.dir, 'root-key.json'))).mode & 0o777, 0o600);
    const file = await readOrgKeyFile(s.orgKeyPath('DE'), {});
    assert.equal(file.org, 'DE');
    assert.deepEqual(file.signer.publicKey, org.publicKey);
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
    await s.saveOrgKey('DE', await generateSigner(true));
    await chmod(s.orgKeyPath('DE'), 0o640);
    await assert.rejects(s.loadOrgKey('DE'), rejectsWith('KEY_FILE_PERMISSIONS'));
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
    await s.saveOrgKey('FR', await generateSigner(true));
    await writeFile(s.orgKeyPath('DE'), await readFile(s.orgKeyPath('FR')), { mode: 0o600 });
    await assert.rejects(s.loadOrgKey('DE'), rejectsWith('KEY_FILE_INVALID'));
  });

  test('profile names cannot escape the config folder', () => {
    for (const name of ['../x', 'a/b', '', '.hidden', 'x'.repeat(65)]) {
      assert.throws(() => profileFolder('/cfg', name), rejectsWith('INVALID_ARGUMENT'), name);
    }
    assert.equal(profileFolder('/cfg', 'de-officer'), '/cfg/de-officer');
  });
});
