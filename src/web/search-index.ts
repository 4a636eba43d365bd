/**
 * Local search (docs/design.md §12): an inverted index kept in the worker, saved encrypted at
 * rest (local-cipher.ts), never sent anywhere. It holds the cables this browser opened or
 * sent (subject, tags, sender, header fields and body), and the cables only listed here,
 * whose subject and tags came from a sealed summary during a sync: for those, the body is
 * not known until they are opened, and opening one replaces its listed entry. A query
 * matches words by their start ("ukr" finds "Ukraine") and forgives typos (one edit for
 * words of 4+ letters, two for 8+: "sanctoins" finds "sanctions"); diacritics and case are
 * ignored. Every query word must match; exact beats prefix beats typo, then newest first.
 */

export interface SearchDoc {
  readonly id: string;
  readonly reference: string;
  readonly subject: string;
  readonly from: string;
  readonly sentAt: number;
  readonly classification: string;
  readonly precedence: string;
  /** Only listed (subject and tags from a sealed summary), not opened here: no body indexed. */
  readonly listed?: true;
}

export interface SavedIndex {
  readonly docs: readonly SearchDoc[];
  readonly postings: readonly (readonly [string, readonly string[]])[];
}

const MAX_PREFIX_TOKENS = 400;

export function tokenize(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0 && t.length <= 40);
}

/** Optimal string alignment distance, or max + 1 as soon as it must exceed `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(cell(prev, j) + 1, cell(row, j - 1) + 1, cell(prev, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, cell(prev2, j - 2) + 1);
      row.push(value);
      if (value < best) best = value;
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return cell(prev, b.length);
}

/** The value at `index`, which the caller's loop bounds keep inside `list`. */
function cell<T>(list: readonly T[], index: number): T {
  const value = list[index];
  if (value === undefined) throw new RangeError(`index ${index} is outside a list of ${list.length}`);
  return value;
}

function typoBudget(word: string): number {
  return word.length >= 8 ? 2 : word.length >= 4 ? 1 : 0;
}

export class SearchIndex {
  readonly #docs = new Map<string, SearchDoc>();
  readonly #postings = new Map<string, Set<string>>();
  #vocabulary: string[] | undefined;
  /** The vocabulary by word length, for the typo scan. */
  #byLength: Map<number, string[]> | undefined;

  static fromSaved(saved: SavedIndex): SearchIndex {
    const index = new SearchIndex();
    for (const doc of saved.docs) index.#docs.set(doc.id, doc);
    for (const [token, ids] of saved.postings) index.#postings.set(token, new Set(ids));
    return index;
  }

  get size(): number {
    return this.#docs.size;
  }

  has(id: string): boolean {
    return this.#docs.has(id);
  }

  /** The cables opened or sent here (not those only listed). */
  opened(): SearchDoc[] {
    return [...this.#docs.values()].filter((d) => !d.listed);
  }

  /**
   * Indexes `doc` with `text` (an opened cable's tags and body; a listed one's tags). A
   * listed entry never replaces an opened one: what was opened here stays fully searchable.
   */
  add(doc: SearchDoc, text: string): void {
    const kept = this.#docs.get(doc.id);
    if (!doc.listed || kept === undefined || kept.listed) this.#docs.set(doc.id, doc);
    const words = new Set([
      ...tokenize(
        `${doc.subject} ${doc.from} ${doc.reference} ${doc.classification} ${doc.precedence} ${text}`,
      ),
      doc.reference.toLowerCase(),
    ]);
    for (const word of words) {
      let ids = this.#postings.get(word);
      if (!ids) {
        ids = new Set();
        this.#postings.set(word, ids);
        this.#vocabulary = undefined;
        this.#byLength = undefined;
      }
      ids.add(doc.id);
    }
  }

  save(): SavedIndex {
    return {
      docs: [...this.#docs.values()],
      postings: [...this.#postings].map(([token, ids]) => [token, [...ids]] as const),
    };
  }

  search(query: string, limit = 50): SearchDoc[] {
    const words = [...new Set(tokenize(query))];
    if (words.length === 0) return [];
    let scores: Map<string, number> | undefined;
    for (const word of words) {
      const matched = this.#match(word);
      const next = new Map<string, number>();
      for (const [id, weight] of matched) {
        const before = scores === undefined ? 0 : scores.get(id);
        if (before !== undefined) next.set(id, before + weight);
      }
      scores = next;
      if (scores.size === 0) return [];
    }
    return [...(scores ?? new Map<string, number>())]
      .flatMap(([id, score]) => {
        // A saved index may name a document it no longer holds: there is nothing to show for it.
        const doc = this.#docs.get(id);
        return doc ? [{ doc, score }] : [];
      })
      .sort((a, b) => b.score - a.score || b.doc.sentAt - a.doc.sentAt)
      .slice(0, limit)
      .map((r) => r.doc);
  }

  /** Document id → best weight for one query word: exact 3, prefix 2, typo 1. */
  #match(word: string): Map<string, number> {
    const out = new Map<string, number>();
    const give = (token: string, weight: number) => {
      for (const id of this.#postings.get(token) ?? []) {
        if ((out.get(id) ?? 0) < weight) out.set(id, weight);
      }
    };
    const vocabulary = this.#sortedVocabulary();
    for (let at = lowerBound(vocabulary, word), n = 0; n < MAX_PREFIX_TOKENS; at++, n++) {
      const token = vocabulary[at];
      if (token === undefined || !token.startsWith(word)) break;
      give(token, token === word ? 3 : 2);
    }
    const budget = typoBudget(word);
    if (budget > 0) {
      const byLength = this.#lengths();
      for (let length = word.length - budget; length <= word.length + budget; length++) {
        for (const token of byLength.get(length) ?? []) {
          if (token !== word && editDistance(word, token, budget) <= budget) give(token, 1);
        }
      }
    }
    return out;
  }

  #lengths(): Map<number, string[]> {
    if (!this.#byLength) {
      this.#byLength = new Map();
      for (const token of this.#postings.keys()) {
        const list = this.#byLength.get(token.length);
        if (list) list.push(token);
        else this.#byLength.set(token.length, [token]);
      }
    }
    return this.#byLength;
  }

  #sortedVocabulary(): string[] {
    this.#vocabulary ??= [...this.#postings.keys()].sort();
    return this.#vocabulary;
  }
}

function lowerBound(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cell(sorted, mid) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
