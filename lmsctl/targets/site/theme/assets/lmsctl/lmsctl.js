/*
 * lmsctl: quizzes, progress and catalog filters of the learning site. No dependencies, no
 * network: everything is kept in the learner's browser (localStorage).
 *
 * Storage keys (stable; ids are the repository's ids, see DESIGN section 5):
 *   lmsctl:<site-path>:quiz:<course>/<lesson>/<question-key>  {"choices": [i, ...], "result": "correct"|"incorrect"}
 *   lmsctl:<site-path>:visited:<course>/<lesson>              true
 *   lmsctl:<site-path>:helpful:<course>/<lesson>              "yes"|"no"
 * <site-path> is the path the site is served under ("/" or e.g. "/learning/"); <question-key> is
 * the question's id: or q1, q2, ... by position in the lesson.
 *
 * Test hooks: a question's element has data-lmsctl-question, its button data-lmsctl-check, and
 * after a check (and after a reload) data-lmsctl-result="correct" or "incorrect".
 */
(function () {
  "use strict";

  var scope = "/";
  try {
    /* global __md_scope */
    if (typeof __md_scope !== "undefined") { scope = __md_scope.pathname; }
  } catch (e) { scope = "/"; }
  var PREFIX = "lmsctl:" + scope + ":";

  function storageKey(kind, parts) { return PREFIX + kind + ":" + parts.join("/"); }

  function read(key) {
    try {
      var value = window.localStorage.getItem(key);
      return value === null ? null : JSON.parse(value);
    } catch (e) { return null; }
  }

  function write(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full or off */ }
  }

  function words(text) { return (text || "").split(/\s+/).filter(Boolean); }

  function all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  function own(el, selector) {
    /* Descendants matching selector that belong to el, not to a nested progress element. */
    return all(selector, el).filter(function (x) {
      return x.closest("[data-lmsctl-pass-mark]") === el;
    });
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  /* -- progress ---------------------------------------------------------------------------- */

  function quizRecord(course, lesson, key) { return read(storageKey("quiz", [course, lesson, key])); }

  function lessonState(course, lesson, keys) {
    var right = 0, answered = 0;
    keys.forEach(function (k) {
      var r = quizRecord(course, lesson, k);
      if (r) { answered += 1; if (r.result === "correct") { right += 1; } }
    });
    var visited = !!read(storageKey("visited", [course, lesson]));
    if (keys.length ? right === keys.length : visited) { return "done"; }
    return (answered || visited) ? "started" : "not-started";
  }

  function courseProgress(el) {
    var course = el.getAttribute("data-lmsctl-course");
    var questions = words(el.getAttribute("data-lmsctl-questions"));
    var lessons = words(el.getAttribute("data-lmsctl-lessons"));
    var pass = parseInt(el.getAttribute("data-lmsctl-pass-mark"), 10) || 0;
    var right = 0, answered = 0;
    questions.forEach(function (q) {
      var at = q.indexOf("/");
      var r = quizRecord(course, q.slice(0, at), q.slice(at + 1));
      if (r) { answered += 1; if (r.result === "correct") { right += 1; } }
    });
    var visited = lessons.filter(function (l) { return !!read(storageKey("visited", [course, l])); }).length;
    var total = questions.length;
    var complete = total ? right * 100 >= pass * total : (lessons.length > 0 && visited === lessons.length);
    var state = complete ? "complete" : ((answered || visited) ? "in-progress" : "not-started");
    return { course: course, total: total, right: right, answered: answered, pass: pass,
             score: total ? Math.round(right * 100 / total) : 0, complete: complete, state: state };
  }

  function progressText(p) {
    if (p.complete) { return "Complete: " + p.right + " of " + plural(p.total, "question") + " right (" + p.score + "%)."; }
    if (p.state === "in-progress") {
      return "In progress: " + p.right + " of " + plural(p.total, "question") + " right (" + p.score +
        "%); " + p.pass + "% completes the course.";
    }
    return null;
  }

  function setBar(bar, value, max) {
    if (!bar) { return; }
    bar.setAttribute("aria-valuenow", String(value));
    bar.setAttribute("aria-valuemax", String(max));
    bar.setAttribute("aria-valuetext", value + " of " + max);
    var fill = bar.querySelector(".lmsctl-progress__bar");
    if (fill) { fill.style.width = (max ? Math.round(value * 100 / max) : 0) + "%"; }
  }

  function markLessons(el, course) {
    own(el, "[data-lmsctl-lesson][data-lmsctl-questions]").forEach(function (item) {
      var lesson = item.getAttribute("data-lmsctl-lesson");
      var state = lessonState(course, lesson, words(item.getAttribute("data-lmsctl-questions")));
      item.setAttribute("data-lmsctl-state", state);
      var mark = item.querySelector("[data-lmsctl-mark]");
      if (mark) { mark.textContent = state === "done" ? "\u2713" : (state === "started" ? "\u25D0" : ""); }
      var text = item.querySelector("[data-lmsctl-mark-text]");
      if (text) { text.textContent = state === "done" ? " (done)" : (state === "started" ? " (started)" : ""); }
    });
  }

  var progressByCourse = {};

  function refreshCourses() {
    progressByCourse = {};
    all("[data-lmsctl-course][data-lmsctl-pass-mark]").forEach(function (el) {
      var p = courseProgress(el);
      progressByCourse[p.course] = p;
      el.setAttribute("data-lmsctl-state", p.state);
      var text = progressText(p);
      own(el, "[data-lmsctl-progress]").forEach(function (slot) {
        if (text !== null) { slot.textContent = text; }
        else if (slot.hasAttribute("data-lmsctl-default")) { slot.textContent = slot.getAttribute("data-lmsctl-default"); }
        else if (!slot.classList.contains("lmsctl-course__status")) { slot.textContent = ""; }
      });
      own(el, "[data-lmsctl-progress-bar]").forEach(function (bar) { setBar(bar, p.right, p.total); });
      markLessons(el, p.course);
      own(el, "[data-lmsctl-start]").forEach(function (button) {
        if (p.state === "not-started") { return; }
        var next = own(el, ".lmsctl-lessons [data-lmsctl-lesson]").filter(function (li) {
          return li.getAttribute("data-lmsctl-state") !== "done";
        })[0];
        var link = next ? next.querySelector("a") : own(el, ".lmsctl-lessons a")[0];
        if (link) { button.setAttribute("href", link.getAttribute("href")); }
        button.textContent = p.complete ? "Review the course" : "Continue the course";
      });
    });
  }

  function refreshPaths() {
    all("[data-lmsctl-path][data-lmsctl-courses]").forEach(function (el) {
      var ids = words(el.getAttribute("data-lmsctl-courses"));
      var done = ids.filter(function (id) { return progressByCourse[id] && progressByCourse[id].complete; }).length;
      var started = ids.filter(function (id) { return progressByCourse[id] && progressByCourse[id].state !== "not-started"; }).length;
      el.setAttribute("data-lmsctl-state", ids.length && done === ids.length ? "complete" : (started ? "in-progress" : "not-started"));
      setBar(el.querySelector("[data-lmsctl-progress-bar]"), done, ids.length);
      var summary = el.querySelector("[data-lmsctl-path-summary]");
      if (summary) {
        summary.textContent = ids.length && done === ids.length
          ? "Path complete: all " + plural(ids.length, "required course") + " done."
          : done + " of " + plural(ids.length, "required course") + " complete.";
      }
    });
  }

  function refresh() { refreshCourses(); refreshPaths(); }

  /* -- quizzes ----------------------------------------------------------------------------- */

  function sameSet(a, b) {
    if (a.length !== b.length) { return false; }
    var sa = a.slice().sort(), sb = b.slice().sort();
    return sa.every(function (x, i) { return x === sb[i]; });
  }

  function setupQuestion(fs) {
    var course = fs.getAttribute("data-lmsctl-course");
    var lesson = fs.getAttribute("data-lmsctl-lesson");
    var key = storageKey("quiz", [course, lesson, fs.getAttribute("data-lmsctl-key")]);
    var correct = words(fs.getAttribute("data-lmsctl-correct")).map(Number);
    var multiple = fs.getAttribute("data-lmsctl-multiple") === "true";
    var inputs = all("input[type=radio], input[type=checkbox]", fs);
    var button = fs.querySelector("[data-lmsctl-check]");
    var feedback = fs.querySelector("[data-lmsctl-feedback]");

    function show(selected, result) {
      fs.setAttribute("data-lmsctl-result", result);
      all("[data-lmsctl-choice]", fs).forEach(function (li) {
        var index = Number(li.getAttribute("data-lmsctl-choice"));
        var explanation = li.querySelector("[data-lmsctl-explanation]");
        var chosen = selected.indexOf(index) >= 0;
        var right = correct.indexOf(index) >= 0;
        if (chosen) {
          li.setAttribute("data-lmsctl-verdict", right ? "right" : "wrong");
        } else {
          li.removeAttribute("data-lmsctl-verdict");
        }
        if (!explanation) { return; }
        explanation.hidden = !chosen;
        var verdict = explanation.querySelector(".lmsctl-explanation__verdict");
        var text = explanation.querySelector(".lmsctl-explanation__text");
        if (verdict) { verdict.textContent = right ? "Right." : "Not right."; }
        if (text && !text.textContent.trim()) {
          text.textContent = right ? "This is a right answer." : "This is not a right answer.";
        }
      });
      if (feedback) {
        var summary = result === "correct"
          ? "Correct!"
          : (multiple ? "Not quite: check each choice you picked, then try again."
                      : "Not quite: read the explanation, then try again.");
        /* Screen readers hear the explanations too (they are shown beside each choice), and a
           second check of the same answer is announced again: the region is emptied first. */
        var spoken = [];
        all("[data-lmsctl-choice]", fs).forEach(function (li) {
          var index = Number(li.getAttribute("data-lmsctl-choice"));
          if (selected.indexOf(index) < 0) { return; }
          var label = li.querySelector("label");
          var explanation = li.querySelector("[data-lmsctl-explanation]");
          spoken.push((label ? label.textContent.trim() + ": " : "") +
                      (explanation ? explanation.textContent.trim() : ""));
        });
        feedback.textContent = "";
        window.setTimeout(function () {
          feedback.textContent = summary;
          if (spoken.length) {
            var extra = document.createElement("span");
            extra.className = "lmsctl-visually-hidden";
            extra.setAttribute("data-lmsctl-spoken", "");
            extra.textContent = " " + spoken.join(" ");
            feedback.appendChild(extra);
          }
        }, 50);
      }
    }

    if (button) {
      button.addEventListener("click", function () {
        var selected = inputs.filter(function (i) { return i.checked; }).map(function (i) { return Number(i.value); });
        if (!selected.length) {
          if (feedback) { feedback.textContent = multiple ? "Choose at least one answer first." : "Choose an answer first."; }
          return;
        }
        var result = sameSet(selected, correct) ? "correct" : "incorrect";
        write(key, { choices: selected, result: result });
        show(selected, result);
        refresh();
      });
    }

    var saved = read(key);
    if (saved && Array.isArray(saved.choices) && (saved.result === "correct" || saved.result === "incorrect")) {
      var valid = saved.choices.every(function (i) { return typeof i === "number" && i >= 0 && i < inputs.length; });
      if (valid) {
        inputs.forEach(function (input) { input.checked = saved.choices.indexOf(Number(input.value)) >= 0; });
        var regraded = sameSet(saved.choices, correct) ? "correct" : "incorrect";
        /* The right answer may have changed since: keep the new grade, so that course, catalog
           and path progress (read from storage) agree with what the lesson shows. */
        if (regraded !== saved.result) { write(key, { choices: saved.choices, result: regraded }); }
        show(saved.choices, regraded);
      }
    }
  }

  /* -- lesson pages: visited, "Was this helpful?" ------------------------------------------- */

  function setupLesson() {
    var head = document.querySelector(".lmsctl-lesson-head[data-lmsctl-course][data-lmsctl-lesson]");
    if (head) {
      write(storageKey("visited", [head.getAttribute("data-lmsctl-course"), head.getAttribute("data-lmsctl-lesson")]), true);
    }
    all(".lmsctl-lesson-foot[data-lmsctl-course]").forEach(function (foot) {
      var key = storageKey("helpful", [foot.getAttribute("data-lmsctl-course"), foot.getAttribute("data-lmsctl-lesson")]);
      var buttons = all("[data-lmsctl-helpful-answer]", foot);
      var thanks = foot.querySelector("[data-lmsctl-helpful-thanks]");
      var question = foot.querySelector("[data-lmsctl-feedback-link=question]");
      function show(answer) {
        buttons.forEach(function (b) {
          b.setAttribute("aria-pressed", b.getAttribute("data-lmsctl-helpful-answer") === answer ? "true" : "false");
        });
        var container = foot.querySelector("[data-lmsctl-helpful]");
        if (container) { container.setAttribute("data-lmsctl-answer", answer); }
        if (!thanks) { return; }
        thanks.textContent = answer === "yes" ? "Thanks! Glad it helped. " : "Thanks for telling us. ";
        if (answer === "no" && question) {
          var a = document.createElement("a");
          a.href = question.href;
          a.target = "_blank";
          a.rel = "noopener";
          a.textContent = "Tell the owners what was missing";
          thanks.appendChild(a);
        }
      }
      buttons.forEach(function (b) {
        b.addEventListener("click", function () {
          var answer = b.getAttribute("data-lmsctl-helpful-answer");
          write(key, answer);
          show(answer);
        });
      });
      var saved = read(key);
      if (saved === "yes" || saved === "no") { show(saved); }
    });
  }

  /* -- catalog filters --------------------------------------------------------------------- */

  function inRange(minutes, range) {
    var parts = range.split("-");
    var low = parseInt(parts[0], 10) || 0;
    var high = parts[1] === "" || parts[1] === undefined ? Infinity : parseInt(parts[1], 10);
    return minutes >= low && minutes <= high;
  }

  function setupCatalog() {
    var catalog = document.querySelector("[data-lmsctl-catalog]");
    if (!catalog) { return; }
    var cards = all("[data-lmsctl-card]", catalog);
    var selects = all("select[data-lmsctl-filter]");
    var count = document.querySelector("[data-lmsctl-count]");
    var empty = document.querySelector("[data-lmsctl-empty]");
    var params = new URLSearchParams(window.location.search);

    function apply(updateUrl) {
      var f = {};
      var active = 0;
      selects.forEach(function (s) { f[s.getAttribute("data-lmsctl-filter")] = s.value; if (s.value) { active += 1; } });
      var shown = 0;
      cards.forEach(function (card) {
        var ok = (!f.skill || words(card.getAttribute("data-lmsctl-skills")).indexOf(f.skill) >= 0) &&
          (!f.level || card.getAttribute("data-lmsctl-level") === f.level) &&
          (!f.role || words(card.getAttribute("data-lmsctl-audience")).indexOf(f.role) >= 0) &&
          (!f.duration || inRange(Number(card.getAttribute("data-lmsctl-duration")), f.duration)) &&
          (!f.progress || card.getAttribute("data-lmsctl-state") === f.progress);
        card.hidden = !ok;
        if (ok) { shown += 1; }
      });
      if (count) {
        count.textContent = active ? shown + " of " + plural(cards.length, "course") + " match" : plural(cards.length, "course");
      }
      if (empty) { empty.hidden = shown > 0; }
      if (updateUrl && window.history && window.history.replaceState) {
        var q = new URLSearchParams();
        selects.forEach(function (s) { if (s.value) { q.set(s.getAttribute("data-lmsctl-filter"), s.value); } });
        var search = q.toString();
        window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : "") + window.location.hash);
      }
    }

    selects.forEach(function (s) {
      var wanted = params.get(s.getAttribute("data-lmsctl-filter"));
      if (wanted !== null && all("option", s).some(function (o) { return o.value === wanted; })) { s.value = wanted; }
      s.addEventListener("change", function () { apply(true); });
    });
    all("[data-lmsctl-clear]").forEach(function (b) {
      b.addEventListener("click", function () { selects.forEach(function (s) { s.value = ""; }); apply(true); });
    });
    apply(false);
  }

  function init() {
    setupLesson();
    all("[data-lmsctl-question]").forEach(setupQuestion);
    refresh();
    setupCatalog();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  /* Progress made in another tab shows here too. */
  window.addEventListener("storage", function (event) {
    if (event.key && event.key.indexOf(PREFIX) === 0) { refresh(); }
  });
})();
