/*
 * optout: the learner's choice not to send learning records, kept in this browser
 * ("xapi:optout"). The footer control [data-lmsctl-optout] is a checkbox (checked = opted out)
 * or a button (aria-pressed="true" = opted out); the runtime also sets
 * data-lmsctl-optout="in" | "out" on it. Opting out drops what was queued; recorders/xapi.js
 * queues and sends nothing while it is set. Wired by main.js at once (not when the xAPI recorder
 * has loaded), so the control shows the learner's choice as soon as the page does.
 */

export function isOptedOut(storage) { return storage.get("xapi:optout") === true; }

export function setOptOut(storage, out) {
  storage.set("xapi:optout", !!out);
  if (out) { storage.remove("xapi:queue"); storage.remove("xapi:retry"); }
}

export function wireOptOut(doc, storage, changed) {
  const controls = Array.prototype.slice.call(doc.querySelectorAll("[data-lmsctl-optout]"));
  function show() {
    const out = isOptedOut(storage);
    controls.forEach((c) => {
      if (c.type === "checkbox") { c.checked = out; } else { c.setAttribute("aria-pressed", out ? "true" : "false"); }
      c.setAttribute("data-lmsctl-optout", out ? "out" : "in");
    });
  }
  controls.forEach((c) => {
    c.addEventListener(c.type === "checkbox" ? "change" : "click", () => {
      setOptOut(storage, c.type === "checkbox" ? c.checked : !isOptedOut(storage));
      show();
      if (changed) { changed(); }
    });
  });
  show();
}
