/*
 * progress-view: shows progress wherever the page has a course's facts (course page, lesson
 * navigation, catalog cards, path steps) or a path's (path page and cards), by THE rules of
 * progress.js over the learner's state. When a course is first seen passed, or a path
 * complete, it records "passed" / "completed" once (kept as "passed:<course>" and
 * "completed:<path>").
 */
import { all, own, words } from "./dom.js";
import { courseProgress, lessonState, pathProgress } from "./progress.js";
import { courseProgressText, pathSummary, text } from "./messages.js";

/** The facts of a course from an element with data-lmsctl-pass-mark (see the templates). */
export function courseFacts(el) {
  return {
    id: el.getAttribute("data-lmsctl-course"),
    questions: words(el.getAttribute("data-lmsctl-questions")),
    lessons: words(el.getAttribute("data-lmsctl-lessons")),
    passMark: parseInt(el.getAttribute("data-lmsctl-pass-mark"), 10) || 0,
  };
}

function readers(hub, course) {
  return {
    quiz: (lesson, key) => hub.load("quiz:" + course + "/" + lesson + "/" + key),
    visited: (lesson) => !!hub.load("visited:" + course + "/" + lesson),
  };
}

/** The progress of a course (progress.js courseProgress) from the learner's state in hub. */
export function progressOf(hub, facts) {
  const r = readers(hub, facts.id);
  return courseProgress(facts, r.quiz, r.visited);
}

function setBar(bar, value, max) {
  if (!bar) { return; }
  bar.setAttribute("aria-valuenow", String(value));
  bar.setAttribute("aria-valuemax", String(max));
  bar.setAttribute("aria-valuetext", value + " of " + max);
  const fill = bar.querySelector(".lmsctl-progress__bar");
  if (fill) { fill.style.width = (max ? Math.round(value * 100 / max) : 0) + "%"; }
}

function markLessons(el, hub, course) {
  const r = readers(hub, course);
  own(el, "[data-lmsctl-lesson][data-lmsctl-questions]").forEach((item) => {
    const lesson = item.getAttribute("data-lmsctl-lesson");
    const records = words(item.getAttribute("data-lmsctl-questions")).map((k) => r.quiz(lesson, k));
    const state = lessonState(records, r.visited(lesson));
    item.setAttribute("data-lmsctl-state", state);
    const mark = item.querySelector("[data-lmsctl-mark]");
    if (mark) { mark.textContent = state === "done" ? "\u2713" : (state === "started" ? "\u25D0" : ""); }
    const label = item.querySelector("[data-lmsctl-mark-text]");
    if (label) { label.textContent = state === "done" ? text.done : (state === "started" ? text.started : ""); }
  });
}

/** Record "passed" the first time a course is seen passed by a learner who has been in it (a
 * pass mark of 0 makes a course "complete" before anything is done; that is not a pass). */
export function notePassed(hub, p) {
  if (!p.complete || !(p.answered || p.visited) || hub.load("passed:" + p.course)) { return; }
  hub.save("passed:" + p.course, true);
  const score = p.total ? { raw: p.right, min: 0, max: p.total, scaled: p.scaled } : null;
  hub.record({ verb: "passed", course: p.course, score, passMark: p.pass });
}

function refreshCourses(hub) {
  const byCourse = {};
  all("[data-lmsctl-course][data-lmsctl-pass-mark]").forEach((el) => {
    const p = progressOf(hub, courseFacts(el));
    byCourse[p.course] = p;
    notePassed(hub, p);
    el.setAttribute("data-lmsctl-state", p.state);
    const message = courseProgressText(p);
    own(el, "[data-lmsctl-progress]").forEach((slot) => {
      if (message !== null) { slot.textContent = message; }
      else if (slot.hasAttribute("data-lmsctl-default")) { slot.textContent = slot.getAttribute("data-lmsctl-default"); }
      else if (!slot.classList.contains("lmsctl-course__status")) { slot.textContent = ""; }
    });
    own(el, "[data-lmsctl-progress-bar]").forEach((bar) => { setBar(bar, p.right, p.total); });
    markLessons(el, hub, p.course);
    own(el, "[data-lmsctl-start]").forEach((button) => {
      if (p.state === "not-started") { return; }
      const next = own(el, ".lmsctl-lessons [data-lmsctl-lesson]").filter(
        (li) => li.getAttribute("data-lmsctl-state") !== "done")[0];
      const link = next ? next.querySelector("a") : own(el, ".lmsctl-lessons a")[0];
      if (link) { button.setAttribute("href", link.getAttribute("href")); }
      button.textContent = p.complete ? text.reviewCourse : text.continueCourse;
    });
  });
  return byCourse;
}

function refreshPaths(hub, byCourse) {
  all("[data-lmsctl-path][data-lmsctl-courses]").forEach((el) => {
    const ids = words(el.getAttribute("data-lmsctl-courses"));
    const p = pathProgress(ids, byCourse);
    el.setAttribute("data-lmsctl-state", p.state);
    setBar(el.querySelector("[data-lmsctl-progress-bar]"), p.done, p.total);
    const summary = el.querySelector("[data-lmsctl-path-summary]");
    if (summary) { summary.textContent = pathSummary(p.done, p.total); }
    if (p.complete) { notePath(hub, el.getAttribute("data-lmsctl-path")); }
  });
}

function notePath(hub, path) {
  if (!path || hub.load("completed:" + path)) { return; }
  hub.save("completed:" + path, true);
  hub.record({ verb: "completed", path });
}

/**
 * Paths the page config names with their required courses ({id, courses}): recorded
 * "completed" once every required course has been recorded passed (on any page).
 */
function pathsOfConfig(hub, paths) {
  (paths || []).forEach((p) => {
    if (!p || typeof p !== "object" || !Array.isArray(p.courses) || !p.courses.length) { return; }
    if (p.courses.every((c) => hub.load("passed:" + c))) { notePath(hub, p.id); }
  });
}

/** Show progress everywhere on the page; returns the courses' progress by id. */
export function refresh(hub, paths) {
  const byCourse = refreshCourses(hub);
  refreshPaths(hub, byCourse);
  pathsOfConfig(hub, paths);
  return byCourse;
}
