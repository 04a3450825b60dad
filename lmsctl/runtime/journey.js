/*
 * journey: the moments around taking a course, all from the learner's state in this browser
 * (no network): "Continue learning" on home, Start / Continue on a path page, the course's
 * result (score, pass mark, what next: the next course of the path the learner came from) and
 * the self-issued certificate page.
 *
 * Kept by the browser only (openStorage, never in an LMS):
 *   recent               [{course, title, lesson, at, state, right, total, score, pass}], newest first
 *   completion:<course>  {course, title, date: "YYYY-MM-DD" (first seen passed), score, right, total, pass}
 *   certificate-name     the name the learner typed on a certificate
 * and in sessionStorage (this tab): "<prefix>path", the path the learner came from (set by a
 * path page, or by any page opened with ?path=<id>).
 */
import { all, words } from "./dom.js";
import { certificateText, continueText, pathActionText, resultText, text } from "./messages.js";
import { isOptedOut } from "./optout.js";

export const RECENT_LIMIT = 12;
const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * The next unfinished required course of a path: the first one after `after` (the course just
 * finished) that is not complete, else the first one not complete; null when all are complete.
 */
export function nextCourse(required, byCourse, after) {
  const open = (id) => !(byCourse[id] && byCourse[id].complete);
  const at = after ? required.indexOf(after) : -1;
  const later = at >= 0 ? required.slice(at + 1).filter(open)[0] : undefined;
  return later || required.filter(open)[0] || null;
}

/** What a path page offers: {kind: "start" | "continue" | "review", course}. */
export function pathAction(required, byCourse) {
  const started = required.some((id) => byCourse[id] && byCourse[id].state !== "not-started");
  const next = nextCourse(required, byCourse, null);
  if (!next) { return { kind: "review", course: required[0] || null }; }
  return { kind: started ? "continue" : "start", course: next };
}

/** The recent list with `entry` first (one entry per course), at most `limit` long. */
export function rememberRecent(list, entry, limit) {
  const kept = (Array.isArray(list) ? list : []).filter(
    (e) => e && typeof e === "object" && e.course !== entry.course);
  return [entry, ...kept].slice(0, limit || RECENT_LIMIT);
}

/** Courses in progress from the recent list, most recent first. */
export function inProgress(list) {
  return (Array.isArray(list) ? list : [])
    .filter((e) => e && typeof e === "object" && ID.test(String(e.course)) &&
      typeof e.title === "string" && e.state === "in-progress")
    .sort((a, b) => (Number(b.at) || 0) - (Number(a.at) || 0));
}

/** "YYYY-MM-DD" of a Date, in the learner's time zone. */
export function isoDay(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
}

/**
 * The completion record of a course from its progress `p` (progress.js courseProgress): null
 * when it is not passed by a learner who has been in it (a pass mark of 0 is not a pass); the
 * date of the first pass is kept from `previous`.
 */
export function completionOf(previous, p, title, today) {
  if (!p || !p.complete || !(p.answered || p.visited)) { return null; }
  const date = previous && previous.course === p.course && /^\d{4}-\d\d-\d\d$/.test(previous.date)
    ? previous.date : today;
  return { course: p.course, title, date, score: p.score, right: p.right, total: p.total, pass: p.pass };
}

/** A completion record that may be shown as a certificate for `course` (else null). */
export function certificateFor(record, course) {
  if (!record || typeof record !== "object" || record.course !== course || !ID.test(course)) { return null; }
  if (typeof record.title !== "string" || !record.title || !/^\d{4}-\d\d-\d\d$/.test(record.date)) { return null; }
  return record;
}

/** The path the learner came from: ?path=<id> (then kept for this tab), else the tab's. */
export function pathContext(win, prefix) {
  const key = prefix + "path";
  let session = null;
  try { session = win.sessionStorage; } catch (e) { session = null; }
  let wanted = null;
  try { wanted = new URLSearchParams(win.location.search).get("path"); } catch (e) { wanted = null; }
  if (wanted && ID.test(wanted)) {
    try { if (session) { session.setItem(key, wanted); } } catch (e) { /* off */ }
    return wanted;
  }
  try { return session ? session.getItem(key) : null; } catch (e) { return null; }
}

function setPathContext(win, prefix, id) {
  try { win.sessionStorage.setItem(prefix + "path", id); } catch (e) { /* off */ }
}

