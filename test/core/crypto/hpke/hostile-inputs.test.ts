/**
 * Hostile-input table: every exported function of core/crypto/hpke, fed wrong types, empty and
 * wrong-length arrays, huge inputs, NaN, look-alike objects, `__proto__` keys and throwing
 * Proxies in each argument position. A call may succeed only where the value is a legitimate
 * input; every failure must be a CryptoError with a known code, never a TypeError or bare Error.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Aes128Gcm, Aes256Gcm } from '../../../../src/core/crypto/hpke/aes-gcm.ts';
import { CRYPTO_ERROR_CODES, CryptoError } from '../../../../src/core/crypto/hpke/crypto-error.ts';
import { DhkemX25519 } from '../../../../src/core/crypto/hpke/dhkem-x25519.ts';
import { HkdfSha256 } from '../../../../src/core/crypto/hpke/hkdf-sha256.ts';
import { HpkeRecipientContext, HpkeSenderContext } from '../../../../src/core/crypto/hpke/hpke-context.ts';
import { hpkeOpen } from '../../../../src/core/crypto/hpke/hpke-open.ts';
import { hpkeSeal } from '../../../../src/core/crypto/hpke/hpke-seal.ts';
import { checkSuite, hpkeSuite } from '../../../../src/core/crypto/hpke/hpke-suite.ts';
import {
  checkBytes,
  describe as describeValue,
  isBytes,
  ownValue,
  requireBoolean,
  requireBytes,
  requireExtractable,
  requireInteger,
  requireTagged,
} from '../../../../src/core/crypto/hpke/input-checks.ts';
import type { Kem } from '../../../../src/core/crypto/hpke/kem.ts';
import { keySchedule } from '../../../../src/core/crypto/hpke/key-schedule.ts';
import {
  hpkeSuiteId,
  kemSuiteId,
  labeledExpand,
  labeledExtract,
} from '../../../../src/core/crypto/hpke/labeled-kdf.ts';
import { setupRecipient } from '../../../../src/core/crypto/hpke/setup-recipient.ts';
import { setupSender } from '../../../../src/core/crypto/hpke/setup-sender.ts';
import {
  VALISE_SUITE_CLASSICAL,
  VALISE_SUITE_XWING,
} from '../../../../src/core/crypto/hpke/valise-suites.ts';
import { bufferSource, cryptoKeyFacts, subtle } from '../../../../src/core/crypto/hpke/web-crypto.ts';
import { XWing } from '../../../../src/core/crypto/hpke/x-wing.ts';
import {
  exportX25519,
  generateX25519,
  importX25519,
  requireX25519PrivateKey,
  x25519,
} from '../../../../src/core/crypto/hpke/x25519.ts';

const throwing = (): never => {
  throw new Error('hostile trap');
};
const trapAll = new Proxy(
  {},
  {
    get: throwing,
    has: throwing,
    ownKeys: throwing,
    getOwnPropertyDescriptor: throwing,
    getPrototypeOf: throwing,
  },
);
const revoked = Proxy.revocable({}, {});
revoked.revoke();
const detached = new Uint8Array(new ArrayBuffer(32));
structuredClone(detached.buffer, { transfer: [detached.buffer] });
const lyingLength = new Uint8Array(32);
Object.defineProperty(lyingLength, 'length', { get: throwing });

/** Values that are never a legitimate argument anywhere (no Uint8Array, no boolean, no number). */
const NOT_BYTES: readonly [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a string', 'abc'],
  ['a symbol', Symbol('s')],
  ['a bigint', 10n],
  ['a function', () => new Uint8Array(32)],
  ['an empty object', {}],
  ['an array of numbers', [1, 2, 3]],
  ['an object with Uint8Array.prototype', Object.create(Uint8Array.prototype)],
  [
    'a JSON object with a __proto__ key',
    JSON.parse('{"__proto__": {"length": 32, "kind": "XWingPrivateKey"}}'),
  ],
  ['an object whose prototype carries a kind', { __proto__: { kind: 'DhkemX25519PrivateKey', x25519: {} } }],
  ['a look-alike private key', { kind: 'XWingPrivateKey', publicKey: 'pk', mlKemSecretKey: [], x25519: {} }],
  ['a look-alike suite', { kind: 'HpkeSuite', kem: {}, kdf: {}, aead: {} }],
  ['a Proxy whose traps throw', trapAll],
  ['a revoked Proxy', revoked.proxy],
  ['a Uint16Array', new Uint16Array(32)],
  ['a DataView', new DataView(new ArrayBuffer(32))],
  ['an ArrayBuffer', new ArrayBuffer(32)],
];
/** Numbers that are not a legitimate length, id or count. */
const BAD_NUMBERS: readonly [string, unknown][] = [
  ['NaN', Number.NaN],
  ['-1', -1],
  ['1.5', 1.5],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['2^53', 2 ** 53],
];
/** Uint8Arrays of awkward shapes: each may be legitimate somewhere, so only the error type is checked. */
const ODD_BYTES: readonly [string, unknown][] = [
  ['an empty Uint8Array', new Uint8Array(0)],
  ['a 7-byte Uint8Array', new Uint8Array(7)],
  ['a huge Uint8Array (100 kB)', new Uint8Array(100_000)],
  ['a detached Uint8Array', detached],
  ['a Uint8Array with a lying length', lyingLength],
  ['a Uint8Array on a SharedArrayBuffer', new Uint8Array(new SharedArrayBuffer(32))],
];

