/* Generated from lmsctl/runtime/main.js by scripts/bundle-runtime.mjs (make runtime-bundle); do not edit. The runtime every page loads. */
(() => {
  // lmsctl/runtime/config.js
  function readConfig(doc) {
    const el = doc.getElementById("lmsctl-config");
    if (!el) {
      return {};
    }
    try {
      const value = JSON.parse(el.textContent || "{}");
      return value && typeof value === "object" && !Array.isArray(value) ? value : {};
    } catch (e) {
      return {};
    }
  }

  // lmsctl/runtime/dom.js
  function words(text2) {
    return (text2 || "").split(/\s+/).filter(Boolean);
  }
  function all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }
  function own(el, selector) {
    return all(selector, el).filter((x) => x.closest("[data-lmsctl-pass-mark]") === el);
  }

  // lmsctl/runtime/recorder.js
  function quietly(fn) {
    try {
      return fn();
    } catch (e) {
      return void 0;
    }
  }
  function createHub(store, options) {
    const reporters = [];
    let buffered = options && options.waitForReporters ? [] : null;
    function deliver(event) {
      for (const r of reporters) {
        quietly(() => r.record(event));
      }
    }
    return {
      store,
      load(key) {
        return quietly(() => store.load(key)) ?? null;
      },
      save(key, value) {
        quietly(() => store.save(key, value));
      },
      record(event) {
        quietly(() => store.record(event));
        if (buffered) {
          buffered.push(Object.assign({ at: Date.now() }, event));
        } else {
          deliver(event);
        }
      },
      flush() {
        quietly(() => store.flush());
        for (const r of reporters) {
          quietly(() => r.flush());
        }
        if (buffered && buffered.length && options && options.keep) {
          quietly(() => options.keep(buffered.splice(0)));
        }
      },
      /** Add a reporter (any recorder): it gets every event from now on. */
      addReporter(reporter) {
        if (reporter) {
          reporters.push(reporter);
        }
      },
      /** Reporters are loaded (or failed to load): hand over the events kept by an earlier
       * page (`earlier`), then the buffered ones. */
      ready(earlier) {
        const pending = (earlier || []).concat(buffered || []);
        buffered = null;
        pending.forEach(deliver);
      },
      reporters
    };
  }

  // lmsctl/runtime/storage.js
  function prefixFor(scope2) {
    return "lmsctl:" + scope2 + ":";
  }
  function siteScope(global) {
    try {
      if (global && global.__md_scope) {
        return global.__md_scope.pathname;
      }
    } catch (e) {
    }
    return "/";
  }
  function scopeOf(scope2, global) {
    if (typeof scope2 === "string" && scope2) {
      try {
        return new URL(scope2, global.location.href).pathname;
      } catch (e) {
      }
    }
    return siteScope(global);
  }
  function openStorage(prefix2, backend2) {
    function get(key) {
      try {
        const value = backend2.getItem(prefix2 + key);
        return value === null ? null : JSON.parse(value);
      } catch (e) {
        return null;
      }
    }
    function set(key, value) {
      try {
        backend2.setItem(prefix2 + key, JSON.stringify(value));
        return true;
      } catch (e) {
        return false;
      }
    }
    function remove(key) {
      try {
        backend2.removeItem(prefix2 + key);
      } catch (e) {
      }
    }
    return { prefix: prefix2, get, set, remove };
  }
  function localStorageOf(global) {
    try {
      return global.localStorage || null;
    } catch (e) {
      return null;
    }
  }

  // lmsctl/runtime/recorders/local.js
  function localRecorder(prefix2, backend2) {
    const storage = openStorage(prefix2, backend2);
    return {
      name: "local",
      load(key) {
        return storage.get(key);
      },
      save(key, value) {
        storage.set(key, value);
      },
      record() {
      },
      flush() {
      }
    };
  }

  // lmsctl/runtime/progress.js
  function grade(selected, correct) {
    if (selected.length !== correct.length) {
      return "incorrect";
    }
    const a = selected.slice().sort(), b = correct.slice().sort();
    return a.every((x, i) => x === b[i]) ? "correct" : "incorrect";
  }
  function courseScore(questions, records) {
    let right = 0, answered = 0;
    for (const q of questions) {
      const r = records[q];
      if (r) {
        answered += 1;
        if (r.result === "correct") {
          right += 1;
        }
      }
    }
    const total = questions.length;
    return {
      right,
      answered,
      total,
      percent: total ? Math.round(right * 100 / total) : 0,
      scaled: total ? right / total : 0
    };
  }
  function isCoursePassed(score, passMark, lessons) {
    if (score.total > 0) {
      return score.right * 100 >= passMark * score.total;
    }
    return lessons.total > 0 && lessons.visited === lessons.total;
  }
  function courseState(score, passed, lessonsVisited) {
    if (passed) {
      return "complete";
    }
    return score.answered || lessonsVisited ? "in-progress" : "not-started";
  }
  function courseProgress(course, quiz, visited) {
    const records = {};
    for (const q of course.questions) {
      const at = q.indexOf("/");
      records[q] = quiz(q.slice(0, at), q.slice(at + 1));
    }
    const score = courseScore(course.questions, records);
    const seen = course.lessons.filter((l) => visited(l)).length;
    const complete = isCoursePassed(score, course.passMark, { visited: seen, total: course.lessons.length });
    return {
      course: course.id,
      total: score.total,
      right: score.right,
      answered: score.answered,
      visited: seen,
      pass: course.passMark,
      score: score.percent,
      scaled: score.scaled,
      complete,
      state: courseState(score, complete, seen)
    };
  }
  function lessonState(records, visited) {
    const right = records.filter((r) => r && r.result === "correct").length;
    const answered = records.filter((r) => r).length;
    if (records.length ? right === records.length : visited) {
      return "done";
    }
    return answered || visited ? "started" : "not-started";
  }
  function pathProgress(courseIds, progressByCourse) {
    const done = courseIds.filter((id) => progressByCourse[id] && progressByCourse[id].complete).length;
    const started = courseIds.filter((id) => progressByCourse[id] && progressByCourse[id].state !== "not-started").length;
    const complete = courseIds.length > 0 && done === courseIds.length;
    return {
      done,
      total: courseIds.length,
      complete,
      state: complete ? "complete" : started ? "in-progress" : "not-started"
    };
  }

  // lmsctl/runtime/messages.js
  var _ = (msgid) => msgid;
  var ngettext = (singular, plural2) => [singular, plural2];
  var MESSAGES = {
    correct: _("Correct!"),
    notQuiteMany: _("Not quite: check each choice you picked, then try again."),
    notQuiteOne: _("Not quite: read the explanation, then try again."),
    chooseMany: _("Choose at least one answer first."),
    chooseOne: _("Choose an answer first."),
    right: _("Right."),
    notRight: _("Not right."),
    rightAnswer: _("This is a right answer."),
    notRightAnswer: _("This is not a right answer."),
    done: _(" (done)"),
    started: _(" (started)"),
    reviewCourse: _("Review the course"),
    continueCourse: _("Continue the course"),
    thanksYes: _("Thanks! Glad it helped. "),
    thanksNo: _("Thanks for telling us. "),
    tellOwners: _("Tell the owners what was missing"),
    /* Where a vote goes (the thanks text says it truthfully). */
    keptHere: _("Your answer is kept in this browser only. "),
    sentToRecords: _("Your answer is sent with your learning records. "),
    courseComplete: ngettext(
      "Complete: %(right)d of %(num)d question right (%(score)d%%).",
      "Complete: %(right)d of %(num)d questions right (%(score)d%%)."
    ),
    courseInProgress: ngettext(
      "In progress: %(right)d of %(num)d question right (%(score)d%%); %(pass)d%% completes the course.",
      "In progress: %(right)d of %(num)d questions right (%(score)d%%); %(pass)d%% completes the course."
    ),
    pathComplete: ngettext(
      "Path complete: all %(num)d required course done.",
      "Path complete: all %(num)d required courses done."
    ),
    pathProgress: ngettext(
      "%(done)d of %(num)d required course complete.",
      "%(done)d of %(num)d required courses complete."
    ),
    catalogMatch: ngettext("%(shown)d of %(num)d course match", "%(shown)d of %(num)d courses match"),
    catalogAll: ngettext("%(num)d course", "%(num)d courses"),
    /* The course result, the path page's action and the certificate (journey.js). */
    nextCourse: _("Next course: "),
    pathDone: _("Path complete: back to "),
    findNext: _("Find your next course"),
    noName: _("Your name"),
    inProgress: _("In progress"),
    reviewPath: _("Review the path"),
    continueStep: _("Continue: %(title)s"),
    startStep: _("Start: %(title)s"),
    passedRead: _("You passed: you have read every lesson."),
    notPassedRead: _("Not passed yet: read every lesson to complete the course."),
    passedScore: ngettext(
      "You passed: %(right)d of %(num)d question right (%(score)d%%); the pass mark is %(pass)d%%.",
      "You passed: %(right)d of %(num)d questions right (%(score)d%%); the pass mark is %(pass)d%%."
    ),
    notPassedScore: ngettext(
      "Not passed yet: %(right)d of %(num)d question right (%(score)d%%); the pass mark is %(pass)d%%. Check your answers in the lessons not yet done, then come back.",
      "Not passed yet: %(right)d of %(num)d questions right (%(score)d%%); the pass mark is %(pass)d%%. Check your answers in the lessons not yet done, then come back."
    ),
    continueScore: ngettext(
      "%(right)d of %(num)d question right (%(score)d%%)",
      "%(right)d of %(num)d questions right (%(score)d%%)"
    ),
    certificateScore: ngettext(
      "with a score of %(score)d%% (%(right)d of %(num)d question right; pass mark %(pass)d%%)",
      "with a score of %(score)d%% (%(right)d of %(num)d questions right; pass mark %(pass)d%%)"
    ),
    certificateRead: _("by reading every lesson")
  };
  var englishPlural = (n) => n === 1 ? 0 : 1;
  var translated = {};
  var pluralIndex = englishPlural;
  var text = {};
  function lookup(msgid) {
    const found = translated[msgid];
    return typeof found === "string" && found ? found : msgid;
  }
  function refreshText() {
    for (const [name, msgid] of Object.entries(MESSAGES)) {
      if (typeof msgid === "string") {
        text[name] = lookup(msgid);
      }
    }
  }
  refreshText();
  function useTranslations(messages, pluralForms) {
    translated = messages && typeof messages === "object" && !Array.isArray(messages) ? messages : {};
    pluralIndex = Array.isArray(pluralForms) && pluralForms.length === 200 ? (n) => pluralForms[n >= 0 && n < 200 ? n : 100 + Math.abs(n) % 100] : englishPlural;
    refreshText();
  }
  function format(template, values) {
    return template.replace(/%(?:\((\w+)\)[ds]|%)/g, (all2, name) => name === void 0 ? "%" : name in values ? String(values[name]) : all2);
  }
  function plural(name, n, values) {
    const [singular, pluralText] = MESSAGES[name];
    const forms = translated[singular];
    const form = Array.isArray(forms) ? forms[pluralIndex(n)] : null;
    const chosen = typeof form === "string" && form ? form : n === 1 ? singular : pluralText;
    return format(chosen, Object.assign({ num: n }, values || {}));
  }
  function courseProgressText(p) {
    if (p.complete) {
      return plural("courseComplete", p.total, { right: p.right, score: p.score });
    }
    if (p.state === "in-progress") {
      return plural("courseInProgress", p.total, { right: p.right, score: p.score, pass: p.pass });
    }
    return null;
  }
  function pathSummary(done, total) {
    return total && done === total ? plural("pathComplete", total) : plural("pathProgress", total, { done });
  }
  function catalogCount(shown, total, active) {
    return active ? plural("catalogMatch", total, { shown }) : plural("catalogAll", total);
  }
  function resultText(p) {
    const values = { right: p.right, score: p.score, pass: p.pass };
    if (p.complete) {
      return p.total ? plural("passedScore", p.total, values) : text.passedRead;
    }
    return p.total ? plural("notPassedScore", p.total, values) : text.notPassedRead;
  }
  function pathActionText(kind, title) {
    if (kind === "continue") {
      return format(lookup(MESSAGES.continueStep), { title });
    }
    if (kind === "review") {
      return text.reviewPath;
    }
    return format(lookup(MESSAGES.startStep), { title });
  }
  function continueText(e) {
    return e.total ? plural("continueScore", e.total, { right: e.right, score: e.score }) : text.inProgress;
  }
  function certificateText(r) {
    return r.total ? plural("certificateScore", r.total, { right: r.right, score: r.score, pass: r.pass }) : text.certificateRead;
  }

  // lmsctl/runtime/shuffle.js
  function hash(text2) {
    let h = 2166136261;
    for (let i = 0; i < text2.length; i++) {
      h ^= text2.charCodeAt(i);
      h = Math.imul(h, 16777619);
    }
    h ^= h >>> 16;
    h = Math.imul(h, 2246822507);
    h ^= h >>> 13;
    return h >>> 0;
  }
  function prng(seed) {
    let a = seed >>> 0;
    return function() {
      a = a + 1831565813 >>> 0;
      let t = a;
      t = Math.imul(t ^ t >>> 15, t | 1);
      t ^= t + Math.imul(t ^ t >>> 7, t | 61);
      return ((t ^ t >>> 14) >>> 0) / 4294967296;
    };
  }
  function displayOrder(n, seed) {
    const order = Array.from({ length: n }, (_2, i) => i);
    const random = prng(hash(seed));
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
  function shuffleChoices(fs, learner, questionId) {
    const list = fs.querySelector(".lmsctl-choices");
    if (!list) {
      return;
    }
    const items = Array.prototype.slice.call(list.children).filter((li) => li.hasAttribute("data-lmsctl-choice"));
    const byIndex = {};
    items.forEach((li) => {
      byIndex[li.getAttribute("data-lmsctl-choice")] = li;
    });
    displayOrder(items.length, learner + " " + questionId).forEach((i) => {
      const li = byIndex[String(i)];
      if (li) {
        list.appendChild(li);
      }
    });
    fs.setAttribute("data-lmsctl-shuffled", "true");
  }

  // lmsctl/runtime/quiz.js
  function readQuestion(fs) {
    const choices = all("[data-lmsctl-choice]", fs).map((li) => {
      const index = Number(li.getAttribute("data-lmsctl-choice"));
      const label = li.querySelector("label");
      return {
        index,
        id: li.getAttribute("data-lmsctl-choice-id") || "c" + (index + 1),
        text: label ? label.textContent.trim() : ""
      };
    }).sort((a, b) => a.index - b.index);
    return {
      course: fs.getAttribute("data-lmsctl-course"),
      lesson: fs.getAttribute("data-lmsctl-lesson"),
      key: fs.getAttribute("data-lmsctl-key") || fs.getAttribute("data-lmsctl-question"),
      version: fs.getAttribute("data-lmsctl-version") || "",
      text: ((fs.querySelector(".lmsctl-question__text") || {}).textContent || "").trim(),
      multiple: fs.getAttribute("data-lmsctl-multiple") === "true",
      correct: words(fs.getAttribute("data-lmsctl-correct")).map(Number),
      choices
    };
  }
  function choiceIds(question, indexes) {
    return indexes.map((i) => {
      const c = question.choices.find((x) => x.index === i);
      return c ? c.id : "c" + (i + 1);
    });
  }
  function setupQuestion(fs, hub, changed, learner) {
    const q = readQuestion(fs);
    const id = [q.course, q.lesson, q.key].join("/");
    if (learner) {
      shuffleChoices(fs, learner, id);
    }
    const key = "quiz:" + id;
    const inputs = all("input[type=radio], input[type=checkbox]", fs);
    const button = fs.querySelector("[data-lmsctl-check]");
    const feedback = fs.querySelector("[data-lmsctl-feedback]");
    function show(selected, result) {
      fs.setAttribute("data-lmsctl-result", result);
      all("[data-lmsctl-choice]", fs).forEach((li) => {
        const index = Number(li.getAttribute("data-lmsctl-choice"));
        const explanation = li.querySelector("[data-lmsctl-explanation]");
        const chosen = selected.indexOf(index) >= 0;
        const right = q.correct.indexOf(index) >= 0;
        if (chosen) {
          li.setAttribute("data-lmsctl-verdict", right ? "right" : "wrong");
        } else {
          li.removeAttribute("data-lmsctl-verdict");
        }
        if (!explanation) {
          return;
        }
        explanation.hidden = !chosen;
        const verdict = explanation.querySelector(".lmsctl-explanation__verdict");
        const expl = explanation.querySelector(".lmsctl-explanation__text");
        if (verdict) {
          verdict.textContent = right ? text.right : text.notRight;
        }
        if (expl && !expl.textContent.trim()) {
          expl.textContent = right ? text.rightAnswer : text.notRightAnswer;
        }
      });
      if (!feedback) {
        return;
      }
      const summary = result === "correct" ? text.correct : q.multiple ? text.notQuiteMany : text.notQuiteOne;
      const spoken = [];
      all("[data-lmsctl-choice]", fs).forEach((li) => {
        const index = Number(li.getAttribute("data-lmsctl-choice"));
        if (selected.indexOf(index) < 0) {
          return;
        }
        const label = li.querySelector("label");
        const explanation = li.querySelector("[data-lmsctl-explanation]");
        spoken.push((label ? label.textContent.trim() + ": " : "") + (explanation ? explanation.textContent.trim() : ""));
      });
      feedback.textContent = "";
      window.setTimeout(() => {
        feedback.textContent = summary;
        if (spoken.length) {
          const extra = document.createElement("span");
          extra.className = "lmsctl-visually-hidden";
          extra.setAttribute("data-lmsctl-spoken", "");
          extra.textContent = " " + spoken.join(" ");
          feedback.appendChild(extra);
        }
      }, 50);
    }
    if (button) {
      button.addEventListener("click", () => {
        const selected = inputs.filter((i) => i.checked).map((i) => Number(i.value));
        if (!selected.length) {
          if (feedback) {
            feedback.textContent = q.multiple ? text.chooseMany : text.chooseOne;
          }
          return;
        }
        const result = grade(selected, q.correct);
        hub.save(key, { choices: selected, result });
        const attempt = (Number(hub.load("attempts:" + id)) || 0) + 1;
        hub.save("attempts:" + id, attempt);
        show(selected, result);
        hub.record({
          verb: "answered",
          course: q.course,
          lesson: q.lesson,
          question: q.key,
          version: q.version,
          text: q.text,
          choices: q.choices.map((c) => ({ id: c.id, text: c.text })),
          // ids in authored order, whatever order the learner saw them in
          correct: choiceIds(q, q.correct),
          response: choiceIds(q, [...selected].sort((a, b) => a - b)),
          success: result === "correct",
          attempt
        });
        changed();
      });
    }
    const saved = hub.load(key);
    if (saved && Array.isArray(saved.choices) && (saved.result === "correct" || saved.result === "incorrect")) {
      const valid = saved.choices.every((i) => typeof i === "number" && i >= 0 && i < inputs.length);
      if (valid) {
        inputs.forEach((input) => {
          input.checked = saved.choices.indexOf(Number(input.value)) >= 0;
        });
        const regraded = grade(saved.choices, q.correct);
        if (regraded !== saved.result) {
          hub.save(key, { choices: saved.choices, result: regraded });
        }
        show(saved.choices, regraded);
      }
    }
  }

  // lmsctl/runtime/progress-view.js
  function courseFacts(el) {
    return {
      id: el.getAttribute("data-lmsctl-course"),
      questions: words(el.getAttribute("data-lmsctl-questions")),
      lessons: words(el.getAttribute("data-lmsctl-lessons")),
      passMark: parseInt(el.getAttribute("data-lmsctl-pass-mark"), 10) || 0
    };
  }
  function readers(hub, course) {
    return {
      quiz: (lesson, key) => hub.load("quiz:" + course + "/" + lesson + "/" + key),
      visited: (lesson) => !!hub.load("visited:" + course + "/" + lesson)
    };
  }
  function progressOf(hub, facts) {
    const r = readers(hub, facts.id);
    return courseProgress(facts, r.quiz, r.visited);
  }
  function setBar(bar, value, max) {
    if (!bar) {
      return;
    }
    bar.setAttribute("aria-valuenow", String(value));
    bar.setAttribute("aria-valuemax", String(max));
    bar.setAttribute("aria-valuetext", value + " of " + max);
    const fill = bar.querySelector(".lmsctl-progress__bar");
    if (fill) {
      fill.style.width = (max ? Math.round(value * 100 / max) : 0) + "%";
    }
  }
  function markLessons(el, hub, course) {
    const r = readers(hub, course);
    own(el, "[data-lmsctl-lesson][data-lmsctl-questions]").forEach((item) => {
      const lesson = item.getAttribute("data-lmsctl-lesson");
      const records = words(item.getAttribute("data-lmsctl-questions")).map((k) => r.quiz(lesson, k));
      const state = lessonState(records, r.visited(lesson));
      item.setAttribute("data-lmsctl-state", state);
      const mark2 = item.querySelector("[data-lmsctl-mark]");
      if (mark2) {
        mark2.textContent = state === "done" ? "✓" : state === "started" ? "◐" : "";
      }
      const label = item.querySelector("[data-lmsctl-mark-text]");
      if (label) {
        label.textContent = state === "done" ? text.done : state === "started" ? text.started : "";
      }
    });
  }
  function notePassed(hub, p) {
    if (!p.complete || !(p.answered || p.visited) || hub.load("passed:" + p.course)) {
      return;
    }
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
        if (message !== null) {
          slot.textContent = message;
        } else if (slot.hasAttribute("data-lmsctl-default")) {
          slot.textContent = slot.getAttribute("data-lmsctl-default");
        } else if (!slot.classList.contains("lmsctl-course__status")) {
          slot.textContent = "";
        }
      });
      own(el, "[data-lmsctl-progress-bar]").forEach((bar) => {
        setBar(bar, p.right, p.total);
      });
      markLessons(el, hub, p.course);
      own(el, "[data-lmsctl-start]").forEach((button) => {
        if (p.state === "not-started") {
          return;
        }
        const next = own(el, ".lmsctl-lessons [data-lmsctl-lesson]").filter(
          (li) => li.getAttribute("data-lmsctl-state") !== "done"
        )[0];
        const link2 = next ? next.querySelector("a") : own(el, ".lmsctl-lessons a")[0];
        if (link2) {
          button.setAttribute("href", link2.getAttribute("href"));
        }
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
      if (summary) {
        summary.textContent = pathSummary(p.done, p.total);
      }
      if (p.complete) {
        notePath(hub, el.getAttribute("data-lmsctl-path"));
      }
    });
  }
  function notePath(hub, path) {
    if (!path || hub.load("completed:" + path)) {
      return;
    }
    hub.save("completed:" + path, true);
    hub.record({ verb: "completed", path });
  }
  function pathsOfConfig(hub, paths) {
    (paths || []).forEach((p) => {
      if (!p || typeof p !== "object" || !Array.isArray(p.courses) || !p.courses.length) {
        return;
      }
      if (p.courses.every((c) => hub.load("passed:" + c))) {
        notePath(hub, p.id);
      }
    });
  }
  function refresh(hub, paths) {
    const byCourse = refreshCourses(hub);
    refreshPaths(hub, byCourse);
    pathsOfConfig(hub, paths);
    return byCourse;
  }

  // lmsctl/runtime/feedback.js
  function setupFeedback(hub, where, version) {
    all(".lmsctl-lesson-foot[data-lmsctl-course]").forEach((foot) => {
      const course = foot.getAttribute("data-lmsctl-course");
      const lesson = foot.getAttribute("data-lmsctl-lesson");
      const key = "helpful:" + course + "/" + lesson;
      const buttons = all("[data-lmsctl-helpful-answer]", foot);
      const thanks = foot.querySelector("[data-lmsctl-helpful-thanks]");
      const question = foot.querySelector("[data-lmsctl-feedback-link=question]");
      function show(answer) {
        buttons.forEach((b) => {
          b.setAttribute("aria-pressed", b.getAttribute("data-lmsctl-helpful-answer") === answer ? "true" : "false");
        });
        const container = foot.querySelector("[data-lmsctl-helpful]");
        if (container) {
          container.setAttribute("data-lmsctl-answer", answer);
        }
        if (!thanks) {
          return;
        }
        thanks.textContent = answer === "yes" ? text.thanksYes : text.thanksNo;
        const place = where();
        if (place === "records") {
          thanks.appendChild(document.createTextNode(text.sentToRecords));
        }
        if (place === "browser") {
          thanks.appendChild(document.createTextNode(text.keptHere));
        }
        if (answer === "no" && question) {
          const a = document.createElement("a");
          a.href = question.href;
          a.target = "_blank";
          a.rel = "noopener";
          a.textContent = text.tellOwners;
          thanks.appendChild(a);
        }
      }
      buttons.forEach((b) => {
        b.addEventListener("click", () => {
          const answer = b.getAttribute("data-lmsctl-helpful-answer");
          hub.save(key, answer);
          show(answer);
          hub.record({ verb: "rated", course, lesson, version, value: answer === "yes" ? 1 : -1 });
        });
      });
      all("[data-lmsctl-feedback-link=outdated]", foot).forEach((a) => {
        a.addEventListener("click", () => {
          hub.record({ verb: "flagged", course, lesson, version });
        });
      });
      const saved = hub.load(key);
      if (saved === "yes" || saved === "no") {
        show(saved);
      }
    });
  }

  // lmsctl/runtime/catalog.js
  function inRange(minutes, range) {
    const parts = range.split("-");
    const low = parseInt(parts[0], 10) || 0;
    const high = parts[1] === "" || parts[1] === void 0 ? Infinity : parseInt(parts[1], 10);
    return minutes >= low && minutes <= high;
  }
  function matches(card, f) {
    return (!f.skill || card.skills.indexOf(f.skill) >= 0) && (!f.level || card.level === f.level) && (!f.role || card.audience.indexOf(f.role) >= 0) && (!f.duration || inRange(card.duration, f.duration)) && (!f.progress || card.state === f.progress);
  }
  function cardOf(el) {
    return {
      skills: words(el.getAttribute("data-lmsctl-skills")),
      level: el.getAttribute("data-lmsctl-level"),
      audience: words(el.getAttribute("data-lmsctl-audience")),
      duration: Number(el.getAttribute("data-lmsctl-duration")),
      state: el.getAttribute("data-lmsctl-state")
    };
  }
  function setupCatalog() {
    const catalog = document.querySelector("[data-lmsctl-catalog]");
    if (!catalog) {
      return;
    }
    const cards = all("[data-lmsctl-card]", catalog);
    const selects = all("select[data-lmsctl-filter]");
    const count = document.querySelector("[data-lmsctl-count]");
    const empty = document.querySelector("[data-lmsctl-empty]");
    const params = new URLSearchParams(window.location.search);
    function apply(updateUrl) {
      const f = {};
      let active = 0;
      selects.forEach((s) => {
        f[s.getAttribute("data-lmsctl-filter")] = s.value;
        if (s.value) {
          active += 1;
        }
      });
      let shown = 0;
      cards.forEach((card) => {
        const ok = matches(cardOf(card), f);
        card.hidden = !ok;
        if (ok) {
          shown += 1;
        }
      });
      if (count) {
        count.textContent = catalogCount(shown, cards.length, active);
      }
      if (empty) {
        empty.hidden = shown > 0;
      }
      if (updateUrl && window.history && window.history.replaceState) {
        const q = new URLSearchParams();
        selects.forEach((s) => {
          if (s.value) {
            q.set(s.getAttribute("data-lmsctl-filter"), s.value);
          }
        });
        const search = q.toString();
        window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : "") + window.location.hash);
      }
    }
    selects.forEach((s) => {
      const wanted = params.get(s.getAttribute("data-lmsctl-filter"));
      if (wanted !== null && all("option", s).some((o) => o.value === wanted)) {
        s.value = wanted;
      }
      s.addEventListener("change", () => {
        apply(true);
      });
    });
    all("[data-lmsctl-clear]").forEach((b) => {
      b.addEventListener("click", () => {
        selects.forEach((s) => {
          s.value = "";
        });
        apply(true);
      });
    });
    apply(false);
  }

  // lmsctl/runtime/optout.js
  function isOptedOut(storage) {
    return storage.get("xapi:optout") === true;
  }
  function setOptOut(storage, out) {
    storage.set("xapi:optout", !!out);
    if (out) {
      storage.remove("xapi:queue");
      storage.remove("xapi:retry");
    }
  }
  function wireOptOut(doc, storage, changed) {
    const controls = Array.prototype.slice.call(doc.querySelectorAll("[data-lmsctl-optout]"));
    function show() {
      const out = isOptedOut(storage);
      controls.forEach((c) => {
        if (c.type === "checkbox") {
          c.checked = out;
        } else {
          c.setAttribute("aria-pressed", out ? "true" : "false");
        }
        c.setAttribute("data-lmsctl-optout", out ? "out" : "in");
      });
    }
    controls.forEach((c) => {
      c.addEventListener(c.type === "checkbox" ? "change" : "click", () => {
        setOptOut(storage, c.type === "checkbox" ? c.checked : !isOptedOut(storage));
        show();
        if (changed) {
          changed();
        }
      });
    });
    show();
  }

  // lmsctl/runtime/journey.js
  var RECENT_LIMIT = 12;
  var ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
  function nextCourse(required, byCourse, after) {
    const open = (id) => !(byCourse[id] && byCourse[id].complete);
    const at = after ? required.indexOf(after) : -1;
    const later = at >= 0 ? required.slice(at + 1).filter(open)[0] : void 0;
    return later || required.filter(open)[0] || null;
  }
  function pathAction(required, byCourse) {
    const started = required.some((id) => byCourse[id] && byCourse[id].state !== "not-started");
    const next = nextCourse(required, byCourse, null);
    if (!next) {
      return { kind: "review", course: required[0] || null };
    }
    return { kind: started ? "continue" : "start", course: next };
  }
  function rememberRecent(list, entry, limit) {
    const kept = (Array.isArray(list) ? list : []).filter(
      (e) => e && typeof e === "object" && e.course !== entry.course
    );
    return [entry, ...kept].slice(0, limit || RECENT_LIMIT);
  }
  function inProgress(list) {
    return (Array.isArray(list) ? list : []).filter((e) => e && typeof e === "object" && ID.test(String(e.course)) && typeof e.title === "string" && e.state === "in-progress").sort((a, b) => (Number(b.at) || 0) - (Number(a.at) || 0));
  }
  function isoDay(date) {
    const pad = (n) => String(n).padStart(2, "0");
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }
  function completionOf(previous, p, title, today) {
    if (!p || !p.complete || !(p.answered || p.visited)) {
      return null;
    }
    const date = previous && previous.course === p.course && /^\d{4}-\d\d-\d\d$/.test(previous.date) ? previous.date : today;
    return { course: p.course, title, date, score: p.score, right: p.right, total: p.total, pass: p.pass };
  }
  function certificateFor(record, course) {
    if (!record || typeof record !== "object" || record.course !== course || !ID.test(course)) {
      return null;
    }
    if (typeof record.title !== "string" || !record.title || !/^\d{4}-\d\d-\d\d$/.test(record.date)) {
      return null;
    }
    return record;
  }
  function pathContext(win, prefix2) {
    const key = prefix2 + "path";
    let session = null;
    try {
      session = win.sessionStorage;
    } catch (e) {
      session = null;
    }
    let wanted = null;
    try {
      wanted = new URLSearchParams(win.location.search).get("path");
    } catch (e) {
      wanted = null;
    }
    if (wanted && ID.test(wanted)) {
      try {
        if (session) {
          session.setItem(key, wanted);
        }
      } catch (e) {
      }
      return wanted;
    }
    try {
      return session ? session.getItem(key) : null;
    } catch (e) {
      return null;
    }
  }
  function setPathContext(win, prefix2, id) {
    try {
      win.sessionStorage.setItem(prefix2 + "path", id);
    } catch (e) {
    }
  }
  function withPath(href, path) {
    if (!path || /[?&]path=/.test(href)) {
      return href;
    }
    const at = href.indexOf("#");
    const base = at >= 0 ? href.slice(0, at) : href;
    return base + (base.indexOf("?") >= 0 ? "&" : "?") + "path=" + encodeURIComponent(path) + (at >= 0 ? href.slice(at) : "");
  }
  function keepRecords(storage, hub, byCourse, config2, now) {
    all("[data-lmsctl-title][data-lmsctl-course][data-lmsctl-pass-mark]").forEach((el2) => {
      const id = el2.getAttribute("data-lmsctl-course");
      const p2 = byCourse[id];
      if (!p2) {
        return;
      }
      const key = "completion:" + id;
      const record = completionOf(storage.get(key), p2, el2.getAttribute("data-lmsctl-title"), isoDay(now));
      if (record) {
        storage.set(key, record);
      } else if (!p2.complete) {
        storage.remove(key);
      }
    });
    const course = config2.course;
    const p = course ? byCourse[course] : null;
    const el = course ? document.querySelector('[data-lmsctl-title][data-lmsctl-course="' + course + '"]') : null;
    if (!p || !el || p.state === "not-started") {
      return;
    }
    const entry = {
      course,
      title: el.getAttribute("data-lmsctl-title"),
      lesson: hub.load("location:" + course) || "",
      at: now.getTime(),
      state: p.state,
      right: p.right,
      total: p.total,
      score: p.score,
      pass: p.pass
    };
    storage.set("recent", rememberRecent(storage.get("recent"), entry, RECENT_LIMIT));
  }
  function link(href, label, css) {
    const a = document.createElement("a");
    a.setAttribute("href", href);
    if (css) {
      a.className = css;
    }
    a.textContent = label;
    return a;
  }
  function showContinue(storage, hub, scope2) {
    const section = document.querySelector("[data-lmsctl-continue]");
    if (!section) {
      return;
    }
    const list = section.querySelector("[data-lmsctl-continue-list]");
    const items = inProgress(storage.get("recent"));
    section.hidden = !items.length;
    if (!list) {
      return;
    }
    list.textContent = "";
    items.forEach((e) => {
      const lesson = hub.load("location:" + e.course) || e.lesson;
      const href = scope2 + "courses/" + e.course + "/" + (lesson && ID.test(lesson) ? lesson + "/" : "");
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
  function showPathAction(byCourse, win, prefix2) {
    all("[data-lmsctl-path-action]").forEach((button) => {
      const holder = button.closest("[data-lmsctl-path][data-lmsctl-courses]");
      if (!holder) {
        return;
      }
      const path = holder.getAttribute("data-lmsctl-path");
      setPathContext(win, prefix2, path);
      const action = pathAction(words(holder.getAttribute("data-lmsctl-courses")), byCourse);
      const step = action.course ? holder.querySelector('.lmsctl-step[data-lmsctl-course="' + action.course + '"] a') : null;
      if (!step) {
        return;
      }
      button.setAttribute("href", withPath(step.getAttribute("href"), path));
      button.textContent = pathActionText(action.kind, step.textContent.trim());
      button.setAttribute("data-lmsctl-path-action", action.kind);
    });
  }
  function showResult(byCourse, config2, context, scope2) {
    const section = document.querySelector("[data-lmsctl-result]");
    if (!section || !config2.course) {
      return;
    }
    const p = byCourse[config2.course];
    if (!p || p.state === "not-started") {
      section.hidden = true;
      return;
    }
    section.hidden = false;
    section.setAttribute("data-lmsctl-state", p.state);
    const score = section.querySelector("[data-lmsctl-result-score]");
    if (score) {
      score.textContent = resultText(p);
    }
    const certificate = section.querySelector("[data-lmsctl-certificate-link]");
    if (certificate) {
      certificate.hidden = !p.complete;
    }
    const next = section.querySelector("[data-lmsctl-result-next]");
    const holder = context ? document.querySelector('[data-lmsctl-next-path="' + context + '"]') : null;
    if (next) {
      let target = null;
      if (p.complete && holder) {
        const id = nextCourse(words(holder.getAttribute("data-lmsctl-courses")), byCourse, config2.course);
        const member = id ? holder.querySelector('[data-lmsctl-course="' + id + '"][data-lmsctl-href]') : null;
        target = member ? {
          href: withPath(member.getAttribute("data-lmsctl-href"), context),
          label: text.nextCourse + member.getAttribute("data-lmsctl-title")
        } : {
          href: holder.getAttribute("data-lmsctl-path-href"),
          label: text.pathDone + holder.getAttribute("data-lmsctl-path-title")
        };
      } else if (p.complete) {
        target = { href: scope2 + "catalog/", label: text.findNext };
      }
      next.hidden = !target;
      if (target) {
        next.setAttribute("href", target.href);
        next.textContent = target.label;
      }
    }
    if (window.location.hash === "#result" && !section.getAttribute("data-lmsctl-shown")) {
      section.setAttribute("data-lmsctl-shown", "true");
      section.scrollIntoView();
    }
  }
  function issuer(page, optedOut) {
    const shown = optedOut ? "stopped" : "records";
    const texts = all("[data-lmsctl-issuer-text]", page);
    if (!texts.length) {
      return;
    }
    texts.forEach((el) => {
      el.hidden = el.getAttribute("data-lmsctl-issuer-text") !== shown;
    });
    all("[data-lmsctl-issuer]", page).forEach((el) => {
      el.setAttribute("data-lmsctl-issuer", shown);
    });
  }
  function showCertificate(storage, win) {
    const page = document.querySelector("[data-lmsctl-certificate]");
    if (!page) {
      return;
    }
    let course = "";
    try {
      course = new URLSearchParams(win.location.search).get("course") || "";
    } catch (e) {
      course = "";
    }
    const record = certificateFor(storage.get("completion:" + course), course);
    const body = page.querySelector("[data-lmsctl-certificate-body]");
    const missing = page.querySelector("[data-lmsctl-certificate-missing]");
    page.setAttribute("data-lmsctl-state", record ? "passed" : "none");
    if (body) {
      body.hidden = !record;
    }
    if (missing) {
      missing.hidden = !!record;
    }
    if (!record) {
      return;
    }
    const fill = (name, value) => {
      all('[data-lmsctl-cert="' + name + '"]', page).forEach((el) => {
        el.textContent = value;
      });
    };
    let day = record.date;
    try {
      const [y, m, d] = record.date.split("-").map(Number);
      day = new Intl.DateTimeFormat(
        document.documentElement.lang || void 0,
        { dateStyle: "long" }
      ).format(new Date(y, m - 1, d));
    } catch (e) {
    }
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
      if (typeof kept === "string" && !input.value) {
        input.value = kept;
      }
      input.addEventListener("input", () => {
        storage.set("certificate-name", input.value.trim());
        show();
      });
    }
    show();
    all("[data-lmsctl-print]", page).forEach((b) => {
      b.hidden = false;
      b.addEventListener("click", () => {
        win.print();
      });
    });
  }
  function setupJourney(hub, storage, config2, win, prefix2) {
    const scope2 = typeof config2.scope === "string" && config2.scope ? config2.scope : "./";
    const context = pathContext(win, prefix2);
    showCertificate(storage, win);
    return (byCourse) => {
      keepRecords(storage, hub, byCourse, config2, /* @__PURE__ */ new Date());
      showContinue(storage, hub, scope2);
      showPathAction(byCourse, win, prefix2);
      showResult(byCourse, config2, context, scope2);
    };
  }

  // lmsctl/runtime/lesson.js
  function activeClock(now, visible) {
    let total = 0;
    let since = visible ? now() : null;
    return {
      show() {
        if (since === null) {
          since = now();
        }
      },
      hide() {
        if (since !== null) {
          total += now() - since;
          since = null;
        }
      },
      take() {
        if (since !== null) {
          total += now() - since;
          since = now();
        }
        const out = total;
        total = 0;
        return out;
      }
    };
  }
  function trackActiveTime(win, doc, report, flush) {
    const clock = activeClock(() => Date.now(), doc.visibilityState !== "hidden");
    function leave() {
      clock.hide();
      const ms = clock.take();
      if (ms > 0) {
        report(ms);
      }
      flush();
    }
    doc.addEventListener("visibilitychange", () => {
      if (doc.visibilityState === "hidden") {
        leave();
      } else {
        clock.show();
      }
    });
    win.addEventListener("pagehide", leave);
    win.addEventListener("pageshow", (event) => {
      if (event.persisted) {
        clock.show();
      }
    });
  }

  // lmsctl/runtime/learner.js
  function uuid(cryptoImpl) {
    const bytes = new Uint8Array(16);
    cryptoImpl.getRandomValues(bytes);
    bytes[6] = bytes[6] & 15 | 64;
    bytes[8] = bytes[8] & 63 | 128;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }
  var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  function learnerId(storage, cryptoImpl) {
    const kept = storage.get("learner");
    if (typeof kept === "string" && UUID.test(kept)) {
      return kept;
    }
    const made = uuid(cryptoImpl);
    storage.set("learner", made);
    return made;
  }

  // lmsctl/runtime/main.js
  var config = readConfig(document);
  useTranslations(config.messages, config.pluralForms);
  var scope = scopeOf(config.scope, window);
  var prefix = prefixFor(scope);
  var backend = localStorageOf(window);
  var local = localRecorder(prefix, backend);
  var browserStorage = openStorage(prefix, backend || {
    getItem() {
      return null;
    },
    setItem() {
    },
    removeItem() {
    }
  });
  function lessonOf() {
    const head = document.querySelector(".lmsctl-lesson-head[data-lmsctl-course][data-lmsctl-lesson]");
    if (!head) {
      return null;
    }
    return {
      course: head.getAttribute("data-lmsctl-course"),
      lesson: head.getAttribute("data-lmsctl-lesson"),
      version: config.lessonVersion || head.getAttribute("data-lmsctl-version") || ""
    };
  }
  var here = document.currentScript && document.currentScript.src;
  function loadXapiRecorder() {
    return new Promise((resolve, reject) => {
      if (window.lmsctlXapi) {
        resolve(window.lmsctlXapi);
        return;
      }
      if (!here) {
        reject(new Error("the runtime's URL is unknown"));
        return;
      }
      const script = document.createElement("script");
      script.src = new URL("lmsctl-xapi.js", here).href;
      script.onload = () => window.lmsctlXapi ? resolve(window.lmsctlXapi) : reject(new Error("no recorder"));
      script.onerror = () => reject(new Error("the xAPI recorder did not load"));
      document.head.appendChild(script);
    });
  }
  function mark(name) {
    try {
      window.performance.mark(name);
    } catch (e) {
    }
  }
  async function start() {
    const store = local;
    const analytics = config.analytics && typeof config.analytics === "object" ? config.analytics : null;
    const hub = createHub(store, {
      waitForReporters: !!analytics,
      keep: (events) => {
        if (!isOptedOut(browserStorage)) {
          browserStorage.set("xapi:events", events);
        }
      }
    });
    const where = () => analytics && !isOptedOut(browserStorage) ? "records" : "browser";
    if (analytics) {
      wireOptOut(document, browserStorage);
    }
    const lesson = lessonOf();
    if (lesson) {
      hub.save("visited:" + lesson.course + "/" + lesson.lesson, true);
      hub.save("location:" + lesson.course, lesson.lesson);
      trackActiveTime(window, document, (ms) => {
        hub.record({
          verb: "experienced",
          course: lesson.course,
          lesson: lesson.lesson,
          durationMs: ms,
          version: lesson.version
        });
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
    mark("lmsctl:ready");
    window.addEventListener("storage", (event) => {
      if (event.key && event.key.indexOf(prefix) === 0 && event.key.indexOf(":xapi:") < 0) {
        update();
      }
    });
    if (analytics) {
      if (document.readyState !== "complete") {
        await new Promise((resolve) => window.addEventListener("load", resolve, { once: true }));
      }
      try {
        const module = await loadXapiRecorder();
        hub.addReporter(module.xapiRecorder({ config, storage: browserStorage, window }));
        mark("lmsctl:records-ready");
      } catch (e) {
      }
      const earlier = browserStorage.get("xapi:events");
      browserStorage.remove("xapi:events");
      hub.ready(Array.isArray(earlier) ? earlier : []);
    }
  }
  start();
})();
