/**
 * What this browser has opened (src/client's CableArchive, docs/design.md §12), plus the search
 * index over it (and over the subjects and tags its inbox listed) and the local inbox
 * snapshot: each kept in IndexedDB encrypted under the browser's at-rest key. The index and the snapshot are one record each, written after a
 * short quiet period so that opening many cables does not rewrite them many times.
 */
import type { ArchivedCable, CableArchive } from '../client/cable-archive.ts';
import type { CablePresentation } from '../client/present-cable.ts';
import type { InboxRow } from './device-protocol.ts';
import type { LocalDatabase } from './indexed-db.ts';
import type { LocalCipher, SealedRecord } from './local-cipher.ts';
import { type SavedIndex, SearchIndex } from './search-index.ts';

const SAVE_DELAY_MS = 400;

export interface InboxSnapshot {
  readonly items: InboxRow[];
  readonly syncedAt: number;
  /** 2 once every row carries its header's reply-to and silence act (thread-of.ts needs them). */
  readonly rows?: 2;
}

export class LocalArchive implements CableArchive {
  readonly #db: LocalDatabase;
  readonly #cipher: LocalCipher;
  #index: SearchIndex | undefined;
  #inbox: InboxSnapshot | undefined;
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(db: LocalDatabase, cipher: LocalCipher) {
    this.#db = db;
    this.#cipher = cipher;
  }

  async add(record: ArchivedCable): Promise<void> {
    await this.#db.put(
      'blobs',
      `cable:${record.id}`,
      await this.#cipher.sealJson(`cable:${record.id}`, record),
    );
    const index = await this.index();
    index.add(
      {
        id: record.id,
        reference: record.reference,
        subject: record.subject,
        from: `${record.signedBy.org} ${record.signedBy.name}`,
        sentAt: record.sentAt,
        classification: record.classification,
        precedence: record.precedence,
      },
      `${record.tags.join(' ')} ${record.body}`,
    );
    this.#later('index', () => this.#save('index', index.save()));
  }

  async get(id: string): Promise<ArchivedCable | undefined> {
    return this.#cipher.openJson<ArchivedCable>(
      `cable:${id}`,
      await this.#db.get<SealedRecord>('blobs', `cable:${id}`),
    );
  }

  /** Keeps the cable as it was shown, so it can be shown again while the server is away. */
  async putView(view: CablePresentation): Promise<void> {
    await this.#save(`view:${view.id}`, view);
  }

  view(id: string): Promise<CablePresentation | undefined> {
    return this.#load<CablePresentation>(`view:${id}`);
  }

  async list(): Promise<ArchivedCable[]> {
    const out: ArchivedCable[] = [];
    for (const doc of (await this.index()).opened()) {
      const record = await this.get(doc.id);
      if (record) out.push(record);
    }
    return out;
  }

  /**
   * Makes the subjects and tags the inbox listed from sealed summaries searchable: each
   * verified row with a subject the index does not hold yet. Only what the snapshot already
   * keeps is indexed (never a body), so searching lists nothing from the server.
   */
  async indexListed(rows: readonly InboxRow[]): Promise<void> {
    const index = await this.index();
    let added = 0;
    for (const row of rows) {
      if (!row.verified || row.subject === undefined || index.has(row.id)) continue;
      index.add(
        {
          id: row.id,
          reference: row.reference,
          subject: row.subject,
          from: row.from,
          sentAt: row.sentAt,
          classification: row.classification,
          precedence: row.precedence,
          listed: true,
        },
        (row.tags ?? []).join(' '),
      );
      added++;
    }
    if (added > 0) this.#later('index', () => this.#save('index', index.save()));
  }

  async index(): Promise<SearchIndex> {
    if (!this.#index) {
      const saved = await this.#load<SavedIndex>('index');
      this.#index = saved ? SearchIndex.fromSaved(saved) : new SearchIndex();
    }
    return this.#index;
  }

  async inbox(): Promise<InboxSnapshot> {
    this.#inbox ??= (await this.#load<InboxSnapshot>('inbox')) ?? { items: [], syncedAt: 0 };
    return this.#inbox;
  }

  setInbox(snapshot: InboxSnapshot): void {
    this.#inbox = snapshot;
    this.#later('inbox', () => this.#save('inbox', snapshot));
  }

  async #load<T>(name: string): Promise<T | undefined> {
    return this.#cipher.openJson<T>(name, await this.#db.get<SealedRecord>('blobs', name));
  }

  async #save(name: string, value: unknown): Promise<void> {
    await this.#db.put('blobs', name, await this.#cipher.sealJson(name, value));
  }

  #later(name: string, run: () => Promise<void>): void {
    clearTimeout(this.#timers.get(name));
    this.#timers.set(
      name,
      setTimeout(() => {
        this.#timers.delete(name);
        void run();
      }, SAVE_DELAY_MS),
    );
  }
}
