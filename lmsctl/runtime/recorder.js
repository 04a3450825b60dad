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

function quietly(fn) {
  try { return fn(); } catch (e) { return undefined; }
}

/**
 * The page's hub: state from `store`, events to `store` (when it reports too) and to every
 * reporter. options.waitForReporters: true while a reporter is still being loaded; events are
 * buffered (with their time as `at`) until `ready()` is called; options.keep(events): where
 * buffered events go when the page is left before that.
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
      /* the time of the event, not of its delivery (xAPI timestamp) */
      if (buffered) { buffered.push(Object.assign({ at: Date.now() }, event)); } else { deliver(event); }
    },
    flush() {
      quietly(() => store.flush());
      for (const r of reporters) { quietly(() => r.flush()); }
      if (buffered && buffered.length && options && options.keep) {
        /* the page is going away before its reporters arrived: keep the events for the next
           page's reporters (hand them over with `ready(kept)` there) */
        quietly(() => options.keep(buffered.splice(0)));
      }
    },
    /** Add a reporter (any recorder): it gets every event from now on. */
    addReporter(reporter) { if (reporter) { reporters.push(reporter); } },
    /** Reporters are loaded (or failed to load): hand over the events kept by an earlier
     * page (`earlier`), then the buffered ones. */
    ready(earlier) {
      const pending = (earlier || []).concat(buffered || []);
      buffered = null;
      pending.forEach(deliver);
    },
    reporters,
  };
}
