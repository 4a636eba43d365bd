/** The local search index: cables opened here, and cables only listed (subject and tags). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type SearchDoc, SearchIndex } from '../../src/web/search-index.ts';

function doc(id: string, subject: string, sentAt: number, listed = false): SearchDoc {
  return {
    id,
    reference: `FR/${id}/26`,
    subject,
    from: 'FR',
    sentAt,
    classification: 'RESTREINT UE',
    precedence: 'ROUTINE',
    ...(listed ? { listed: true as const } : {}),
  };
}

const ids = (docs: readonly SearchDoc[]) => docs.map((d) => d.id);

describe('SearchIndex', () => {
  test('a listed cable is found by a word of its subject and by its tags, not by what only its body says', () => {
    const index = new SearchIndex();
    index.add(doc('1', 'Sanctions package: French position', 10, true), 'COREPER Ukraine');
    assert.deepEqual(ids(index.search('sanctions')), ['1']);
    assert.deepEqual(ids(index.search('ukraine')), ['1']);
    assert.deepEqual(ids(index.search('corep')), ['1'], 'a tag by its start');
    assert.deepEqual(ids(index.search('compromise')), []);
  });

  test('opening a listed cable makes its body searchable and it is no longer marked listed', () => {
    const index = new SearchIndex();
    index.add(doc('1', 'Sanctions package', 10, true), 'COREPER');
    index.add(doc('1', 'Sanctions package', 10), 'COREPER Paris supports the compromise');
    const [hit] = index.search('compromise');
    assert.equal(hit?.id, '1');
    assert.equal(hit?.listed, undefined);
    assert.deepEqual(ids(index.opened()), ['1']);
  });

  test('listing a cable again after it was opened keeps it opened and its body searchable', () => {
    const index = new SearchIndex();
    index.add(doc('1', 'Sanctions package', 10), 'Paris supports the compromise');
    index.add(doc('1', 'Sanctions package', 10, true), '');
    assert.deepEqual(ids(index.search('compromise')), ['1']);
    assert.deepEqual(ids(index.opened()), ['1']);
  });

  test('opened() names only the cables opened here, and a saved index keeps which were only listed', () => {
    const index = new SearchIndex();
    index.add(doc('1', 'Opened here', 10), 'body text');
    index.add(doc('2', 'Only listed', 20, true), 'tag');
    const restored = SearchIndex.fromSaved(JSON.parse(JSON.stringify(index.save())));
    assert.deepEqual(ids(restored.opened()), ['1']);
    assert.equal(restored.size, 2);
    assert.deepEqual(ids(restored.search('listed')), ['2']);
    assert.equal(restored.search('listed')[0]?.listed, true);
  });

  test('every query word must match, over listed and opened cables alike; newest first on equal scores', () => {
    const index = new SearchIndex();
    index.add(doc('1', 'Ukraine: sanctions', 10), 'opened body');
    index.add(doc('2', 'Ukraine: elections', 20, true), 'OSCE');
    assert.deepEqual(ids(index.search('ukraine')), ['2', '1']);
    assert.deepEqual(ids(index.search('ukraine osce')), ['2']);
    assert.deepEqual(ids(index.search('ukraine body')), ['1']);
  });
});
