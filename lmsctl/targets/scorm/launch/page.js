/*
 * On every page of an exported course: when the launch page holds an LMS session
 * (window.parent.lmsctlPackage.recorder), the learner's state comes from the LMS and goes back
 * to it. The site's script (assets/lmsctl/lmsctl.js) keeps working with localStorage as on the
 * site; this module fills localStorage from the recorder before that script starts (modules run
 * before DOMContentLoaded), then passes every change and every Check to the recorder.
 * Without an LMS (the zip opened from a folder, or no API), nothing here runs: the course works
 * with progress kept in the browser.
 */
function packageOf(win) {
  try {
    return win.parent && win.parent !== win ? win.parent.lmsctlPackage || null : null;
  } catch (e) { return null; } /* another origin */
}

const pkg = packageOf(window);
const recorder = pkg && pkg.recorder;

/* xAPI package: the LMS launched index.html with ?endpoint=&auth=&actor=&registration= (the
   TinCan launch). Those reach every page as window.lmsctlLaunch and in the page's runtime
   configuration (#lmsctl-config "analytics"), which the runtime's xAPI recorder reads. */
if (pkg && pkg.data.format === "xapi" && pkg.launch && pkg.launch.endpoint) {
  const launch = pkg.launch;
  window.lmsctlLaunch = launch;
  const config = document.getElementById("lmsctl-config");
  if (config) {
    try {
      const value = JSON.parse(config.textContent || "{}");
      value.analytics = { ...(value.analytics || {}), endpoint: launch.endpoint,
                          auth: launch.auth || "", activityBase: pkg.data.activityBase,
                          siteUrl: pkg.data.activityBase };
      if (launch.actor) { value.analytics.actor = launch.actor; }
      if (launch.registration) { value.analytics.registration = launch.registration; }
      config.textContent = JSON.stringify(value);
    } catch (e) { /* a page without a readable configuration keeps its own */ }
  }
}

if (recorder) {
  const data = pkg.data;
  const course = data.course;
  let scope = "/";
  try { scope = window.__md_scope ? window.__md_scope.pathname : "/"; } catch (e) { scope = "/"; }
  const prefix = `lmsctl:${scope}:`;
  const keys = [
    ...data.questions.map((q) => `quiz:${course}/${q.key}`),
    ...data.lessons.flatMap((l) => [`visited:${course}/${l.id}`, `helpful:${course}/${l.id}`]),
  ];
  const read = (key) => {
    try {
      const raw = window.localStorage.getItem(prefix + key);
      return raw === null ? null : JSON.parse(raw);
    } catch (e) { return null; }
  };
  /* The LMS is the learner's record: what this browser kept from another learner or another
     attempt does not count. */
  for (const key of keys) {
    const value = recorder.load(key);
    try {
      if (value === null) { window.localStorage.removeItem(prefix + key); }
      else { window.localStorage.setItem(prefix + key, JSON.stringify(value)); }
    } catch (e) { /* storage off: the page shows no saved state */ }
  }
  const sync = () => { for (const key of keys) { recorder.save(key, read(key)); } };
  const head = () => document.querySelector(".lmsctl-lesson-head[data-lmsctl-course][data-lmsctl-lesson]");
  const opened = Date.now();

  document.addEventListener("DOMContentLoaded", () => {
    /* runs after the site script's own start (it registered first) */
    sync();
    const lessonHead = head();
    if (lessonHead) { recorder.save(`location:${course}`, lessonHead.getAttribute("data-lmsctl-lesson")); }
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
    const storageKey = `quiz:${course}/${lesson}/${key}`;
    const record = read(storageKey);
    if (!info || !record || !Array.isArray(record.choices)) { return; }
    const attemptsKey = `attempts:${course}/${lesson}/${key}`;
    const attempt = (Number(recorder.load(attemptsKey)) || 0) + 1;
    recorder.save(storageKey, record);
    recorder.record({
      verb: "answered", course, lesson, question: key, version: info.version,
      choices: info.choices.map((id) => ({ id })), correct: info.correct,
      response: record.choices.map((i) => info.choices[i]).filter(Boolean),
      success: record.result === "correct", attempt,
    });
  });

  window.addEventListener("pagehide", () => {
    const lessonHead = head();
    if (lessonHead) {
      recorder.record({ verb: "experienced", course, lesson: lessonHead.getAttribute("data-lmsctl-lesson"),
                        durationMs: Date.now() - opened });
    }
    recorder.flush();
  });
}