function withPath(href, path) {
  if (!path || /[?&]path=/.test(href)) { return href; }
  const at = href.indexOf("#");
  const base = at >= 0 ? href.slice(0, at) : href;
  return base + (base.indexOf("?") >= 0 ? "&" : "?") + "path=" + encodeURIComponent(path) +
    (at >= 0 ? href.slice(at) : "");
}

/** Keep completion records and the recent list from what this page showed. */
function keepRecords(storage, hub, byCourse, config, now) {
  all("[data-lmsctl-title][data-lmsctl-course][data-lmsctl-pass-mark]").forEach((el) => {
    const id = el.getAttribute("data-lmsctl-course");
    const p = byCourse[id];
    if (!p) { return; }
    const key = "completion:" + id;
    const record = completionOf(storage.get(key), p, el.getAttribute("data-lmsctl-title"), isoDay(now));
    if (record) { storage.set(key, record); } else if (!p.complete) { storage.remove(key); }
  });
  const course = config.course;
  const p = course ? byCourse[course] : null;
  const el = course ? document.querySelector("[data-lmsctl-title][data-lmsctl-course=\"" + course + "\"]") : null;
  if (!p || !el || p.state === "not-started") { return; }
  const entry = { course, title: el.getAttribute("data-lmsctl-title"),
                  lesson: hub.load("location:" + course) || "", at: now.getTime(), state: p.state,
                  right: p.right, total: p.total, score: p.score, pass: p.pass };
  storage.set("recent", rememberRecent(storage.get("recent"), entry, RECENT_LIMIT));
}

function link(href, label, css) {
  const a = document.createElement("a");
  a.setAttribute("href", href);
  if (css) { a.className = css; }
  a.textContent = label;
  return a;
}

function showContinue(storage, hub, scope) {
  const section = document.querySelector("[data-lmsctl-continue]");
  if (!section) { return; }
  const list = section.querySelector("[data-lmsctl-continue-list]");
  const items = inProgress(storage.get("recent"));
  section.hidden = !items.length;
  if (!list) { return; }
  list.textContent = "";
  items.forEach((e) => {
    const lesson = hub.load("location:" + e.course) || e.lesson;
    const href = scope + "courses/" + e.course + "/" + (lesson && ID.test(lesson) ? lesson + "/" : "");
    const li = document.createElement("li");
    li.className = "lmsctl-continue__item";
    li.setAttribute("data-lmsctl-course", e.course);
    li.appendChild(link(href, e.title));
    const meta = document.createElement("span");
    meta.className = "lmsctl-meta";
    meta.textContent = " " + continueText(e);
    li.appendChild(meta);
    list.appendChild(li);
  });
}

function showPathAction(byCourse, win, prefix) {
  all("[data-lmsctl-path-action]").forEach((button) => {
    const holder = button.closest("[data-lmsctl-path][data-lmsctl-courses]");
    if (!holder) { return; }
    const path = holder.getAttribute("data-lmsctl-path");
    setPathContext(win, prefix, path);  /* the learner came from this path */
    const action = pathAction(words(holder.getAttribute("data-lmsctl-courses")), byCourse);
    const step = action.course ? holder.querySelector(".lmsctl-step[data-lmsctl-course=\"" + action.course + "\"] a") : null;
    if (!step) { return; }
    button.setAttribute("href", withPath(step.getAttribute("href"), path));
    button.textContent = pathActionText(action.kind, step.textContent.trim());
    button.setAttribute("data-lmsctl-path-action", action.kind);
  });
}

