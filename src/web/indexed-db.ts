/**
 * A small promise face on IndexedDB for the device's local stores. One database per origin
 * ("valise"), one object store per concern, values stored by structured clone (so CryptoKeys
 * stay CryptoKeys, never exported). Works in the page and in the worker alike.
 */

export const STORES = ['keys', 'directory', 'blobs'] as const;
export type StoreName = (typeof STORES)[number];

const DATABASE = 'valise';
const VERSION = 1;

export class LocalDatabase {
  readonly #db: IDBDatabase;

  private constructor(db: IDBDatabase) {
    this.#db = db;
  }

  static open(name = DATABASE): Promise<LocalDatabase> {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(name, VERSION);
      request.onupgradeneeded = () => {
        for (const store of STORES) {
          if (!request.result.objectStoreNames.contains(store)) request.result.createObjectStore(store);
        }
      };
      request.onsuccess = () => resolve(new LocalDatabase(request.result));
      request.onerror = () => reject(request.error);
    });
  }

  get<T>(store: StoreName, key: string): Promise<T | undefined> {
    return this.#run(store, 'readonly', (s) => s.get(key)) as Promise<T | undefined>;
  }

  async put(store: StoreName, key: string, value: unknown): Promise<void> {
    await this.#run(store, 'readwrite', (s) => s.put(value, key));
  }

  async delete(store: StoreName, key: string): Promise<void> {
    await this.#run(store, 'readwrite', (s) => s.delete(key));
  }

  /**
   * Adds one to the number under `key` (0 when absent) and returns the new value, in one
   * read-write transaction: IndexedDB runs overlapping read-write transactions one at a
   * time, so two tabs of one browser never take the same number.
   */
  increment(store: StoreName, key: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const transaction = this.#db.transaction(store, 'readwrite');
      const objects = transaction.objectStore(store);
      let next = 0;
      const read = objects.get(key);
      read.onsuccess = () => {
        const current: unknown = read.result;
        next = (typeof current === 'number' && Number.isSafeInteger(current) ? current : 0) + 1;
        objects.put(next, key);
      };
      transaction.oncomplete = () => resolve(next);
      transaction.onerror = () => reject(transaction.error ?? read.error);
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
    });
  }

  async clear(): Promise<void> {
    for (const store of STORES) await this.#run(store, 'readwrite', (s) => s.clear());
  }

  #run(store: StoreName, mode: IDBTransactionMode, act: (s: IDBObjectStore) => IDBRequest): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const transaction = this.#db.transaction(store, mode);
      const request = act(transaction.objectStore(store));
      // Resolve once the transaction is durable, not when the request is answered.
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error ?? request.error);
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
    });
  }
}
