/*
 * queue: delivery that loses nothing (DESIGN section 8). Statements wait in localStorage
 * ("xapi:queue") until the LRS has them:
 *
 * - bounded: at most LIMIT (500) statements; when full, the oldest statement of the lowest
 *   priority goes first: `experienced` (0), then `flagged` (1), then `answered`, `passed`,
 *   `rated`, `completed` (2). So an `answered`, `passed` or `rated` statement is never dropped
 *   while the queue has room, nor while it holds any `experienced` or `flagged` one.
 * - batched: POSTs of up to BATCH (50) statements, oldest first; a few seconds after the page
 *   loads, 0.5 s after a new statement, and on pagehide (fetch keepalive, at most 60 kB).
 * - retried with exponential backoff (1 s, 2 s, 4 s ... capped at 60 s, +-20 % jitter; kept in
 *   "xapi:retry" so the learner's next page waits too) after a network or CORS error, 401, 403,
 *   404, 429 or 5xx: nothing is shown to the learner and nothing is dropped.
 * - idempotent: every statement has its id from the browser, so a statement sent twice (a
 *   retry, two tabs) is stored once; 200 and 204 mean delivered, and so does 409 for a single
 *   statement (the LRS already has that id). A batch answered 400, 409 or 413 is sent again one
 *   statement at a time; a single statement the LRS rejects as malformed (400, 413) is dropped
 *   and counted in "xapi:rejected" (retrying it can never succeed).
 */

export const LIMIT = 500;
export const BATCH = 50;
export const KEEPALIVE_BYTES = 60000;
export const PRIORITY = { experienced: 0, flagged: 1 };  // everything else: 2

export function priorityOf(verb) { return verb in PRIORITY ? PRIORITY[verb] : 2; }

/** Delay before retry number `failures` (1, 2, ...): 1 s doubling to 60 s, +-20 % jitter. */
export function backoffDelay(failures, random) {
  const base = Math.min(60000, 1000 * Math.pow(2, Math.max(0, failures - 1)));
  const r = random ? random() : 0.5;
  return Math.round(base * (0.8 + 0.4 * r));
}

/**
 * Add an item {p: priority, s: statement} to items (oldest first), keeping at most `limit`:
 * returns {items, dropped} (dropped: the item that made room, possibly the new one).
 */
export function enqueue(items, item, limit) {
  const all = items.concat([item]);
  if (all.length <= limit) { return { items: all, dropped: null }; }
  let low = 0;
  for (let i = 1; i < all.length; i++) { if (all[i].p < all[low].p) { low = i; } }
  const dropped = all[low];
  all.splice(low, 1);
  return { items: all, dropped };
}

function isItem(x) { return x && typeof x === "object" && x.s && typeof x.s.id === "string"; }

/**
 * The queue of one page. storage: openStorage(...) for the site; send(statements, {keepalive})
 * -> Promise<HTTP status, or 0 for a network or CORS error> (never rejects); now(); setTimer(fn,
 * ms); random().
 */
export function createQueue(opts) {
  const storage = opts.storage;
  const limit = opts.limit || LIMIT;
  const batchSize = opts.batch || BATCH;
  const now = opts.now || (() => Date.now());
  const setTimer = opts.setTimer || ((fn, ms) => setTimeout(fn, ms));
  let memory = null;  // when localStorage refuses to keep the queue
  let sending = false;
  let timer = null;
  let timerAt = 0;
  const leaving = new Set();  // ids this page already sent with keepalive (hidden, then pagehide)

  function load() {
    if (memory) { return memory.slice(); }
    const kept = storage.get("xapi:queue");
    return Array.isArray(kept) ? kept.filter(isItem) : [];
  }
  function store(items) {
    if (memory || !storage.set("xapi:queue", items)) {
      /* localStorage is full or off: keep the queue for this page (the learner's progress
         keys need the room more). */
      memory = items.slice();
    }
  }
  function retry() { return storage.get("xapi:retry") || { failures: 0, next: 0 }; }

  function schedule(ms) {
    const at = now() + ms;
    if (timer !== null && timerAt <= at) { return; }
    timer = setTimer(() => { timer = null; return flush({}); }, ms);
    timerAt = at;
  }

  function remove(ids) {
    const gone = new Set(ids);
    store(load().filter((x) => !gone.has(x.s.id)));
  }

  function reject(item) {
    remove([item.s.id]);
    storage.set("xapi:rejected", (Number(storage.get("xapi:rejected")) || 0) + 1);
  }

  function takeBatch(items, size, keepalive) {
    const batch = [];
    let bytes = 2;
    for (const item of items) {
      if (batch.length >= size) { break; }
      const length = JSON.stringify(item.s).length + 1;
      if (keepalive && batch.length && bytes + length > KEEPALIVE_BYTES) { break; }
      batch.push(item);
      bytes += length;
    }
    return batch;
  }

  /** Send what is queued; resolves when the queue is empty or the LRS cannot take more now. */
  async function flush(options) {
    const keepalive = !!(options && options.keepalive);
    if (sending && !keepalive) { return; }
    const waiting = retry();
    if (!keepalive && waiting.next > now()) { schedule(waiting.next - now()); return; }
    sending = !keepalive || sending;
    let size = batchSize;
    let singles = 0;
    try {
      for (;;) {
        const items = keepalive ? load().filter((x) => !leaving.has(x.s.id)) : load();
        if (!items.length) { return; }
        const batch = takeBatch(items, singles > 0 ? 1 : size, keepalive);
        if (keepalive) { batch.forEach((x) => leaving.add(x.s.id)); }
        const status = await opts.send(batch.map((x) => x.s), { keepalive });
        if (singles > 0) { singles -= 1; }
        if (status === 200 || status === 204 || (status === 409 && batch.length === 1)) {
          remove(batch.map((x) => x.s.id));
          storage.set("xapi:retry", { failures: 0, next: 0 });
        } else if ((status === 400 || status === 409 || status === 413) && batch.length > 1) {
          singles = batch.length;  // find the one the LRS refuses; send the others
        } else if (status === 400 || status === 413) {
          reject(batch[0]);
        } else {
          const failures = retry().failures + 1;
          const delay = backoffDelay(failures, opts.random || Math.random);
          storage.set("xapi:retry", { failures, next: now() + delay });
          if (!keepalive) { schedule(delay); }
          return;
        }
        if (keepalive) { return; }  // one request: the page is going away
      }
    } finally {
      if (!keepalive) { sending = false; }
    }
  }

  return {
    /** Queue a statement of the given verb (its id and timestamp are already set). */
    add(statement, verb) {
      const result = enqueue(load(), { p: priorityOf(verb), s: statement }, limit);
      store(result.items);
      const waiting = retry();
      schedule(Math.max(opts.debounce ?? 500, waiting.next - now()));
      return result.dropped;
    },
    flush,
    /** Send soon (the page has loaded). */
    start(delay) {
      if (load().length) { schedule(Math.max(delay, retry().next - now())); }
    },
    clear() { memory = null; storage.remove("xapi:queue"); storage.remove("xapi:retry"); },
    size() { return load().length; },
    items: load,
  };
}
