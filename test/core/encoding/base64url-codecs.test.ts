import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import {
  base64url,
  base64urlCodecs,
  bufferBase64url,
  builtinBase64url,
} from '../../../src/core/encoding/base64url.ts';
import { checkAgreement } from './fixtures/base64url-agreement.ts';

const RUNS = Number(process.env.VALISE_PROPERTY_RUNS ?? 1000);

describe('base64url codecs: every platform path accepts exactly the same texts', () => {
  test("Node's Buffer codec is available here and is the one in use", () => {
    assert.equal(bufferBase64url()?.name, 'buffer');
    assert.equal(builtinBase64url(), undefined, 'this Node has Uint8Array.fromBase64: prefer it below');
    assert.equal(base64url.name, 'buffer');
  });

  for (const codec of base64urlCodecs()) {
    test(`${codec.name}: the same bytes or undefined as the portable codec, valid or hostile`, () => {
      checkAgreement(codec, RUNS);
    });
  }

  test('a decoded value owns its memory, so sending it to a worker sends nothing else', () => {
    for (const codec of base64urlCodecs()) {
      // Short results are where Buffer uses its shared pool.
      for (const length of [1, 16, 32, 100, 5000]) {
        const bytes = Uint8Array.from({ length }, (_, i) => (i * 7) & 0xff);
        const decoded = codec.decode(codec.encode(bytes));
        assert.ok(decoded, codec.name);
        assert.equal(decoded.byteOffset, 0, `${codec.name}, ${length} bytes`);
        assert.equal(decoded.buffer.byteLength, length, `${codec.name}, ${length} bytes`);
        assert.deepEqual(decoded, bytes);
      }
    }
  });

  test('the Buffer codec refuses what Buffer alone would misread', () => {
    const codec = bufferBase64url();
    assert.ok(codec);
    // U+0142 has the low byte of 'B': Buffer alone decodes 'QU\u0142D' as 'QUBD'.
    for (const text of ['QU\u0142D', 'QU+D', 'QU/D', 'QUJ=', 'QU JD', 'QR', 'QUJDR', 'QUJ']) {
      assert.equal(codec.decode(text), undefined, JSON.stringify(text));
    }
    assert.deepEqual(codec.decode('QUJD'), new TextEncoder().encode('ABC'));
  });

  test('Uint8Array.fromBase64 (a runtime that has it) agrees as well, and is preferred', () => {
    // V8's flag turns on the TC39 methods browsers ship; the check runs in that process.
    const script = `
      const { base64url, builtinBase64url } = await import(${JSON.stringify(new URL('../../../src/core/encoding/base64url.ts', import.meta.url).href)});
      const { checkAgreement } = await import(${JSON.stringify(new URL('./fixtures/base64url-agreement.ts', import.meta.url).href)});
      const codec = builtinBase64url();
      if (codec === undefined) throw new Error('no Uint8Array.fromBase64 under --js-base-64');
      checkAgreement(codec, ${RUNS});
      process.stdout.write(base64url.name);
    `;
    const out = execFileSync(
      process.execPath,
      ['--js-base-64', '--import', 'tsx', '--input-type=module', '--eval', script],
      { encoding: 'utf8' },
    );
    assert.equal(out, 'builtin');
  });
});