function showResult(byCourse, config, context, scope) {
  const section = document.querySelector("[data-lmsctl-result]");
  if (!section || !config.course) { return; }
  const p = byCourse[config.course];
  if (!p || p.state === "not-started") { section.hidden = true; return; }
  section.hidden = false;
  section.setAttribute("data-lmsctl-state", p.state);
  const score = section.querySelector("[data-lmsctl-result-score]");
  if (score) { score.textContent = resultText(p); }
  const certificate = section.querySelector("[data-lmsctl-certificate-link]");
  if (certificate) { certificate.hidden = !p.complete; }
  const next = section.querySelector("[data-lmsctl-result-next]");
  const holder = context ? document.querySelector("[data-lmsctl-next-path=\"" + context + "\"]") : null;
  if (next) {
    let target = null;
    if (p.complete && holder) {
      const id = nextCourse(words(holder.getAttribute("data-lmsctl-courses")), byCourse, config.course);
      const member = id ? holder.querySelector("[data-lmsctl-course=\"" + id + "\"][data-lmsctl-href]") : null;
      target = member
        ? { href: withPath(member.getAttribute("data-lmsctl-href"), context),
            label: text.nextCourse + member.getAttribute("data-lmsctl-title") }
        : { href: holder.getAttribute("data-lmsctl-path-href"),
            label: text.pathDone + holder.getAttribute("data-lmsctl-path-title") };
    } else if (p.complete) {
      target = { href: scope + "catalog/", label: text.findNext };
    }
    next.hidden = !target;
    if (target) { next.setAttribute("href", target.href); next.textContent = target.label; }
  }
  if (window.location.hash === "#result" && !section.getAttribute("data-lmsctl-shown")) {
    section.setAttribute("data-lmsctl-shown", "true");
    section.scrollIntoView();
  }
}

/**
 * On a site that records to an LRS the certificate has two wordings: "records" (the LRS holds
 * the official record) and "stopped" (this learner opted out in this browser, so it may not).
 */
export function issuer(page, optedOut) {
  const shown = optedOut ? "stopped" : "records";
  const texts = all("[data-lmsctl-issuer-text]", page);
  if (!texts.length) { return; }
  texts.forEach((el) => { el.hidden = el.getAttribute("data-lmsctl-issuer-text") !== shown; });
  all("[data-lmsctl-issuer]", page).forEach((el) => { el.setAttribute("data-lmsctl-issuer", shown); });
}

function showCertificate(storage, win) {
  const page = document.querySelector("[data-lmsctl-certificate]");
  if (!page) { return; }
  let course = "";
  try { course = new URLSearchParams(win.location.search).get("course") || ""; } catch (e) { course = ""; }
  const record = certificateFor(storage.get("completion:" + course), course);
  const body = page.querySelector("[data-lmsctl-certificate-body]");
  const missing = page.querySelector("[data-lmsctl-certificate-missing]");
  page.setAttribute("data-lmsctl-state", record ? "passed" : "none");
  if (body) { body.hidden = !record; }
  if (missing) { missing.hidden = !!record; }
  if (!record) { return; }
  const fill = (name, value) => {
    all("[data-lmsctl-cert=\"" + name + "\"]", page).forEach((el) => { el.textContent = value; });
  };
  let day = record.date;
  try {
    const [y, m, d] = record.date.split("-").map(Number);
    day = new Intl.DateTimeFormat(document.documentElement.lang || undefined,
                                  { dateStyle: "long" }).format(new Date(y, m - 1, d));
  } catch (e) { /* keep the ISO date */ }
  fill("course", record.title);
  fill("date", day);
  fill("score", certificateText(record));
  issuer(page, isOptedOut(storage));
  const input = page.querySelector("[data-lmsctl-cert-input]");
  const show = () => {
    const name = (input ? input.value : "").trim();
    fill("name", name || text.noName);
    page.setAttribute("data-lmsctl-named", name ? "true" : "false");
  };
  if (input) {
    const kept = storage.get("certificate-name");
    if (typeof kept === "string" && !input.value) { input.value = kept; }
    input.addEventListener("input", () => { storage.set("certificate-name", input.value.trim()); show(); });
  }
  show();
  all("[data-lmsctl-print]", page).forEach((b) => {
    b.hidden = false;
    b.addEventListener("click", () => { win.print(); });
  });
}

/**
 * Wire the page's journey parts; returns show(byCourse), to call each time progress is shown
 * (byCourse: progress-view.js refresh()'s result). storage: the browser-only store
 * (openStorage); config: the page config; prefix: the site's storage prefix.
 */
export function setupJourney(hub, storage, config, win, prefix) {
  const scope = typeof config.scope === "string" && config.scope ? config.scope : "./";
  const context = pathContext(win, prefix);
  showCertificate(storage, win);
  return (byCourse) => {
    keepRecords(storage, hub, byCourse, config, new Date());
    showContinue(storage, hub, scope);
    showPathAction(byCourse, win, prefix);
    showResult(byCourse, config, context, scope);
  };
}
