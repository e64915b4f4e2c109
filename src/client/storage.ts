/**
 * Persistence for the widget, namespaced per app. Falls back to memory when the page forbids
 * storage (sandboxed iframes, privacy modes), so the widget still works for the visit.
 */
export interface KeyValue {
  get<T>(key: string): T | null;
  set(key: string, value: unknown): void;
  remove(key: string): void;
}

export function appStorage(appId: string, backend: Storage | null = safeLocalStorage()): KeyValue {
  const memory = new Map<string, string>();
  const k = (key: string) => `convot:${appId}:${key}`;
  const read = (key: string): string | null => {
    try {
      return backend ? backend.getItem(k(key)) : (memory.get(k(key)) ?? null);
    } catch {
      return memory.get(k(key)) ?? null;
    }
  };
  return {
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
      try {
        backend?.setItem(k(key), raw);
      } catch {
        // quota or access errors: the memory copy serves this visit
      }
    },
    remove(key) {
      memory.delete(k(key));
      try {
        backend?.removeItem(k(key));
      } catch {
        /* see set */
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