interface Row {
  readonly name: string;
  /** Valid arguments; each position is replaced in turn. */
  readonly args: () => Promise<unknown[]>;
  readonly call: (...args: unknown[]) => unknown;
  /** Positions where any value may be accepted (names, rules): only the error type is checked. */
  readonly lenient?: readonly number[];
  /** Functions that must return, never throw, whatever they are given (predicates, readers). */
  readonly neverThrows?: boolean;
  /** Positions where a string is the legitimate type. */
  readonly strings?: readonly number[];
  /** Positions of an optional options object: `undefined` and any object are acceptable. */
  readonly optional?: readonly number[];
  /** Positions where a number is the legitimate type (the BAD_NUMBERS must fail there). */
  readonly numeric?: readonly number[];
  /** Positions where a boolean is the legitimate type. */
  readonly boolean?: readonly number[];
}

const none = new Uint8Array(0);
const bytes = (length: number, fill = 1) => new Uint8Array(length).fill(fill);

async function fixtures() {
  const classical = await DhkemX25519.generateKeyPair({ extractable: true });
  const xwing = await XWing.generateKeyPair({ extractable: true });
  const x = await generateX25519(true);
  const aesKey128 = await Aes128Gcm.importKey(bytes(16));
  const aesKey256 = await Aes256Gcm.importKey(bytes(32));
  const classicalSealed = await hpkeSeal(VALISE_SUITE_CLASSICAL, classical.publicKey, none, none, bytes(3));
  const xwingSealed = await hpkeSeal(VALISE_SUITE_XWING, xwing.publicKey, none, none, bytes(3));
  const secrets = keySchedule(VALISE_SUITE_XWING, bytes(32), none);
  const sender = await HpkeSenderContext.create(VALISE_SUITE_XWING, secrets);
  const recipient = await HpkeRecipientContext.create(VALISE_SUITE_XWING, secrets);
  const contextSealed = await (await HpkeSenderContext.create(VALISE_SUITE_XWING, secrets)).seal(
    none,
    bytes(5),
  );
  const aesSealed = await Aes256Gcm.seal(aesKey256, bytes(12), none, bytes(3));
  return {
    aesSealed,
    contextSealed,
    classical,
    xwing,
    x,
    aesKey128,
    aesKey256,
    classicalSealed,
    xwingSealed,
    secrets,
    sender,
    recipient,
  };
}
const ready = fixtures();

