import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { CliEnvironment } from '../../src/cli/cli-environment.ts';
import { passphraseFromEnvironment } from '../../src/cli/passphrase-from-environment.ts';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, findVerb, parseCommand, runCli } from '../../src/cli/run-cli.ts';
import { VERBS } from '../../src/cli/verbs.ts';
import type { Fetch } from '../../src/client/api-client.ts';
import { fixedClock } from '../../src/client/clock.ts';
import { FileKeyStore, profileFolder } from '../../src/client/file-key-store.ts';
import { generateSigner } from '../../src/core/crypto/ed25519.ts';
import { toBase64url } from '../../src/core/encoding/bytes.ts';
import { formatOrgKeyRequest, signOrgKeyRequest } from '../../src/core/identity/org-key-request.ts';
import { errorResponse, fakeFetch, jsonResponse } from '../client/fake-fetch.ts';
import { fakeLog } from '../client/fake-log.ts';
import { T0, testNetwork } from '../client/test-network.ts';
import { TEST_PASSPHRASE, TEST_WORK_FACTOR } from './run-valise.ts';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The profile folders made by the tests (they hold private keys), removed at the end. */
const configDirs: string[] = [];
after(async () => {
  for (const dir of configDirs) await rm(dir, { recursive: true, force: true });
});

/** A profile's key files as the command opens them (same passphrase and work factor). */
function storeOf(cli: CliEnvironment, name: string): FileKeyStore {
  return new FileKeyStore({
    dir: profileFolder(cli.configDir, name),
    name,
    passphrase: cli.passphrase,
    workFactor: TEST_WORK_FACTOR,
  });
}

async function environment(
  fetch?: Fetch,
  stdin = '',
): Promise<{ cli: CliEnvironment; run: (...argv: string[]) => Promise<Run> }> {
  const configDir = await mkdtemp(join(tmpdir(), 'valise-cli-'));
  configDirs.push(configDir);
  let stdout = '';
  let stderr = '';
  const cli: CliEnvironment = {
    configDir,
    defaultProfile: 'default',
    fetch: fetch ?? (async () => errorResponse(500, 'UNEXPECTED', 'this test makes no request')),
    clock: fixedClock(T0),
    uid: process.getuid?.(),
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: async () => new TextEncoder().encode(stdin),
    readFile: async () => {
      throw new Error('ENOENT: no such file');
    },
    writeNewFile: async () => {
      throw new Error('EACCES: this test writes no file');
    },
    passphrase: passphraseFromEnvironment({ VALISE_PASSPHRASE: TEST_PASSPHRASE }, undefined),
    keyFileWorkFactor: TEST_WORK_FACTOR,
    serve: async () => {
      throw new Error('this test starts no server');
    },
  };
  return {
    cli,
    run: async (...argv) => {
      stdout = '';
      stderr = '';
      const code = await runCli(argv, cli);
      return { code, stdout, stderr };
    },
  };
}

/** Exactly one line on stderr, `valise: CODE: message`. */
function oneErrorLine(result: Run, code: string): void {
  const lines = result.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0]!, new RegExp(`^valise: ${code}: \\S`));
}

