// Changes to a shared session's Y document that the server has not stored yet, kept in the
// browser's IndexedDB so that they outlive a dropped connection and a page reload: the tab that
// made them sends them again when it is back in the session (a Yjs update applied twice is
// applied once, so sending one the server already had is harmless).
//
// One record per server and session: the unstored updates merged into one (Y.mergeUpdates).
// Where IndexedDB is missing or refused (a private window may refuse it) nothing is kept, and
// the changes live as long as the page does.

const DB_NAME = 'schillinger-workbench';
const STORE = 'unstored-updates';

let opening: Promise<IDBDatabase | null> | null = null;

function database(): Promise<IDBDatabase | null> {
  if (opening === null) {
    opening = new Promise(resolve => {
      if (typeof indexedDB === 'undefined') {
        resolve(null);
        return;
      }
      try {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => request.result.createObjectStore(STORE);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => resolve(null);
        request.onblocked = () => resolve(null);
      } catch {
        resolve(null);
      }
    });
  }
  return opening;
}

function done(tx: IDBTransaction): Promise<boolean> {
  return new Promise(resolve => {
    tx.oncomplete = () => resolve(true);
    tx.onerror = () => resolve(false);
    tx.onabort = () => resolve(false);
  });
}

/**
 * The key of a session's record: the server (its base URL) and the session's id.
 *
 *     storeKey('http://127.0.0.1:8888/', 'abc')  // -> 'http://127.0.0.1:8888/|abc'
 */
export function storeKey(baseUrl: string, session: string): string {
  return `${baseUrl}|${session}`;
}

/** The unstored update kept under `key` (null: none, or no IndexedDB). */
export async function loadUnstored(key: string): Promise<Uint8Array | null> {
  const db = await database();
  if (db === null) {
    return null;
  }
  return new Promise(resolve => {
    try {
      const request = db.transaction(STORE, 'readonly').objectStore(STORE).get(key);
      request.onsuccess = () => resolve(request.result instanceof Uint8Array ? request.result : null);
      request.onerror = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
}

/** Keep `update` under `key` (null: forget it); answers whether it is written. */
export async function saveUnstored(key: string, update: Uint8Array | null): Promise<boolean> {
  const db = await database();
  if (db === null) {
    return false;
  }
  try {
    const tx = db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    if (update === null) {
      store.delete(key);
    } else {
      store.put(update, key);
    }
    return await done(tx);
  } catch {
    return false;
  }
}