function kemRows(kem: Kem, label: string): Row[] {
  const pair = async () =>
    (await ready)[label === 'XWing' ? 'xwing' : 'classical'] as Awaited<ReturnType<typeof fixtures>>['xwing'];
  return [
    {
      name: `${label}.generateKeyPair`,
      args: async () => [{ extractable: true }],
      call: (o) => kem.generateKeyPair(o as never),
      optional: [0],
    },
    {
      name: `${label}.deriveKeyPair`,
      args: async () => [bytes(32), undefined],
      call: (i, o) => kem.deriveKeyPair(i as never, o as never),
      optional: [1],
    },
    {
      name: `${label}.importPublicKey`,
      args: async () => [(await pair()).publicKey],
      call: (p) => kem.importPublicKey(p as never),
    },
    {
      name: `${label}.importPrivateKey`,
      args: async () => [bytes(32), undefined],
      call: (k, o) => kem.importPrivateKey(k as never, o as never),
      optional: [1],
    },
    {
      name: `${label}.exportPrivateKey`,
      args: async () => [(await pair()).privateKey],
      call: (k) => kem.exportPrivateKey(k as never),
    },
    {
      name: `${label}.checkPrivateKey`,
      args: async () => [(await pair()).privateKey, 'key'],
      call: (k, n) => kem.checkPrivateKey(k, n as never),
      lenient: [1],
    },
    {
      name: `${label}.encapsulate`,
      args: async () => [(await pair()).publicKey],
      call: (p) => kem.encapsulate(p as never),
    },
    {
      name: `${label}.encapsulateDerand`,
      args: async () => [(await pair()).publicKey, bytes(kem.encapsulationSeedLength)],
      call: (p, s) => kem.encapsulateDerand(p as never, s as never),
    },
    {
      name: `${label}.decapsulate`,
      args: async () => [new Uint8Array(kem.encLength).fill(9), (await pair()).privateKey],
      call: (e, k) => kem.decapsulate(e as never, k as never),
    },
  ];
}

