/*
 * On every page of an exported course, before the runtime (bundle/page.js is listed first;
 * deferred scripts run in order, before DOMContentLoaded).
 *
 * SCORM: when the launch page holds an LMS session (window.parent.lmsctlPackage.recorder), the
 * learner's state comes from the LMS and goes back to it. The site's runtime keeps its local
 * store (localStorage, the keys of lmsctl/runtime/README.md); this module fills that store
 * from the SCORM recorder first, then hands every change and every Check to the recorder.
 * Without an LMS (the zip opened from a folder, or no API), nothing here runs: the course works
 * with progress kept in the browser.
 *
 * xAPI: the LMS launched index.html with ?endpoint=&auth=&actor=&registration= (the TinCan
 * launch). The launch is kept where the runtime's xAPI recorder reads it ("xapi:launch"), and
 * the page's configuration gets "analytics", so that main.js loads that recorder.
 */
import { readConfig } from "../../../runtime/config.js";
import { openStorage, prefixFor, scopeOf } from "../../../runtime/storage.js";
import { parseLaunch } from "../../../runtime/xapi/launch.js";

function packageOf(win) {
  try {
    return win.parent && win.parent !== win ? win.parent.lmsctlPackage || null : null;
  } catch (e) { return null; } /* another origin */
}

function localStorageOf(win) {
  try { return win.localStorage || null; } catch (e) { return null; }
}

const pkg = packageOf(window);
const backend = localStorageOf(window);
const config = readConfig(document);
const store = backend ? openStorage(prefixFor(scopeOf(config.scope, window)), backend) : null;

if (pkg && store && pkg.data.format === "xapi") {
  const launch = parseLaunch(pkg.launchSearch || "");
  if (launch) {
    store.set("xapi:launch", launch);
    window.lmsctlLaunch = launch;
    const el = document.getElementById("lmsctl-config");
    if (el && !config.analytics) {
      el.textContent = JSON.stringify({ ...config, analytics: {
        endpoint: launch.endpoint, auth: launch.auth || "", activityBase: pkg.data.activityBase,
        siteUrl: pkg.data.activityBase } });
    }
  }
}

const recorder = pkg && store ? pkg.recorder : null;

if (recorder) {
  const data = pkg.data;
  const course = data.course;
  const keys = [
    ...data.questions.flatMap((q) => [`quiz:${course}/${q.key}`, `attempts:${course}/${q.key}`]),
    ...data.lessons.flatMap((l) => [`visited:${course}/${l.id}`, `helpful:${course}/${l.id}`]),
    `location:${course}`,
  ];
  /* The LMS is the learner's record: what this browser kept from another learner or another
     attempt does not count. */
  for (const key of keys) {
    const value = recorder.load(key);
    if (value === null || value === undefined) { store.remove(key); } else { store.set(key, value); }
  }
  const sync = () => { for (const key of keys) { recorder.save(key, store.get(key)); } };

  document.addEventListener("DOMContentLoaded", () => {
    /* main.js has started by now: the visit and the bookmark are in the store */
    sync();
    recorder.flush();
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-lmsctl-check], [data-lmsctl-helpful-answer]");
    if (!button) { return; }
    const question = button.closest("[data-lmsctl-question]");
    if (!question) { sync(); recorder.flush(); return; }
    if (!question.querySelector("input:checked")) { return; } /* "Choose an answer first" */
    const lesson = question.getAttribute("data-lmsctl-lesson");
    const key = question.getAttribute("data-lmsctl-question");
    const info = data.questions.find((q) => q.key === `${lesson}/${key}`);
    const record = store.get(`quiz:${course}/${lesson}/${key}`);
    if (!info || !record || !Array.isArray(record.choices)) { return; }
    sync();
    recorder.record({
      verb: "answered", course, lesson, question: key, version: info.version,
      choices: info.choices.map((id) => ({ id })), correct: info.correct,
      response: record.choices.map((i) => info.choices[i]).filter(Boolean),
      success: record.result === "correct",
      attempt: Number(store.get(`attempts:${course}/${lesson}/${key}`)) || 1,
    });
  });

  window.addEventListener("pagehide", () => { sync(); recorder.flush(); });
}
