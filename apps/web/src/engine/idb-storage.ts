import type { DatasetStorage, LoadedFile } from "@quarry/engine";

const DB = "quarry";
const STORE = "datasets";
const KEY = "current";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("IndexedDB could not be opened"));
  });
}

function run<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return open().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const req = fn(tx.objectStore(STORE));
        tx.oncomplete = () => {
          db.close();
          resolve(req.result);
        };
        tx.onerror = tx.onabort = () => {
          db.close();
          reject(tx.error ?? new Error("IndexedDB transaction failed"));
        };
      }),
  );
}

/** The loaded dataset kept in IndexedDB (from the worker, which has IndexedDB too) until forgotten. */
export const idbStorage: DatasetStorage = {
  save: async (data, files) => {
    await run("readwrite", (s) => s.put({ data, files, savedAt: Date.now() }, KEY));
  },
  load: async () => {
    const v = (await run("readonly", (s) => s.get(KEY))) as { data: Uint8Array; files: LoadedFile[] } | undefined;
    return v && v.data instanceof Uint8Array && Array.isArray(v.files) ? { data: v.data, files: v.files } : null;
  },
  clear: async () => {
    await run("readwrite", (s) => s.delete(KEY));
  },
};
