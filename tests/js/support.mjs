// Helpers for the runtime's unit tests (not a test file itself).

/** A Storage (the Web Storage interface) in memory; `full` makes setItem throw as a full one does. */
export function memoryStorage() {
  const map = new Map();
  return {
    map, full: false,
    getItem(k) { return map.has(k) ? map.get(k) : null; },
    setItem(k, v) { if (this.full) { throw new Error("QuotaExceededError"); } map.set(k, String(v)); },
    removeItem(k) { map.delete(k); },
    key(i) { return [...map.keys()][i] ?? null; },
    get length() { return map.size; },
  };
}
