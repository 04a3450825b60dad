/*
 * main: the entry of the runtime. Pages load it bundled as a classic script
 * (bundle/lmsctl.js, made by scripts/bundle-runtime.mjs) with <script defer>, so that it works
 * from a web server and from a folder opened with file:// alike. It wires the page's parts to
 * one recorder hub (recorder.js): the state store (the local recorder) and, only when the page's
 * configuration names an LRS, the xAPI recorder (bundle/lmsctl-xapi.js, next to this script),
 * loaded then and never otherwise. No network of its own, no dependencies.
 */
import { readConfig } from "./config.js";
import { all } from "./dom.js";
import { createHub } from "./recorder.js";
import { localRecorder } from "./recorders/local.js";
import { localStorageOf, openStorage, prefixFor, scopeOf } from "./storage.js";
import { setupQuestion } from "./quiz.js";
import { refresh } from "./progress-view.js";
import { setupFeedback } from "./feedback.js";
import { setupCatalog } from "./catalog.js";
import { setupJourney } from "./journey.js";
import { trackActiveTime } from "./lesson.js";
import { learnerId } from "./learner.js";
import { isOptedOut, wireOptOut } from "./optout.js";
import { useTranslations } from "./messages.js";

const config = readConfig(document);
useTranslations(config.messages, config.pluralForms);  /* the page's language; else English */
const scope = scopeOf(config.scope, window);
const prefix = prefixFor(scope);
const backend = localStorageOf(window);
const local = localRecorder(prefix, backend);
const browserStorage = openStorage(prefix, backend || {
  getItem() { return null; }, setItem() {}, removeItem() {} });

function lessonOf() {
  const head = document.querySelector(".lmsctl-lesson-head[data-lmsctl-course][data-lmsctl-lesson]");
  if (!head) { return null; }
  return { course: head.getAttribute("data-lmsctl-course"),
           lesson: head.getAttribute("data-lmsctl-lesson"),
           version: config.lessonVersion || head.getAttribute("data-lmsctl-version") || "" };
}

/* The URL of this script (bundle/lmsctl.js as the site ships it): the xAPI recorder's bundle
   is next to it. Read now: document.currentScript is only set while the script first runs. */
const here = document.currentScript && document.currentScript.src;

/** The xAPI recorder's module (window.lmsctlXapi), loaded as a classic script next to this
 * one; rejects when it cannot be loaded. */
function loadXapiRecorder() {
  return new Promise((resolve, reject) => {
    if (window.lmsctlXapi) { resolve(window.lmsctlXapi); return; }
    if (!here) { reject(new Error("the runtime's URL is unknown")); return; }
    const script = document.createElement("script");
    script.src = new URL("lmsctl-xapi.js", here).href;
    script.onload = () => (window.lmsctlXapi ? resolve(window.lmsctlXapi) : reject(new Error("no recorder")));
    script.onerror = () => reject(new Error("the xAPI recorder did not load"));
    document.head.appendChild(script);
  });
}

function mark(name) {
  try { window.performance.mark(name); } catch (e) { /* old browsers */ }
}

async function start() {
  const store = local;
  const analytics = config.analytics && typeof config.analytics === "object" ? config.analytics : null;
  const hub = createHub(store, {
    waitForReporters: !!analytics,
    keep: (events) => { if (!isOptedOut(browserStorage)) { browserStorage.set("xapi:events", events); } },
  });
  /* Votes go with the learning records when the site sends them and the learner has not
     opted out (recorders/xapi.js keeps the opt-out under the same key). */
  const where = () => (analytics && !isOptedOut(browserStorage) ? "records" : "browser");
  if (analytics) { wireOptOut(document, browserStorage); }

  const lesson = lessonOf();
  if (lesson) {
    hub.save("visited:" + lesson.course + "/" + lesson.lesson, true);
    hub.save("location:" + lesson.course, lesson.lesson);
    trackActiveTime(window, document, (ms) => {
      hub.record({ verb: "experienced", course: lesson.course, lesson: lesson.lesson,
                   durationMs: ms, version: lesson.version });
    }, () => hub.flush());
  }
  const journey = setupJourney(hub, browserStorage, config, window, prefix);
  const update = () => journey(refresh(hub, config.paths));
  setupFeedback(hub, where, lesson ? lesson.version : "");
  const questions = all("[data-lmsctl-question]");
  const learner = questions.length && window.crypto ? learnerId(browserStorage, window.crypto) : "";
  questions.forEach((fs) => setupQuestion(fs, hub, update, learner));
  update();
  setupCatalog();
  mark("lmsctl:ready");  /* the page works (benchmarks/bench_page_load.py reads these marks) */

  /* Progress made in another tab shows here too. */
  window.addEventListener("storage", (event) => {
    if (event.key && event.key.indexOf(prefix) === 0 && event.key.indexOf(":xapi:") < 0) { update(); }
  });

  if (analytics) {
    /* After the page has loaded: the recorder never delays the page (events wait in the hub). */
    if (document.readyState !== "complete") {
      await new Promise((resolve) => window.addEventListener("load", resolve, { once: true }));
    }
    try {
      const module = await loadXapiRecorder();
      hub.addReporter(module.xapiRecorder({ config, storage: browserStorage, window }));
      mark("lmsctl:records-ready");
    } catch (e) { /* no learning records: the page works as without analytics */ }
    const earlier = browserStorage.get("xapi:events");
    browserStorage.remove("xapi:events");
    hub.ready(Array.isArray(earlier) ? earlier : []);
  }
}

start();
