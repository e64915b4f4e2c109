/**
 * Persistence for the widget, namespaced per app. `persistent` writes through to localStorage
 * (falling back to memory when the page forbids storage: sandboxed iframes, privacy modes);
 * `memory` keeps everything for this page view only and touches no browser storage, which is
 * what a visitor who has not consented to storage gets.
 */
export interface KeyValue {
  get<T>(key: string): T | null;
  set(key: string, value: unknown): void;
  remove(key: string): void;
}

export type StorageMode = 'persistent' | 'memory';

export interface AppStorage extends KeyValue {
  /** The keys stored for this app that start with `prefix` (without the app's namespace). */
  keys(prefix?: string): string[];
  readonly mode: StorageMode;
  /** From memory-only to persistent: what this page view stored is written to the browser. */
  persist(): void;
  /**
   * From persistent to memory-only (consent not given yet): from now on nothing is written to
   * the browser; what it already holds stays readable through the memory copy.
   */
  hold(): void;
  /** Forgets everything stored for this app, in memory and in the browser. */
  clear(): void;
}

export function appStorage(appId: string, mode: StorageMode = 'persistent', backend: Storage | null = safeLocalStorage()): AppStorage {
  const memory = new Map<string, string>();
  /** Keys the browser refused to store (quota): their memory copy is the one to read. */
  const unsaved = new Set<string>();
  const ns = `convot:${appId}:`;
  const k = (key: string) => ns + key;
  const durable = () => (mode === 'persistent' ? backend : null);
  // In persistent mode the browser's copy is the truth (another tab may have changed it); the
  // memory copy serves only when the browser refuses storage.
  const read = (key: string): string | null => {
    const store = durable();
    if (store && !unsaved.has(k(key))) {
      try {
        return store.getItem(k(key));
      } catch {
        /* fall back to memory */
      }
    }
    return memory.get(k(key)) ?? null;
  };
  const write = (key: string, raw: string) => {
    try {
      durable()?.setItem(key, raw);
      unsaved.delete(key);
    } catch {
      unsaved.add(key); // quota or access errors: the memory copy serves this visit
    }
  };
  return {
    get mode() {
      return mode;
    },
    get<T>(key: string): T | null {
      const raw = read(key);
      if (raw === null) return null;
      try {
        return JSON.parse(raw) as T;
      } catch {
        return null;
      }
    },
    set(key, value) {
      const raw = JSON.stringify(value);
      memory.set(k(key), raw);
      write(k(key), raw);
    },
    remove(key) {
      memory.delete(k(key));
      unsaved.delete(k(key));
      try {
        durable()?.removeItem(k(key));
      } catch {
        /* see write */
      }
    },
    keys(prefix = '') {
      const wanted = ns + prefix;
      const store = durable();
      if (store) {
        try {
          const found: string[] = [];
          for (let i = 0; i < store.length; i++) {
            const key = store.key(i);
            if (key?.startsWith(wanted)) found.push(key.slice(ns.length));
          }
          for (const key of unsaved) if (key.startsWith(wanted) && memory.has(key)) found.push(key.slice(ns.length));
          return [...new Set(found)];
        } catch {
          /* fall back to memory */
        }
      }
      return [...memory.keys()].filter((key) => key.startsWith(wanted)).map((key) => key.slice(ns.length));
    },
    persist() {
      if (mode === 'persistent') return;
      mode = 'persistent';
      for (const [key, raw] of memory) write(key, raw);
    },
    hold() {
      if (mode === 'memory') return;
      const store = backend;
      try {
        for (let i = 0; store && i < store.length; i++) {
          const key = store.key(i);
          if (key?.startsWith(ns) && !memory.has(key)) memory.set(key, store.getItem(key)!);
        }
      } catch {
        /* nothing readable: memory starts empty */
      }
      mode = 'memory';
    },
    clear() {
      memory.clear();
      unsaved.clear();
      try {
        const store = durable();
        if (!store) return;
        const keys: string[] = [];
        for (let i = 0; i < store.length; i++) {
          const key = store.key(i);
          if (key?.startsWith(ns)) keys.push(key);
        }
        for (const key of keys) store.removeItem(key);
      } catch {
        /* see write */
      }
    },
  };
}

function safeLocalStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