const ROWS: Row[] = [
  // hpke-seal / hpke-open / setup / contexts
  {
    name: 'hpkeSeal',
    args: async () => [VALISE_SUITE_XWING, (await ready).xwing.publicKey, none, none, bytes(32)],
    call: (s, p, i, a, m) => hpkeSeal(s as never, p as never, i as never, a as never, m as never),
  },
  {
    name: 'hpkeSeal (classical)',
    args: async () => [VALISE_SUITE_CLASSICAL, (await ready).classical.publicKey, none, none, bytes(32)],
    call: (s, p, i, a, m) => hpkeSeal(s as never, p as never, i as never, a as never, m as never),
  },
  {
    name: 'hpkeOpen',
    args: async () => {
      const f = await ready;
      return [
        VALISE_SUITE_XWING,
        f.xwing.privateKey,
        f.xwingSealed.enc,
        none,
        none,
        f.xwingSealed.ciphertext,
      ];
    },
    call: (s, k, e, i, a, c) =>
      hpkeOpen(s as never, k as never, e as never, i as never, a as never, c as never),
  },
  {
    name: 'hpkeOpen (classical)',
    args: async () => {
      const f = await ready;
      return [
        VALISE_SUITE_CLASSICAL,
        f.classical.privateKey,
        f.classicalSealed.enc,
        none,
        none,
        f.classicalSealed.ciphertext,
      ];
    },
    call: (s, k, e, i, a, c) =>
      hpkeOpen(s as never, k as never, e as never, i as never, a as never, c as never),
  },
  {
    name: 'setupSender',
    args: async () => [VALISE_SUITE_XWING, (await ready).xwing.publicKey, none],
    call: (s, p, i) => setupSender(s as never, p as never, i as never),
  },
  {
    name: 'setupRecipient',
    args: async () => {
      const f = await ready;
      return [VALISE_SUITE_XWING, f.xwing.privateKey, f.xwingSealed.enc, none];
    },
    call: (s, k, e, i) => setupRecipient(s as never, k as never, e as never, i as never),
  },
  {
    name: 'HpkeSenderContext.create',
    args: async () => [VALISE_SUITE_XWING, (await ready).secrets],
    call: (s, x) => HpkeSenderContext.create(s as never, x as never),
  },
  {
    name: 'HpkeRecipientContext.create',
    args: async () => [VALISE_SUITE_XWING, (await ready).secrets],
    call: (s, x) => HpkeRecipientContext.create(s as never, x as never),
  },
  {
    name: 'HpkeSenderContext#seal',
    args: async () => [none, bytes(5)],
    call: async (a, m) => (await ready).sender.seal(a as never, m as never),
  },
  {
    name: 'HpkeSenderContext#export',
    args: async () => [none, 32],
    call: async (c, l) => (await ready).sender.export(c as never, l as never),
    numeric: [1],
  },
  {
    name: 'HpkeRecipientContext#open',
    // A fresh recipient context per call, so that every call opens at sequence number 0.
    args: async () => [none, (await ready).contextSealed],
    call: async (a, c) =>
      (await HpkeRecipientContext.create(VALISE_SUITE_XWING, (await ready).secrets)).open(
        a as never,
        c as never,
      ),
  },
  {
    name: 'HpkeRecipientContext#export',
    args: async () => [none, 32],
    call: async (c, l) => (await ready).recipient.export(c as never, l as never),
    numeric: [1],
  },
  // suites and key schedule
  {
    name: 'hpkeSuite',
    args: async () => [XWing, HkdfSha256, Aes256Gcm],
    call: (k, d, a) => hpkeSuite(k as never, d as never, a as never),
  },
  { name: 'checkSuite', args: async () => [VALISE_SUITE_XWING], call: (s) => checkSuite(s as never) },
  {
    name: 'keySchedule',
    args: async () => [VALISE_SUITE_XWING, bytes(32), none],
    call: (s, ss, i) => keySchedule(s as never, ss as never, i as never),
  },
  // KEMs
  ...kemRows(DhkemX25519 as Kem, 'DhkemX25519'),
  ...kemRows(XWing as Kem, 'XWing'),
  // KDF and labeled KDF
  {
    name: 'HkdfSha256.extract',
    args: async () => [none, bytes(32)],
    call: (s, i) => HkdfSha256.extract(s as never, i as never),
  },
  {
    name: 'HkdfSha256.expand',
    args: async () => [bytes(32), none, 32],
    call: (p, i, l) => HkdfSha256.expand(p as never, i as never, l as never),
    numeric: [2],
  },
  { name: 'kemSuiteId', args: async () => [32], call: (id) => kemSuiteId(id as never), numeric: [0] },
  {
    name: 'hpkeSuiteId',
    args: async () => [32, 1, 2],
    call: (a, b, c) => hpkeSuiteId(a as never, b as never, c as never),
    numeric: [0, 1, 2],
  },
  {
    name: 'labeledExtract',
    args: async () => [HkdfSha256, kemSuiteId(32), none, 'dkp_prk', bytes(32)],
    call: (k, s, salt, l, i) => labeledExtract(k as never, s as never, salt as never, l as never, i as never),
    strings: [3],
  },
  {
    name: 'labeledExpand',
    args: async () => [HkdfSha256, kemSuiteId(32), bytes(32), 'sk', none, 32],
    call: (k, s, p, l, i, n) =>
      labeledExpand(k as never, s as never, p as never, l as never, i as never, n as never),
    numeric: [5],
    strings: [3],
  },
  // AEADs
  {
    name: 'Aes128Gcm.importKey',
    args: async () => [bytes(16)],
    call: (k) => Aes128Gcm.importKey(k as never),
  },
  {
    name: 'Aes256Gcm.importKey',
    args: async () => [bytes(32)],
    call: (k) => Aes256Gcm.importKey(k as never),
  },
  {
    name: 'Aes128Gcm.seal',
    args: async () => [(await ready).aesKey128, bytes(12), none, bytes(3)],
    call: (k, n, a, p) => Aes128Gcm.seal(k as never, n as never, a as never, p as never),
  },
  {
    name: 'Aes256Gcm.seal',
    args: async () => [(await ready).aesKey256, bytes(12), none, bytes(3)],
    call: (k, n, a, p) => Aes256Gcm.seal(k as never, n as never, a as never, p as never),
  },
  {
    name: 'Aes256Gcm.open',
    args: async () => [(await ready).aesKey256, bytes(12), none, (await ready).aesSealed],
    call: (k, n, a, c) => Aes256Gcm.open(k as never, n as never, a as never, c as never),
  },
  // X25519 through WebCrypto
  {
    name: 'generateX25519',
    args: async () => [false],
    call: (e) => generateX25519(e as never),
    boolean: [0],
  },
  {
    name: 'importX25519',
    args: async () => [bytes(32), false],
    call: (s, e) => importX25519(s as never, e as never),
    boolean: [1],
  },
  {
    name: 'exportX25519',
    args: async () => [(await ready).x.privateKey],
    call: (k) => exportX25519(k as never),
  },
  {
    name: 'x25519',
    args: async () => {
      const f = await ready;
      return [f.x.privateKey, f.x.publicKey, 'BAD_KEY'];
    },
    call: (k, p, c) => x25519(k as never, p as never, c as never),
  },
  {
    name: 'requireX25519PrivateKey',
    args: async () => [(await ready).x.privateKey, 'key'],
    call: (k, n) => requireX25519PrivateKey(k, n as never),
    lenient: [1],
  },
  // WebCrypto and argument-check helpers
  { name: 'subtle', args: async () => [], call: () => subtle() },
  { name: 'bufferSource', args: async () => [bytes(4)], call: (b) => bufferSource(b as never) },
  {
    name: 'cryptoKeyFacts',
    args: async () => [(await ready).x.privateKey],
    call: (k) => cryptoKeyFacts(k),
    neverThrows: true,
  },
  { name: 'isBytes', args: async () => [bytes(1)], call: (v) => isBytes(v), neverThrows: true },
  {
    name: 'ownValue',
    args: async () => [{ a: 1 }, 'a'],
    call: (o, k) => ownValue(o, k as never),
    neverThrows: true,
  },
  { name: 'describe', args: async () => [1], call: (v) => describeValue(v), neverThrows: true },
  {
    name: 'requireBytes',
    args: async () => [bytes(4), 'x', { length: 4 }],
    call: (v, n, r) => requireBytes(v, n as never, r as never),
    lenient: [1, 2],
  },
  {
    name: 'checkBytes',
    args: async () => [bytes(4), 'x', { length: 4 }],
    call: (v, n, r) => checkBytes(v, n as never, r as never),
    lenient: [1, 2],
  },
  {
    name: 'requireInteger',
    args: async () => [4, 'x', 0, 10],
    call: (v, n, a, b) => requireInteger(v, n as never, a as never, b as never),
    numeric: [0],
    lenient: [1, 2, 3],
  },
  {
    name: 'requireBoolean',
    args: async () => [true, 'x'],
    call: (v, n) => requireBoolean(v, n as never),
    boolean: [0],
    lenient: [1],
  },
  {
    name: 'requireExtractable',
    args: async () => [{ extractable: true }],
    call: (o) => requireExtractable(o),
    optional: [0],
  },
  {
    name: 'requireTagged',
    args: async () => [{ kind: 'K' }, 'K', 'x'],
    call: (v, k, n) => requireTagged(v, k as never, n as never),
    lenient: [1, 2],
  },
];

