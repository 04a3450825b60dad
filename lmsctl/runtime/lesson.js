/*
 * lesson: active time on a lesson page, the duration of its "experienced" event: time while
 * the page is visible, reported each time the page is hidden or left (pagehide), then
 * counted again from zero if the learner comes back.
 */

/** Accumulates visible time; `take()` returns it (ms) and starts again from zero. */
export function activeClock(now, visible) {
  let total = 0;
  let since = visible ? now() : null;
  return {
    show() { if (since === null) { since = now(); } },
    hide() { if (since !== null) { total += now() - since; since = null; } },
    take() {
      if (since !== null) { total += now() - since; since = now(); }
      const out = total;
      total = 0;
      return out;
    },
  };
}

/** report(ms) when the page is hidden or left after some active time; flush() after it. */
export function trackActiveTime(win, doc, report, flush) {
  const clock = activeClock(() => Date.now(), doc.visibilityState !== "hidden");
  function leave() {
    clock.hide();
    const ms = clock.take();
    if (ms > 0) { report(ms); }
    flush();
  }
  doc.addEventListener("visibilitychange", () => {
    if (doc.visibilityState === "hidden") { leave(); } else { clock.show(); }
  });
  win.addEventListener("pagehide", leave);
  win.addEventListener("pageshow", (event) => { if (event.persisted) { clock.show(); } });
}