describe('valise command line', () => {
  test('the verb is found after leading common options, including two-word verbs', () => {
    assert.equal(findVerb(['--profile', 'de', 'org', 'request', 'DE'], VERBS)?.verb.name, 'org request');
    assert.deepEqual(findVerb(['--profile', 'de', 'org', 'request', 'DE'], VERBS)?.args, [
      '--profile',
      'de',
      'DE',
    ]);
    assert.equal(findVerb(['--json', 'inbox', '--limit', '5'], VERBS)?.verb.name, 'inbox');
    assert.equal(findVerb(['network'], VERBS), undefined);
    assert.equal(findVerb([], VERBS), undefined);
  });

  test('values that begin with a dash (one base64url key or id in 64 does) are values, not options', () => {
    const enrol = VERBS.find((v) => v.name === 'enrol');
    assert.ok(enrol);
    const root = '-pIM6P1IJjCPHahf0USFU_h-B8tyJ8xQc4vdLUo1seQ';
    const parsed = parseCommand(enrol, ['-abc.def', '--root', root, '--server', 'http://x', '--label', '-l']);
    assert.equal(parsed.values.root, root);
    assert.equal(parsed.values.label, '-l');
    assert.deepEqual(parsed.positionals, ['-abc.def']);
    // -h is still the short help flag, `--opt=value` still works, and `--` still ends options.
    assert.equal(parseCommand(enrol, ['-h']).values.help, true);
    assert.equal(parseCommand(enrol, ['x', `--root=${root}`]).values.root, root);
    assert.deepEqual(parseCommand(enrol, ['--', '--root']).positionals, ['--root']);
  });

  test('every verb has --help, which prints its usage and exits 0', async () => {
    const { run } = await environment();
    for (const verb of VERBS) {
      const result = await run(...verb.name.split(' '), '--help');
      assert.equal(result.code, EXIT_OK, verb.name);
      assert.ok(result.stdout.startsWith(`usage: valise ${verb.name}`), result.stdout);
      assert.match(result.stdout, /--json/);
      assert.equal(result.stderr, '');
    }
    const general = await run('--help');
    assert.equal(general.code, EXIT_OK);
    for (const verb of VERBS) assert.ok(general.stdout.includes(verb.name), verb.name);
  });

  test('no verb, an unknown verb or an unknown option is one USAGE line and exit 2', async () => {
    const { run } = await environment();
    for (const argv of [
      [],
      ['fly'],
      ['network'],
      ['send', '--bogus'],
      ['read'],
      ['read', 'a', 'b'],
      ['inbox', '--limit'],
    ]) {
      const result = await run(...argv);
      assert.equal(result.code, EXIT_USAGE, argv.join(' '));
      oneErrorLine(result, 'USAGE');
      assert.equal(result.stdout, '');
    }
  });

  test('bad option values are USAGE errors naming the option, before any request', async () => {
    const requests: string[] = [];
    const { run } = await environment(async (input) => {
      requests.push(input);
      return errorResponse(500, 'X', 'x');
    });
    const cases: [string[], RegExp][] = [
      [['send', '--subject', 's', '--classification', 'TRES SECRET UE', '--to', 'FR'], /separate systems/],
      [['send', '--subject', 's', '--classification', 'top secret', '--to', 'FR'], /--classification/],
      [['send', '--subject', 's', '--classification', 'RESTREINT UE'], /--to/],
      [['send', '--subject', 's', '--classification', 'RESTREINT UE', '--to', 'FR:cc'], /--to FR:cc/],
      [
        [
          'send',
          '--subject',
          's',
          '--classification',
          'RESTREINT UE',
          '--to',
          'FR',
          '--precedence',
          'urgent',
        ],
        /--precedence/,
      ],
      [['inbox', '--limit', '0'], /--limit/],
      [['inbox', '--since', 'yesterday'], /--since/],
      [
        ['invite', '--user', 'x', '--name', 'X', '--clearance', 'RESTREINT UE', '--expires', 'soon'],
        /--expires/,
      ],
      [['enrol', 'code', '--server', 'ftp://x', '--label', 'l'], /--server/],
      [['enrol', 'code', '--server', 'http://x', '--label', 'l', '--root', 'short'], /--root/],
    ];
    for (const [argv, message] of cases) {
      const result = await run(...argv);
      assert.equal(result.code, EXIT_USAGE, argv.join(' '));
      oneErrorLine(result, 'USAGE');
      assert.match(result.stderr, message);
    }
    assert.deepEqual(requests, []);
  });

  test('network init --json prints one JSON document; doing it twice fails with one line and a JSON error', async () => {
    const { run, cli } = await environment();
    const first = await run(
      'network',
      'init',
      '--network',
      'coreu',
      '--accreditation',
      'confidentiel-ue',
      '--json',
    );
    assert.equal(first.code, EXIT_OK, first.stderr);
    const json = JSON.parse(first.stdout) as Record<string, unknown>;
    assert.equal(json.network, 'coreu');
    assert.equal(json.accreditation, 'CONFIDENTIEL UE');
    assert.match(String(json.rootKey), /^[A-Za-z0-9_-]{43}$/);
    const store = storeOf(cli, 'default');
    assert.equal(toBase64url((await store.loadRootKey())!.root.key), json.rootKey);

    const again = await run('--json', 'network', 'init', '--network', 'coreu');
    assert.equal(again.code, EXIT_FAILED);
    oneErrorLine(again, 'PROFILE_IN_USE');
    assert.equal((JSON.parse(again.stdout) as { error: { code: string } }).error.code, 'PROFILE_IN_USE');
  });

  test('--profile selects another key file', async () => {
    const { run, cli } = await environment();
    assert.equal((await run('network', 'init', '--network', 'one')).code, EXIT_OK);
    assert.equal((await run('network', 'init', '--network', 'two', '--profile', 'other')).code, EXIT_OK);
    const other = storeOf(cli, 'other');
    assert.equal((await other.loadRootKey())?.root.network, 'two');
    const bad = await run('network', 'init', '--network', 'three', '--profile', '../escape');
    assert.equal(bad.code, EXIT_FAILED);
    oneErrorLine(bad, 'INVALID_ARGUMENT');
  });

  test('org certify refuses a signing request not signed by the key it names, before any request', async () => {
    const requests: string[] = [];
    const { run } = await environment(async (input) => {
      requests.push(String(input));
      return errorResponse(500, 'UNEXPECTED', 'no request expected');
    });
    await run('network', 'init', '--network', 'coreu');
    const request = await signOrgKeyRequest('DE', await generateSigner());
    const forged = { ...request, body: { ...request.body, key: (await generateSigner()).publicKey } };
    for (const line of [formatOrgKeyRequest(forged), 'valise-org-request:not-a-request']) {
      const result = await run(
        'org',
        'certify',
        line,
        '--name',
        'Germany',
        '--accreditation',
        'RESTREINT UE',
      );
      assert.equal(result.code, EXIT_FAILED);
      oneErrorLine(result, 'ORG_REQUEST_INVALID');
    }
    assert.deepEqual(requests, []);
  });

  test("a server's refusal is shown as its code and message on one line, exit 1", async () => {
    const other = await generateSigner();
    const { fetch } = fakeFetch((r) =>
      r.url.pathname === '/api/v1/network'
        ? jsonResponse(200, {
            network: 'coreu',
            rootKey: toBase64url(other.publicKey),
            accreditation: 'RESTREINT UE',
            serverKey: toBase64url(other.publicKey),
            epoch: 0,
          })
        : errorResponse(422, 'CERTIFICATE_INVALID', 'no'),
    );
    const { run } = await environment(fetch);
    await run('network', 'init', '--network', 'coreu');
    const request = formatOrgKeyRequest(await signOrgKeyRequest('DE', await generateSigner()));
    const result = await run(
      'org',
      'certify',
      request,
      '--name',
      'Germany',
      '--accreditation',
      'RESTREINT UE',
      '--server',
      'http://127.0.0.1:9',
    );
    assert.equal(result.code, EXIT_FAILED);
    oneErrorLine(result, 'ROOT_MISMATCH');
  });

  test('a verb that needs an enrolled device says how to get one', async () => {
    const { run } = await environment();
    const result = await run('inbox');
    assert.equal(result.code, EXIT_FAILED);
    oneErrorLine(result, 'NOT_CONFIGURED');
    assert.match(result.stderr, /valise enrol/);
  });

  test('inbox --json lists verified items from a server, through the verified directory', async () => {
    const net = await testNetwork();
    await net.addOrg('DE');
    await net.addUser('DE', 'de.anna');
    const anna = await net.addDevice('DE', 'de.anna');
    const serverKey = await generateSigner();
    const log = await fakeLog(net.root.network);
    const { fetch } = fakeFetch(async (r) => {
      const logged = await log.handle(r, net.entries);
      if (logged) return logged;
      switch (r.url.pathname) {
        case '/api/v1/network':
          return jsonResponse(200, {
            network: net.root.network,
            rootKey: toBase64url(net.root.key),
            accreditation: net.root.accreditation,
            serverKey: toBase64url(serverKey.publicKey),
            epoch: net.entries.length,
          });
        case '/api/v1/inbox':
          return jsonResponse(200, { items: [] });
        default:
          return errorResponse(404, 'NOT_FOUND', 'no route');
      }
    });
    const { run, cli } = await environment(fetch);
    const store = storeOf(cli, 'anna');
    // As after enrolment: keys only, user and org not yet known.
    const { user: _user, org: _org, ...keys } = anna;
    await store.saveProfile({
      server: 'http://127.0.0.1:9',
      network: { root: net.root, serverKey: serverKey.publicKey },
      device: keys,
    });
    const result = await run('inbox', '--json', '--profile', 'anna', '--unacknowledged');
    assert.equal(result.code, EXIT_OK, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { items: [] });
    // The session learnt the device's user and org from its certificate.
    const profile = await store.loadProfile();
    assert.equal(profile.device?.user, 'de.anna');
    assert.equal(profile.device?.org, 'DE');
  });
});
