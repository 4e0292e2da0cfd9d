// A few promise helpers over IndexedDB (no library: the picker bundle stays small).
const DB = 'dockside';
const VERSION = 1;
export const COMMANDS = 'commands';
export const KV = 'kv';

let dbp: Promise<IDBDatabase> | undefined;
export function db(): Promise<IDBDatabase> {
  dbp ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, VERSION);
    req.onupgradeneeded = () => {
      const d = req.result;
      if (!d.objectStoreNames.contains(COMMANDS)) d.createObjectStore(COMMANDS, { keyPath: 'seq', autoIncrement: true });
      if (!d.objectStoreNames.contains(KV)) d.createObjectStore(KV);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return dbp;
}

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export async function put<T>(store: string, value: T, key?: IDBValidKey): Promise<IDBValidKey> {
  const tx = (await db()).transaction(store, 'readwrite');
  return done(tx.objectStore(store).put(value, key));
}
export async function get<T>(store: string, key: IDBValidKey): Promise<T | undefined> {
  return done((await db()).transaction(store).objectStore(store).get(key)) as Promise<T | undefined>;
}
export async function del(store: string, key: IDBValidKey): Promise<void> {
  await done((await db()).transaction(store, 'readwrite').objectStore(store).delete(key));
}
export async function all<T>(store: string): Promise<T[]> {
  return done((await db()).transaction(store).objectStore(store).getAll()) as Promise<T[]>;
}
