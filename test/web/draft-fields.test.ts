/** Compose's tags line, read by core's one rule for tags (cable-content.ts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClientError } from '../../src/client/client-error.ts';
import { decodeCableContent, MAX_TAG_LENGTH, MAX_TAGS } from '../../src/core/cable/cable-content.ts';
import { splitTags, tagsOf, tagsProblem } from '../../src/web/draft-fields.ts';

const refused = (text: string) => (error: unknown) =>
  error instanceof ClientError && error.code === 'INVALID_ARGUMENT' && error.message === tagsProblem(text);

describe('tags typed in compose', () => {
  test('are split at commas, trimmed, blanks dropped and each kept once, in the order typed', () => {
    assert.deepEqual(splitTags(' Ukraine, sanctions,, Ukraine ,COREPER '), [
      'Ukraine',
      'sanctions',
      'COREPER',
    ]);
    assert.deepEqual(splitTags(''), []);
    assert.deepEqual(splitTags(' , '), []);
    assert.deepEqual(tagsOf('Eastern Partnership, élections'), ['Eastern Partnership', 'élections']);
  });

  test('what tagsOf accepts, the cable content accepts', () => {
    const tags = tagsOf(
      Array.from({ length: MAX_TAGS }, (_, i) => `${i}`.padEnd(MAX_TAG_LENGTH, 'x')).join(','),
    );
    assert.equal(tags.length, MAX_TAGS);
    assert.doesNotThrow(() =>
      decodeCableContent({ subject: 's', tags: [...tags], body: '', attachments: [] }, 'content'),
    );
  });

  test(`more than ${MAX_TAGS} tags are refused, saying how many`, () => {
    const text = Array.from({ length: MAX_TAGS + 1 }, (_, i) => `t${i}`).join(', ');
    assert.match(tagsProblem(text), new RegExp(`at most ${MAX_TAGS} tags; this draft has ${MAX_TAGS + 1}`));
    assert.throws(() => tagsOf(text), refused(text));
  });

  test(`a tag over ${MAX_TAG_LENGTH} characters is refused, naming it; ${MAX_TAG_LENGTH} accented letters pass`, () => {
    const long = 'a'.repeat(MAX_TAG_LENGTH + 1);
    assert.match(tagsProblem(`ok, ${long}`), /at most 40 characters: shorten "a{40}…"/);
    assert.throws(() => tagsOf(`ok, ${long}`), refused(`ok, ${long}`));
    // Characters, not UTF-16 units: an emoji counts once, as core counts it.
    assert.equal(tagsProblem('😀'.repeat(MAX_TAG_LENGTH)), '');
    assert.equal(tagsProblem('é'.repeat(MAX_TAG_LENGTH)), '');
  });

  test('a tag holding a lone surrogate is refused, as the cable content would refuse it', () => {
    const text = `ok, bad\ud800`;
    assert.notEqual(tagsProblem(text), '');
    assert.throws(() => tagsOf(text), refused(text));
  });
});
