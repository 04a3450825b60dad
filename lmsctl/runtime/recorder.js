/*
 * recorder: the one interface behind which learner state is kept and learning events are
 * reported (see README.md in this folder). A recorder is a plain object:
 *
 *   { name,                 // "local" | "xapi" | "scorm"
 *     load(key) -> value | null, save(key, value),   // learner state (state stores only)
 *     record(event),        // a learning event; never throws, never blocks the page
 *     flush() }             // on pagehide: send or commit what is pending
 *
 * The page has ONE state store (the local recorder, or the SCORM recorder inside an LMS) and
 * any number of reporters (xAPI, SCORM) that get every event. Reporters may arrive late (the
 * xAPI recorder is imported only when the site configures analytics): events recorded before
 * they arrive are kept and handed to them in order.
 */

/** Events recorded by the runtime; see README.md for their fields. */
export const VERBS = ["experienced", "answered", "passed", "completed", "rated", "flagged"];

function quietly(fn) {
  try { return fn(); } catch (e) { return undefined; }
}

/**
 * The page's hub: state from `store`, events to `store` (when it reports too) and to every
 * reporter. waitForReporters: true while a reporter is still being loaded; events are buffered
 * until `ready()` is called.
 */
export function createHub(store, options) {
  const reporters = [];
  let buffered = options && options.waitForReporters ? [] : null;

  function deliver(event) {
    for (const r of reporters) { quietly(() => r.record(event)); }
  }

  return {
    store,
    load(key) { return quietly(() => store.load(key)) ?? null; },
    save(key, value) { quietly(() => store.save(key, value)); },
    record(event) {
      quietly(() => store.record(event));
      if (buffered) { buffered.push(event); } else { deliver(event); }
    },
    flush() {
      quietly(() => store.flush());
      for (const r of reporters) { quietly(() => r.flush()); }
    },
    /** Add a reporter (any recorder): it gets every event from now on. */
    addReporter(reporter) { if (reporter) { reporters.push(reporter); } },
    /** Reporters are loaded (or failed to load): hand over the buffered events. */
    ready() {
      const pending = buffered || [];
      buffered = null;
      pending.forEach(deliver);
    },
    reporters,
  };
}