function assertCryptoError(error: unknown, where: string): void {
  if (!(error instanceof CryptoError)) {
    assert.fail(
      `${where}: threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
  }
  assert.ok(CRYPTO_ERROR_CODES.includes(error.code), `${where}: unknown code ${error.code}`);
}

/** Runs the call; returns 'ok' or the CryptoError, and fails the test on any other outcome. */
async function outcome(row: Row, args: unknown[], where: string): Promise<'ok' | CryptoError> {
  try {
    await row.call(...args);
    return 'ok';
  } catch (error) {
    assertCryptoError(error, where);
    return error as CryptoError;
  }
}

describe('hostile inputs to every exported function of core/crypto/hpke', () => {
  for (const row of ROWS) {
    test(`${row.name}: valid arguments succeed; hostile ones are CryptoErrors`, async () => {
      const valid = await row.args();
      assert.equal(
        await outcome(row, valid, `${row.name}(valid)`),
        'ok',
        `${row.name} rejects its valid arguments`,
      );
      for (let position = 0; position < valid.length; position++) {
        const isLenient = row.lenient?.includes(position) ?? false;
        const cases = [...NOT_BYTES, ...BAD_NUMBERS, ...ODD_BYTES, ['true', true] as [string, unknown]];
        for (const [label, value] of cases) {
          const args = valid.slice();
          args[position] = value;
          const where = `${row.name} with ${label} as argument ${position}`;
          const result = await outcome(row, args, where);
          if (row.neverThrows === true) assert.equal(result, 'ok', `${where}: threw`);
          if (isLenient || row.neverThrows === true) continue;
          // A Uint8Array of any shape may be a legitimate input somewhere (a 100 kB plaintext, an
          // empty aad), and an options object without an own `extractable` means the defaults:
          // for those only the error type is checked, above.
          const legitimate =
            isBytes(value) ||
            ((row.optional?.includes(position) ?? false) &&
              (value === undefined || (typeof value === 'object' && value !== null))) ||
            (typeof value === 'boolean' && (row.boolean?.includes(position) ?? false)) ||
            (typeof value === 'string' && (row.strings?.includes(position) ?? false));
          if (!legitimate) assert.notEqual(result, 'ok', `${where}: was accepted`);
        }
      }
    });
  }

  test('checkBytes gives a plain Uint8Array back as it is, and anything odder as a copy it checked', () => {
    const plain = bytes(4);
    assert.equal(checkBytes(plain, 'x', { length: 4 }), plain);
    // What the caller reads must be what was checked: a look that could differ is copied.
    class Sub extends Uint8Array {}
    const odd: [string, Uint8Array][] = [
      ['a subclass', new Sub(4).fill(1)],
      ['an own length', Object.defineProperty(bytes(4), 'length', { value: 99 })],
      ['a changed prototype', Object.setPrototypeOf(bytes(4), Object.create(Uint8Array.prototype))],
    ];
    for (const [label, value] of odd) {
      const checked = checkBytes(value, 'x', { length: 4 });
      assert.notEqual(checked, value, label);
      assert.equal(Object.getPrototypeOf(checked), Uint8Array.prototype, label);
      assert.deepEqual([...checked], [1, 1, 1, 1], label);
    }
    assert.throws(
      () => checkBytes(detached, 'x'),
      (e: unknown) => e instanceof CryptoError && e.code === 'BAD_ARGUMENT' && /detached/.test(e.message),
    );
    assert.throws(
      () => checkBytes(bytes(3), 'x', { length: 4, code: 'BAD_KEY' }),
      (e: unknown) => e instanceof CryptoError && e.code === 'BAD_KEY',
    );
  });

  test('fast-check: arbitrary values in any argument of hpkeSeal and hpkeOpen are CryptoErrors', async () => {
    const f = await ready;
    const sealArgs: unknown[] = [VALISE_SUITE_XWING, f.xwing.publicKey, none, none, bytes(32)];
    const openArgs: unknown[] = [
      VALISE_SUITE_XWING,
      f.xwing.privateKey,
      f.xwingSealed.enc,
      none,
      none,
      f.xwingSealed.ciphertext,
    ];
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withNullPrototype: true,
    });
    await fc.assert(
      fc.asyncProperty(fc.nat(5), anything, async (position, value) => {
        const seal = sealArgs.slice();
        seal[position % seal.length] = value;
        await outcome(ROWS[0]!, seal, 'hpkeSeal');
        const open = openArgs.slice();
        open[position] = value;
        await outcome(ROWS[2]!, open, 'hpkeOpen');
      }),
      { numRuns: 1000 },
    );
  });
});
